/**
 * The elements of a CTF and an ATF as s2s reads them: the root and pupil-data names of each document type, the
 * elements it knows in the header and in a pupil, those it takes text from, those that must be there or may be
 * written only once, and the paths issues name. The parser and the validator both read them from here; the field
 * lengths are in `field-lengths.ts`.
 */

import type { CtfDocumentType } from './model.js';

/** The names that differ between the two document types. */
export const documentNames = {
  CTF: { root: 'CTfile', version: 'CTFversion', documentName: 'Common Transfer File', pupilData: 'CTFpupilData' },
  ATF: {
    root: 'ATfile',
    version: 'ATFversion',
    documentName: 'Admissions Data Transfer File',
    pupilData: 'ATFpupilData',
  },
} as const;

/** `CTF` for a `CTfile` root, `ATF` for `ATfile`, null for anything else (the name without its prefix). */
export function documentTypeOfRoot(name: string): CtfDocumentType | null {
  if (name === documentNames.CTF.root) return 'CTF';
  if (name === documentNames.ATF.root) return 'ATF';
  return null;
}

/**
 * An element's name without its namespace prefix. Some suppliers' serialisers write `<ctf:CTfile xmlns:ctf="…">`
 * and prefix every element; the prefix only stands for a namespace, so `ctf:Pupil` is read as `Pupil`, as a file
 * with a default namespace (`<CTfile xmlns="…">`) always was. s2s checks names, not namespaces.
 */
export function localName(qualified: string): string {
  const colon = qualified.indexOf(':');
  return colon < 0 ? qualified : qualified.slice(colon + 1);
}

export function headerPath(type: CtfDocumentType, key = ''): string {
  return `/${documentNames[type].root}/Header${key ? `/${key}` : ''}`;
}

export function pupilPath(type: CtfDocumentType, index: number, key = ''): string {
  return `/${documentNames[type].root}/${type}pupilData/Pupil[${index + 1}]${key ? `/${key}` : ''}`;
}

/** Header elements s2s knows, by path relative to `Header`; it reads the text of each that is not a container. */
export const knownHeaderElements: ReadonlySet<string> = new Set([
  'DocumentName',
  'CTFversion',
  'ATFversion',
  'DateTime',
  'DocumentQualifier',
  'DataQualifier',
  'DataDescriptor',
  'SupplierID',
  'SourceSchool',
  'DestSchool',
  'SuppInfo',
  'SuppID',
  'SourceSchool/LEA',
  'SourceSchool/Estab',
  'SourceSchool/URN',
  'SourceSchool/SchoolName',
  'SourceSchool/AcademicYear',
  'DestSchool/LEA',
  'DestSchool/Estab',
  'DestSchool/URN',
  'DestSchool/SchoolName',
]);

/** The header containers whose children are checked against `knownHeaderElements` too. */
export const headerSchoolElements: ReadonlySet<string> = new Set(['SourceSchool', 'DestSchool']);

export const headerMandatory = {
  CTF: [
    'DocumentName',
    'CTFversion',
    'DateTime',
    'DocumentQualifier',
    'SupplierID',
    'SourceSchool/LEA',
    'SourceSchool/Estab',
    'SourceSchool/SchoolName',
    'SourceSchool/AcademicYear',
    'DestSchool/LEA',
    'DestSchool/Estab',
  ],
  // ATF structure is less certain (design assumption): only these are enforced.
  ATF: ['DocumentName', 'ATFversion', 'DateTime'],
} as const satisfies Record<CtfDocumentType, readonly string[]>;

/** Pupil identity fields written once: a second one is an error, not a second value. */
export const singleValuedPupilKeys: ReadonlySet<string> = new Set([
  'UPN',
  'UniqueLearnerNumber',
  'Surname',
  'Forename',
  'DOB',
  'Gender',
  'Sex',
  'ApplicationReference',
]);

/**
 * Elements some suppliers write directly in `Pupil` and others inside `Pupil/BasicDetails`; s2s reads them in both
 * places.
 */
