/**
 * The synthetic CTF generator: realistic, deterministic (same seed, same output) and entirely fictitious pupils
 * for tests, demos and benchmarks. Establishments are passed in (the CLI passes the sample register) so this folder
 * stays independent of the rest of s2s. `generateIdentities` yields identity records without building XML, fast
 * enough for the search benchmark's hundreds of thousands of pupils.
 */

import { daysInMonth } from './dates.js';
import { buildFileName, classifyDestination } from './file-names.js';
import type { CtfPupilIdentity, CtfSchoolHistoryEntry } from './model.js';
import { contactTitles, heritageGroups, nicknames, streetNames, type HeritageGroup } from './names-data.js';
import { createRandom, type Random } from './random.js';
import { ulnCheckDigit } from './uln.js';
import { makeUpn, upnLetters } from './upn.js';
import {
  writeCtfHead,
  writeCtfTail,
  writePupilXml,
  type CtfAttendanceInput,
  type CtfContactInput,
  type CtfHeaderInput,
  type CtfKeyStageInput,
  type CtfPupilInput,
} from './write.js';

/** What the generator needs to know about an establishment (a subset of the register's fields). */
export interface GeneratorEstablishment {
  urn: string;
  laCode: string;
  establishmentNumber: string;
  laestab: string;
  name: string;
  lowAge: number;
  highAge: number;
  town: string;
  postcode: string;
}

/** Marks every generated file as fictitious. */
export const syntheticSupplierId = 'S2S-SYNTHETIC (fictitious data, not real pupils)';

export interface GeneratorOptions {
  seed: string | number;
  establishments: readonly GeneratorEstablishment[];
  /** Start year of the academic year the files are written in (default 2025, i.e. 2025/26). */
  academicYear?: number;
  /** The moment files are written, `YYYY-MM-DDThh:mm:ss` (default 10 July of the academic year's second calendar year). */
  dateTime?: string;
  /**
   * Which UPNs the pupils get: `demo` for the demo's own pupils, `synthetic` (the default) for everything else. The
   * two never share a UPN (see `upnSpaces`), so a generated file can never carry a demo child's UPN under another
   * child's name.
   */
  upnSpace?: UpnSpace;
}

export type UpnSpace = 'synthetic' | 'demo';

/**
 * How each serial range of a UPN's structure (a school's year of allocation, an LA's overflow, its temporary UPNs) is
 * shared out: the demo takes its top fifth, every other run the rest. A UPN's serial is fixed by the range it is drawn
 * from, so the two can never meet whatever the seed or however many pupils.
 */
export const upnSpaces: Readonly<Record<UpnSpace, { from: number; to: number }>> = {
  synthetic: { from: 0, to: 0.8 },
  demo: { from: 0.8, to: 1 },
};

export interface SyntheticIdentity extends CtfPupilIdentity {
  /** The school the pupil is on roll at (the CTF's source). */
  laestab: string;
  /** `N2`, `N1`, `R`, `1` … `13`. */
  ncYearActual: string;
}

export interface SyntheticPupil extends CtfPupilInput {
  laestab: string;
  ncYearActual: string;
}

// Letters used in the inward part of a postcode (never C I K M O V).
const postcodeLetters = [...'ABDEFGHJLNPQRSTUWXYZ'];
const leavingReasons = ['PM', 'PM', 'PM', 'PI', 'PF', 'IM', 'II', 'IF', 'NH', 'NT', 'OR', 'MI', 'EL'];

function ncYearLabel(year: number): string {
  if (year === -2) return 'N1';
  if (year === -1) return 'N2';
  if (year === 0) return 'R';
  return String(year);
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function asciiFold(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ł/g, 'l')
    .replace(/Ł/g, 'L')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase();
}

/** The state behind a stream of generated pupils: counters that keep UPNs unique within a run. */
export interface PupilGenerator {
  readonly random: Random;
  readonly academicYear: number;
  readonly dateTime: string;
  /** A pupil's identity on roll at `school` (default: a random establishment). */
  identity(school?: GeneratorEstablishment): SyntheticIdentity;
  /** A full pupil record (contacts, attendance, assessments …) on roll at `school`. */
  pupil(school?: GeneratorEstablishment): SyntheticPupil;
}

