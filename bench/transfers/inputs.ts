/**
 * Inputs for the transfers benchmark, generated before anything is timed and cached under bench/out/transfers:
 * a register with five more fictitious LAs (so that ten LAs can send at once), distinct CTFs for the uploads, and
 * one 2,000-file zip per LA. Every CTF is written by the CTF engine's own generator, so the service validates real
 * content; every file has its own pupils, so no two uploads carry the same bytes (the duplicate check would refuse
 * them).
 */

import crypto from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildFileName, createPupilGenerator, writeCtf } from '../../src/ctf/index.js';
import {
  openSampleEstablishments,
  sampleEstablishments,
  sampleLocalAuthorities,
  sampleRegisterCsvText,
  type SampleEstablishment,
} from '../../src/establishments/sample-register.js';
import { makeZip } from '../../test/support/transfers.js';

/** Five invented LAs, each given a copy of Ashdown Vale's (823) open schools under its own code. */
const extraLocalAuthorities = [
  { code: '871', name: 'Fenbrook' },
  { code: '872', name: 'Harrowdale' },
  { code: '873', name: 'Larkspur Down' },
  { code: '874', name: 'Millbeck' },
  { code: '876', name: 'Ravensholt' },
];

export function benchEstablishments(): SampleEstablishment[] {
  const template = openSampleEstablishments().filter((e) => e.laCode === '823');
  const extra = extraLocalAuthorities.flatMap((la, l) =>
    template.map((school, s) => ({
      ...school,
      urn: `7${la.code}${String(s).padStart(2, '0')}`,
      laCode: la.code,
      laName: la.name,
      laestab: la.code + school.establishmentNumber,
      name: `${school.name.split(' ')[0]} ${la.name} ${school.name.split(' ').slice(1).join(' ')}`.trim(),
      statusName: 'Open' as const,
      statusCode: '1',
      closeDate: '',
      previousLaCode: '',
      previousEstablishmentNumber: '',
      postcode: `ZZ${l + 1} ${s + 1}AB`,
    })),
  );
  return [...sampleEstablishments, ...extra];
}

export const benchLaCodes = [
  ...sampleLocalAuthorities.map((la) => la.code),
  ...extraLocalAuthorities.map((la) => la.code),
];

export function openBenchSchools(): SampleEstablishment[] {
  return benchEstablishments().filter((e) => e.statusName === 'Open' || e.statusName === 'Open, but proposed to close');
}

/** One CTF as stored: where it comes from and goes to, and its bytes (a view into the set's buffer). */
export interface InputFile {
  name: string;
  source: string;
  /** LAEstab of a school, or `<la>LLLL` for an LA. */
  destination: string;
  bytes: Buffer;
}

interface IndexEntry {
  name: string;
  source: string;
  destination: string;
  offset: number;
  length: number;
}

export interface Inputs {
  registerCsv: string;
  /** For the 100 API clients (and, cycled, the nginx ceiling). */
  sustained: InputFile[];
  /** Single files school users send before and during the peak. */
  singles: InputFile[];
  /** One zip per LA, with the files inside it in order. */
  zips: Array<{ laCode: string; name: string; bytes: Buffer; entries: InputFile[] }>;
  ctfBytes: number;
}

export interface InputOptions {
  dir: string;
  sustainedFiles: number;
  singleFiles: number;
  pupilsPerFile: number;
  zips: number;
  zipFiles: number;
}

const VERSION = 1;

/** Generates the inputs unless the cache already holds them for the same options. */
export function prepareInputs(options: InputOptions, log: (line: string) => void): Inputs {
  const { dir } = options;
  const manifestFile = join(dir, 'manifest.json');
  const wanted = JSON.stringify({ VERSION, ...options });
  if (!existsSync(manifestFile) || readFileSync(manifestFile, 'utf8') !== wanted) {
    const started = performance.now();
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    generate(options);
    writeFileSync(manifestFile, wanted);
    log(`Generated inputs in ${((performance.now() - started) / 1000).toFixed(1)} s under ${dir}`);
  } else {
    log(`Using cached inputs under ${dir}`);
  }
  const sustained = loadSet(dir, 'sustained');
  const zips = Array.from({ length: options.zips }, (_, i) => {
    const laCode = benchLaCodes[i % benchLaCodes.length]!;
    const name = `bulk-${laCode}.zip`;
    return { laCode, name, bytes: readFileSync(join(dir, name)), entries: loadSet(dir, `zip-${laCode}`) };
  });
  return {
    registerCsv: join(dir, 'register.csv'),
    sustained,
    singles: loadSet(dir, 'singles'),
    zips,
    ctfBytes: Math.round(sustained.reduce((sum, f) => sum + f.bytes.length, 0) / Math.max(1, sustained.length)),
  };
}

