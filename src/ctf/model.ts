/**
 * The typed model the parser produces: a file's header and, for each pupil, the identity fields s2s needs for
 * routing and search plus the byte range of the pupil's own XML, so the pupil can be re-emitted verbatim. Everything
 * else in the file is kept in the original bytes, never interpreted.
 */

import type { CtfEncoding } from './decode.js';
import type { DestinationKind } from './file-names.js';
import type { CtfIssue } from './issues.js';

export type CtfDocumentType = 'CTF' | 'ATF';

export interface CtfSchoolRef {
  lea: string | null;
  estab: string | null;
  urn: string | null;
  /** `lea + estab` when both are present. */
  laestab: string | null;
}

export interface CtfSourceSchool extends CtfSchoolRef {
  schoolName: string | null;
  academicYear: string | null;
}

export interface CtfDestSchool extends CtfSchoolRef {
  kind: DestinationKind | null;
}

export interface CtfHeader {
  documentName: string | null;
  /** `CTFversion` or `ATFversion`, as written (`25.0`). */
  version: string | null;
  dateTime: string | null;
  documentQualifier: string | null;
  dataQualifier: string | null;
  dataDescriptor: string | null;
  supplierId: string | null;
  source: CtfSourceSchool;
  destination: CtfDestSchool;
  /** Header elements the engine does not interpret (e.g. `SuppInfo`), path relative to `Header` and text (capped). */
  other: { path: string; text: string }[];
}

export interface CtfSchoolHistoryEntry {
  lea: string | null;
  estab: string | null;
  urn: string | null;
  schoolName: string | null;
  entryDate: string | null;
  leavingDate: string | null;
  leavingReason: string | null;
}

/** The identity fields of a pupil, as written in the file (trimmed). Absent fields are null. */
export interface CtfPupilIdentity {
  upn: string | null;
  formerUpns: string[];
  uln: string | null;
  surname: string | null;
  forename: string | null;
  middleNames: string | null;
  preferredSurname: string | null;
  preferredForename: string | null;
  formerSurname: string | null;
  formerForename: string | null;
  /** `YYYY-MM-DD`: a time zone written after the date (`2015-03-04Z`) is dropped; an invalid date as written. */
  dateOfBirth: string | null;
  /** From `Sex` or `Gender`, as written (`M` or `F` when valid). */
  sex: string | null;
  postcode: string | null;
  schoolHistory: CtfSchoolHistoryEntry[];
  /** ATF only. */
  applicationReference: string | null;
}

export interface ByteRange {
  /** Offset of the `<` of `<Pupil`. */
  start: number;
  /** Offset just after the `>` of `</Pupil>` (exclusive). */
  end: number;
}

export interface CtfPupil extends CtfPupilIdentity {
  /** 0-based order in the file. */
  index: number;
  byteRange: ByteRange;
  line: number;
  column: number;
  /** Elements inside the pupil, the pupil itself included. */
  elementCount: number;
  /** Problems found in this pupil (the same objects as in the file's lists). */
  errors: CtfIssue[];
  warnings: CtfIssue[];
}

/**
 * Where things are in the original bytes, for extracting one pupil: everything before the first pupil (XML
 * declaration, header, the pupil-data start tag) and everything after the last pupil are copied as they are.
 */
export interface CtfLayout {
  encoding: CtfEncoding;
  byteLength: number;
  /** Offset of the first pupil's `<`, or of the end of the pupil-data start tag when there is no pupil. */
  pupilsStart: number;
  /** Offset just after the last pupil's `</Pupil>` (or equal to `pupilsStart`). */
  pupilsEnd: number;
}

export interface CtfParseResult {
  /** True when no error was found (warnings allowed). */
  valid: boolean;
  documentType: CtfDocumentType | null;
  encoding: CtfEncoding | null;
  header: CtfHeader | null;
  /** Every pupil, in order; empty when the caller asked not to retain them. */
  pupils: CtfPupil[];
  pupilCount: number;
  /** Each pupil's UPN, once, in the order first seen (pupils without one are left out). */
  upns: string[];
  errors: CtfIssue[];
  warnings: CtfIssue[];
  /** True when parsing stopped before the end (a fatal error or a limit). */
  stoppedEarly: boolean;
  /** Bytes read from the input. */
  bytesRead: number;
  /** Null unless the file parsed to the end without a fatal error. */
  layout: CtfLayout | null;
}