export function createPupilGenerator(options: GeneratorOptions): PupilGenerator {
  if (options.establishments.length === 0) throw new Error('createPupilGenerator: no establishments');
  const random = createRandom(options.seed);
  const academicYear = options.academicYear ?? 2025;
  const dateTime = options.dateTime ?? `${academicYear + 1}-07-10T10:15:00`;
  const fileDate = dateTime.slice(0, 10);
  const establishments = options.establishments;
  const totalWeight = heritageGroups.reduce((sum, g) => sum + g.weight, 0);
  const permanentSerials = new Map<string, number>();
  const temporarySerials = new Map<string, number>();
  const overflowSerials = new Map<string, number>();
  const british = heritageGroups[0] as HeritageGroup;

  const group = (person: Random): HeritageGroup => {
    let r = person.next() * totalWeight;
    for (const g of heritageGroups) {
      r -= g.weight;
      if (r < 0) return g;
    }
    return british;
  };

  /*
   * A UPN names one child, in every run: the child's name, sex and date of birth are drawn from the UPN itself
   * (below), so two seeds that allocate the same UPN describe the same child. Nursery and reception pupils share
   * the year of allocation, so they take separate halves of each serial range; otherwise the same UPN could be a
   * nursery child in one run and a reception child, born a year earlier, in another.
   */
  const space = upnSpaces[options.upnSpace ?? 'synthetic'];
  const share = (lo: number, hi: number): [number, number] => [
    lo + Math.round((hi - lo) * space.from),
    lo + Math.round((hi - lo) * space.to),
  ];
  const part = (ncYear: number, yy: string, lo: number, hi: number): [number, number] => {
    if (yy !== pad(academicYear % 100, 2)) return share(lo, hi);
    const middle = lo + (hi - lo) / 2;
    return ncYear < 0 ? share(middle, hi) : share(lo, middle);
  };
  const next = (counters: Map<string, number>, key: string): number => {
    const n = counters.get(key) ?? 0;
    counters.set(key, n + 1);
    return n;
  };

  const permanentUpn = (la: string, estab: string, yy: string, ncYear: number): string => {
    const key = la + estab + yy;
    const [lo, hi] = part(ncYear, yy, 0, 1000);
    const n = next(permanentSerials, `${key}:${lo}`);
    if (n < hi - lo) return makeUpn(key + pad(lo + n, 3));
    // The school's serials are used up: LAs allocate from dummy establishment numbers 3950–3999.
    const [olo, ohi] = part(ncYear, yy, 0, 50_000);
    const m = olo + (next(overflowSerials, `${la}${yy}:${olo}`) % (ohi - olo));
    return makeUpn(la + pad(3950 + Math.floor(m / 1000), 4) + yy + pad(m % 1000, 3));
  };

  const temporaryFrom = (key: string, index: number): string =>
    makeUpn(key + pad(Math.floor(index / 23), 2) + upnLetters[index % 23]);

  // Temporary UPNs 0–999 of a school and year are the former UPNs of its permanent ones (serial for serial), so a
  // former UPN belongs to one child too; pupils still on a temporary UPN take 1000–2299.
  const temporaryUpn = (la: string, estab: string, yy: string, ncYear: number): string => {
    const key = la + estab + yy;
    const [lo, hi] = part(ncYear, yy, 1000, 2300);
    return temporaryFrom(key, lo + (next(temporarySerials, `${key}:${lo}`) % (hi - lo)));
  };

  const formerTemporaryUpn = (upn: string): string => temporaryFrom(upn.slice(1, 10), Number(upn.slice(10)));

  const uln = (person: Random): string => {
    for (;;) {
      const first = String(person.between(100_000_000, 999_999_999));
      const check = ulnCheckDigit(first);
      if (check !== null) return first + check;
    }
  };

  const dobFor = (ncYear: number, person: Random): string => {
    // Year Y in academic year AY: born 1 September (AY − Y − 5) to 31 August (AY − Y − 4).
    const startYear = academicYear - ncYear - 5;
    let dayIndex = person.int(365);
    let month = 9;
    let year = startYear;
    for (;;) {
      const dim = daysInMonth(year, month);
      if (dayIndex < dim) break;
      dayIndex -= dim;
      month++;
      if (month === 13) {
        month = 1;
        year++;
      }
    }
    return `${year}-${pad(month, 2)}-${pad(dayIndex + 1, 2)}`;
  };

  const postcodeNear = (school: GeneratorEstablishment): string => {
    const outward = school.postcode.split(' ')[0] ?? 'ZZ9';
    return `${outward} ${random.int(10)}${random.pick(postcodeLetters)}${random.pick(postcodeLetters)}`;
  };

  // Schools a pupil could have started reception at, other than the one they are at now (computed once a school).
  const infantSchools = new Map<string, GeneratorEstablishment[]>();
  const receptionSchoolsExcept = (except: string): GeneratorEstablishment[] => {
    let found = infantSchools.get(except);
    if (!found) {
      found = establishments.filter((e) => e.laestab !== except && e.lowAge <= 4 && e.highAge > 4);
      infantSchools.set(except, found);
    }
    return found;
  };

  const pickYear = (school: GeneratorEstablishment): number => {
    const min = Math.max(-1, Math.min(13, school.lowAge - 4));
    const max = Math.max(min, Math.min(13, school.highAge - 5));
    return random.between(min, max);
  };

  const historyFor = (school: GeneratorEstablishment, ncYear: number): CtfSchoolHistoryEntry[] => {
    const history: CtfSchoolHistoryEntry[] = [];
    const startYear = academicYear - Math.max(ncYear, 0);
    const entryYearHere = school.lowAge >= 11 ? academicYear - (ncYear - 7) : startYear;
    if (ncYear > 0 && (school.lowAge >= 11 || random.chance(0.2))) {
      const earlier = receptionSchoolsExcept(school.laestab);
      const prior = earlier.length > 0 ? random.pick(earlier) : null;
      if (prior) {
        const leftYear = school.lowAge >= 11 ? entryYearHere : random.between(startYear + 1, academicYear);
        history.push({
          lea: prior.laCode,
          estab: prior.establishmentNumber,
          urn: prior.urn,
          schoolName: prior.name,
          entryDate: `${startYear}-09-0${random.between(1, 7)}`,
          leavingDate: `${leftYear}-07-${random.between(15, 24)}`,
          leavingReason: random.pick(leavingReasons),
        });
      }
    }
    const entered = history.length > 0 ? Number((history[0]?.leavingDate ?? '').slice(0, 4)) : entryYearHere;
    history.push({
      lea: school.laCode,
      estab: school.establishmentNumber,
      urn: school.urn,
      schoolName: school.name,
      entryDate: `${entered}-09-0${random.between(1, 7)}`,
      leavingDate: random.chance(0.7) ? fileDate : null,
      leavingReason: random.chance(0.7) ? random.pick(leavingReasons) : null,
    });
    return history;
  };

  const identity = (school: GeneratorEstablishment = random.pick(establishments)): SyntheticIdentity => {
    const ncYear = pickYear(school);
    const schoolHistory = historyFor(school, ncYear);
    const first = schoolHistory[0];
    const allocLa = first?.lea ?? school.laCode;
    const allocEstab = first?.estab ?? school.establishmentNumber;
    const allocYear = pad((academicYear - Math.max(ncYear, 0)) % 100, 2);
    const temporary = random.chance(0.03);
    const upn = temporary
      ? temporaryUpn(allocLa, allocEstab, allocYear, ncYear)
      : permanentUpn(allocLa, allocEstab, allocYear, ncYear);
    // Who the child is follows from the UPN alone: see `part` above.
    const person = createRandom(`pupil ${upn}`);
    const formerUpns = !temporary && person.chance(0.08) ? [formerTemporaryUpn(upn)] : [];
    const heritage = group(person);
    const sex = person.chance(0.5) ? 'M' : 'F';
    const forenames = sex === 'M' ? heritage.male : heritage.female;
    const forename = person.pick(forenames);
    let surname = person.chance(0.1) ? person.pick(group(person).surnames) : person.pick(heritage.surnames);
    if (person.chance(0.04)) surname = `${surname}-${person.pick(group(person).surnames)}`;
    let middleNames: string | null = null;
    if (person.chance(0.3)) {
      const pool = person.chance(0.7) ? forenames : sex === 'M' ? british.male : british.female;
      middleNames = person.pick(pool);
      if (person.chance(0.15)) middleNames += ` ${person.pick(pool)}`;
      if (middleNames.split(' ').includes(forename)) middleNames = null;
    }
    const shortForms = nicknames[forename];
    const preferredForename = shortForms && person.chance(0.25) ? person.pick(shortForms) : null;
    const formerSurname = person.chance(0.03) ? person.pick(group(person).surnames) : null;
    const preferredSurname = person.chance(0.02) ? person.pick(heritage.surnames) : null;
    const dateOfBirth = dobFor(ncYear, person);
    return {
      upn,
      formerUpns,
      uln: person.chance(ncYear >= 9 ? 0.85 : 0.05) ? uln(person) : null,
      surname,
      forename,
      middleNames,
      preferredSurname,
      preferredForename,
      formerSurname,
      formerForename: null,
      dateOfBirth,
      sex,
      postcode: postcodeNear(school),
      schoolHistory,
      applicationReference: null,
      laestab: school.laestab,
      ncYearActual: ncYearLabel(ncYear),
    };
  };

  const phone = (mobile: boolean): string =>
    mobile ? `07700 900${pad(random.int(1000), 3)}` : `01632 960${pad(random.int(1000), 3)}`;

  const pupil = (school: GeneratorEstablishment = random.pick(establishments)): SyntheticPupil => {
    const id = identity(school);
    const heritage = heritageGroups.find((g) => g.surnames.includes(id.surname ?? '')) ?? british;
    const ncYear = id.ncYearActual === 'R' ? 0 : id.ncYearActual.startsWith('N') ? -1 : Number(id.ncYearActual);
    const postcode = id.postcode ?? '';
    const street = random.pick(streetNames);
    const address = random.chance(0.8)
      ? {
          bs7666: {
            saon: random.chance(0.1) ? `Flat ${random.between(1, 12)}` : undefined,
            paon: String(random.between(1, 180)),
            street,
            town: school.town,
            administrativeArea: school.town,
            postTown: school.town,
          },
          postcode,
          country: 'GBR',
        }
      : { lines: [`${random.between(1, 180)} ${street}`, school.town], postcode, country: 'GBR' };
    const contacts: CtfContactInput[] = [];
    const contactCount = random.between(1, 2);
    for (let i = 0; i < contactCount; i++) {
      const sex = i === 0 ? (random.chance(0.7) ? 'F' : 'M') : random.chance(0.5) ? 'F' : 'M';
      const forename = random.pick(sex === 'F' ? heritage.female : heritage.male);
      const surname = random.chance(0.8) ? (id.surname ?? '') : random.pick(heritage.surnames);
      contacts.push({
        order: i + 1,
        title: random.pick(contactTitles[sex]),
        surname,
        forename,
        gender: sex,
        relationship: random.chance(0.85) ? 'PAR' : random.pick(['CAR', 'REL', 'OTH']),
        responsibility: random.chance(0.9),
        addressAsPupil: random.chance(0.85),
        address: {
          lines: [`${random.between(1, 180)} ${random.pick(streetNames)}`, school.town],
          postcode: postcodeNear(school),
        },
        phones: [{ type: 'M', number: phone(true) }],
        email: `${asciiFold(forename)}.${asciiFold(surname)}${random.int(100)}@example.com`,
      });
    }
    const attendance: CtfAttendanceInput[] = [];
    const years = Math.min(3, Math.max(1, ncYear + 1));
    for (let k = years - 1; k >= 0; k--) {
      const possible = random.between(300, 380);
      const authorised = random.between(0, 20);
      const unauthorised = random.chance(0.8) ? 0 : random.between(1, 15);
      attendance.push({
        year: String(academicYear - k),
        lea: school.laCode,
        estab: school.establishmentNumber,
        schoolName: school.name,
        sessionsPossible: possible,
        sessionsAuthorised: authorised,
        sessionsAttended: possible - authorised - unauthorised,
        sessionsUnauthorised: unauthorised,
        attendanceStartDate: `${academicYear - k}-09-0${random.between(1, 7)}`,
      });
    }
    const keyStages: CtfKeyStageInput[] = [];
    const levels = ['WTS', 'EXS', 'EXS', 'EXS', 'GDS'];
    if (ncYear >= 3) {
      const year = String(academicYear - (ncYear - 2));
      keyStages.push({
        stage: 'KS1',
        assessments: ['ENG', 'MAT', 'SCI'].map((subject) => ({
          locale: 'ENG',
          year,
          subject,
          method: 'TA',
          component: subject === 'ENG' ? 'RD' : 'NA',
          resultStatus: 'F',
          resultQualifier: 'KS1',
          result: random.pick(levels),
        })),
      });
    }
    if (ncYear >= 7) {
      const year = String(academicYear - (ncYear - 6));
      keyStages.push({
        stage: 'KS2',
        assessments: ['READ', 'MAT', 'GPS'].map((subject) => ({
          locale: 'ENG',
          year,
          subject,
          method: 'TT',
          component: 'SCL',
          resultStatus: 'F',
          resultQualifier: 'SS',
          result: String(random.between(85, 120)),
          resultDate: `${year}-07-0${random.between(1, 9)}`,
        })),
      });
    }
    return {
      ...id,
      ethnicity: heritage.ethnicity,
      firstLanguage: heritage.language,
      address,
      phones: [{ type: 'H', number: phone(false) }],
      email: random.chance(0.3) ? `${asciiFold(id.forename ?? '')}${random.int(1000)}@example.org` : undefined,
      contacts,
      attendance,
      keyStages,
    };
  };

  return { random, academicYear, dateTime, identity, pupil };
}