function loadSet(dir: string, set: string): InputFile[] {
  const data = readFileSync(join(dir, `${set}.bin`));
  const index = JSON.parse(readFileSync(join(dir, `${set}.json`), 'utf8')) as IndexEntry[];
  return index.map((e) => ({
    name: e.name,
    source: e.source,
    destination: e.destination,
    bytes: data.subarray(e.offset, e.offset + e.length),
  }));
}

function saveSet(dir: string, set: string, files: InputFile[]): void {
  let offset = 0;
  const index: IndexEntry[] = files.map((f) => {
    const entry = { name: f.name, source: f.source, destination: f.destination, offset, length: f.bytes.length };
    offset += f.bytes.length;
    return entry;
  });
  writeFileSync(join(dir, `${set}.bin`), Buffer.concat(files.map((f) => f.bytes)));
  writeFileSync(join(dir, `${set}.json`), JSON.stringify(index));
}

function generate(options: InputOptions): void {
  const { dir } = options;
  const all = benchEstablishments();
  // GIAS writes Windows-1252; every name here is plain ASCII apart from the odd Welsh letter, which latin1 keeps.
  writeFileSync(join(dir, 'register.csv'), Buffer.from(sampleRegisterCsvText(all), 'latin1'));
  const schools = openBenchSchools();
  const generator = createPupilGenerator({ seed: 'transfers-bench', establishments: all });
  const random = generator.random;
  // A sequence number per source and destination keeps file names unique, as an MIS numbers them.
  const sequences = new Map<string, number>();

  function ctf(source: SampleEstablishment, destination: string, pupils: number): InputFile {
    const key = `${source.laestab}>${destination}`;
    const sequence = ((sequences.get(key) ?? 0) % 999) + 1;
    sequences.set(key, sequence);
    const xml = writeCtf({
      header: {
        version: '25.0',
        dateTime: '2026-11-02T09:00:00',
        documentQualifier: 'full',
        supplierId: 'S2S-SYNTHETIC (fictitious data, not real pupils)',
        source: {
          lea: source.laCode,
          estab: source.establishmentNumber,
          urn: source.urn,
          schoolName: source.name,
          academicYear: '2026',
        },
        destination: { lea: destination.slice(0, 3), estab: destination.slice(3) },
      },
      pupils: Array.from({ length: pupils }, () => generator.pupil(source)),
    });
    return {
      name: buildFileName({ source: source.laestab, label: 'CTF', destination, sequence }),
      source: source.laestab,
      destination,
      bytes: Buffer.from(xml),
    };
  }

  /** Mostly another school (in any LA), one in twenty to an LA's own inbox. */
  function destinationFor(source: SampleEstablishment): string {
    if (random.next() < 0.05) return `${random.pick(benchLaCodes)}LLLL`;
    for (;;) {
      const school = random.pick(schools);
      if (school.laestab !== source.laestab) return school.laestab;
    }
  }

  const many = (count: number, pupils: number, from: () => SampleEstablishment) =>
    Array.from({ length: count }, () => {
      const source = from();
      return ctf(source, destinationFor(source), pupils);
    });

  saveSet(
    dir,
    'sustained',
    many(options.sustainedFiles, options.pupilsPerFile, () => random.pick(schools)),
  );
  saveSet(
    dir,
    'singles',
    many(options.singleFiles, options.pupilsPerFile, () => random.pick(schools)),
  );
  for (let i = 0; i < options.zips; i++) {
    const laCode = benchLaCodes[i % benchLaCodes.length]!;
    const own = schools.filter((s) => s.laCode === laCode);
    const entries = many(options.zipFiles, 1, () => random.pick(own));
    saveSet(dir, `zip-${laCode}`, entries);
    writeFileSync(join(dir, `bulk-${laCode}.zip`), makeZip(entries.map((e) => ({ name: e.name, data: e.bytes }))));
  }
}

export function sha256(bytes: Uint8Array): string {
  return crypto.createHash('sha256').update(bytes).digest('hex');
}