const eitherPlaceElements = [
  'FormerUPN',
  'MiddleNames',
  'PreferredSurname',
  'PreferredForename',
  'FormerSurname',
  'FormerForename',
] as const;

/** Elements directly inside `Pupil` whose text s2s reads. */
export const pupilTopCaptures: ReadonlySet<string> = new Set([...singleValuedPupilKeys, ...eitherPlaceElements]);

/** Elements inside `Pupil/BasicDetails` whose text s2s reads. */
export const basicDetailsCaptures: ReadonlySet<string> = new Set([...eitherPlaceElements, 'Sex', 'Gender']);

/** Elements s2s knows directly inside `Pupil`: those it reads and the sections it keeps as they came. */
export const knownPupilElements: ReadonlySet<string> = new Set([
  ...pupilTopCaptures,
  'UCI',
  'BasicDetails',
  'FSMhistory',
  'NAWdetails',
  'LookedAfter',
  'SENhistory',
  'Admissions',
  'Address',
  'Phones',
  'Email',
  'Contacts',
  'Attendance',
  'StageAssessments',
  'SchoolHistory',
  'SuppInfo',
  'SuppID',
  'NCyearActual',
]);

/** Elements s2s knows inside `Pupil/BasicDetails`. */
export const knownBasicDetailsElements: ReadonlySet<string> = new Set([
  ...basicDetailsCaptures,
  'NCyearActual',
  'Ethnicity',
  'EthnicitySource',
  'Languages',
  'MedicalFlag',
  'Disabilities',
  'EnrolStatus',
  'ServiceChild',
]);

/** Where a former UPN may be written; a pupil may have any number of them. */
export const formerUpnKeys: ReadonlySet<string> = new Set(['FormerUPN', 'BasicDetails/FormerUPN']);

/** Elements inside `Pupil/Address` whose text s2s reads. */
export const addressCaptures: ReadonlySet<string> = new Set(['PostCode']);

/** Elements of a `Pupil/SchoolHistory/School` entry whose text s2s reads. */
export const schoolCaptures: ReadonlySet<string> = new Set([
  'LEA',
  'Estab',
  'URN',
  'SchoolName',
  'EntryDate',
  'LeavingDate',
  'LeavingReason',
]);

export const pupilMandatory = {
  CTF: ['UPN', 'Surname', 'Forename', 'DOB'],
  ATF: ['Surname', 'Forename', 'DOB'],
} as const satisfies Record<CtfDocumentType, readonly string[]>;

/** Where a pupil's sex may be written, in the order the first one present is taken. */
export const sexKeys = ['Sex', 'Gender', 'BasicDetails/Sex', 'BasicDetails/Gender'] as const;

/** Pupil names that must not be empty. */
export const nameKeys = ['Surname', 'Forename'] as const;

/** The dates of a school history entry. */
export const historyDateKeys = ['EntryDate', 'LeavingDate'] as const;

export type CaptureKind = 'header' | 'pupil' | 'school';

const keptWhenEmpty = {
  CTF: { header: new Set<string>(headerMandatory.CTF), pupil: new Set<string>([...pupilMandatory.CTF, ...sexKeys]) },
  ATF: { header: new Set<string>(headerMandatory.ATF), pupil: new Set<string>([...pupilMandatory.ATF, ...sexKeys]) },
} as const satisfies Record<CtfDocumentType, Record<'header' | 'pupil', ReadonlySet<string>>>;

/**
 * Whether an element written empty (`<UniqueLearnerNumber/>`, `<MiddleNames></MiddleNames>`) is read as absent.
 * MIS suppliers write optional elements they have no value for as empty tags rather than leaving them out; an
 * absent optional element is valid, so the empty one is too. A mandatory element written empty stays, so that its
 * own check says what is wrong with it (an empty surname, an empty UPN).
 */
export function emptyMeansAbsent(type: CtfDocumentType, kind: CaptureKind, key: string): boolean {
  return kind === 'school' || !keptWhenEmpty[type][kind].has(key);
}