export interface IdentityOptions extends GeneratorOptions {
  count: number;
}

/** Identity records only (no XML, no contacts or attendance): the fast path for search benchmarks. */
export function* generateIdentities(options: IdentityOptions): Generator<SyntheticIdentity> {
  const generator = createPupilGenerator(options);
  for (let i = 0; i < options.count; i++) yield generator.identity();
}

export interface GeneratedFile {
  fileName: string;
  header: CtfHeaderInput;
  pupils: SyntheticPupil[];
  xml: string;
}

export interface FilesOptions extends GeneratorOptions {
  files: number;
  /** Pupils in each file to a school or LA (default 30). Unknown-destination and out-of-sector files always hold one. */
  pupilsPerFile?: number;
  /** Share of files (0–1) sent to XXXXXXX or MMMMMMM (default 0.1); unused with `to`. */
  unknownDestinationRate?: number;
  /** The LAEstab every file comes from (one of `establishments`); default a random one a file. */
  from?: string;
  /** Where every file goes: a LAEstab, `823LLLL`, `XXXXXXX` or `MMMMMMM`; default a random destination a file. */
  to?: string;
  /**
   * The pupils (and the file's choices) come from this generator instead of a new one from the options, so that
   * several batches of files share its UPN counters and never give one UPN to two of their pupils. Its own seed,
   * academic year, date and UPN space then stand in for those of the options.
   */
  generator?: PupilGenerator;
}

function headerFor(
  source: GeneratorEstablishment,
  destination: string,
  destinationUrn: string | undefined,
  academicYear: number,
  dateTime: string,
): CtfHeaderInput {
  return {
    version: '25.0',
    dateTime,
    documentQualifier: 'full',
    dataDescriptor: 'Synthetic CTF for testing s2s',
    supplierId: syntheticSupplierId,
    source: {
      lea: source.laCode,
      estab: source.establishmentNumber,
      urn: source.urn,
      schoolName: source.name,
      academicYear: String(academicYear),
    },
    destination: { lea: destination.slice(0, 3), estab: destination.slice(3), urn: destinationUrn },
  };
}

/** Correctly named CTFs between the given establishments, some to XXXXXXX or MMMMMMM (each with one pupil). */
export function* generateCtfFiles(options: FilesOptions): Generator<GeneratedFile> {
  const generator = options.generator ?? createPupilGenerator(options);
  const { random } = generator;
  const perFile = Math.max(1, options.pupilsPerFile ?? 30);
  const rate = options.unknownDestinationRate ?? 0.1;
  const sequences = new Map<string, number>();
  const establishments = options.establishments;
  const from = options.from === undefined ? undefined : establishments.find((e) => e.laestab === options.from);
  if (options.from !== undefined && !from) throw new Error(`generateCtfFiles: ${options.from} is not an establishment`);
  if (options.to !== undefined && classifyDestination(options.to) === null) {
    throw new Error(`generateCtfFiles: ${options.to} is not a destination`);
  }
  if (options.to !== undefined && options.to === options.from) {
    throw new Error(`generateCtfFiles: ${options.to} would send to itself`);
  }
  for (let f = 0; f < options.files; f++) {
    const source = from ?? random.pick(establishments);
    let destination: string;
    let destinationUrn: string | undefined;
    if (options.to !== undefined) {
      destination = options.to;
      destinationUrn = establishments.find((e) => e.laestab === options.to)?.urn;
    } else if (random.chance(rate)) destination = random.chance(0.5) ? 'XXXXXXX' : 'MMMMMMM';
    else if (random.chance(0.1)) destination = `${source.laCode}LLLL`;
    else {
      const others = establishments.filter((e) => e.laestab !== source.laestab);
      const target = others.length > 0 ? random.pick(others) : source;
      destination = target.laestab;
      destinationUrn = target.urn;
    }
    const kind = classifyDestination(destination);
    const count = kind === 'unknown' || kind === 'outside-maintained-sector' ? 1 : perFile;
    const key = `${source.laestab}_${destination}`;
    const sequence = (sequences.get(key) ?? 0) + 1;
    sequences.set(key, sequence);
    const minute = pad(f % 60, 2);
    const dateTime = `${generator.dateTime.slice(0, 14)}${minute}:${pad(Math.floor(f / 60) % 60, 2)}`;
    const header = headerFor(source, destination, destinationUrn, generator.academicYear, dateTime);
    const pupils: SyntheticPupil[] = [];
    for (let p = 0; p < count; p++) pupils.push(generator.pupil(source));
    const xml = writeCtfHead(header) + pupils.map((p) => writePupilXml(p)).join('') + writeCtfTail();
    yield {
      fileName: buildFileName({
        source: source.laestab,
        label: 'CTF',
        destination,
        sequence: ((sequence - 1) % 999) + 1,
      }),
      header,
      pupils,
      xml,
    };
  }
}

export interface LargeFileOptions extends GeneratorOptions {
  pupils: number;
}

/** One large CTF as a sequence of strings (head, each pupil, tail), for writing a file of any size without holding it. */
export function* generateCtfChunks(options: LargeFileOptions): Generator<string> {
  const generator = createPupilGenerator(options);
  const [source, target] = [options.establishments[0], options.establishments[1] ?? options.establishments[0]] as [
    GeneratorEstablishment,
    GeneratorEstablishment,
  ];
  yield writeCtfHead(headerFor(source, target.laestab, target.urn, generator.academicYear, generator.dateTime));
  for (let i = 0; i < options.pupils; i++) {
    // UPNs must stay unique in one file, so spread pupils over all schools' counters.
    yield writePupilXml(generator.pupil(i % 4 === 0 ? source : generator.random.pick(options.establishments)));
  }
  yield writeCtfTail();
}
