/**
 * Problems found in a CTF or ATF file, as values: each has a stable code that callers and tests can rely on,
 * a plain-English message, where it is (line, column, element path) and whether it stops the file (error)
 * or is only worth telling someone (warning). Messages never quote pupil data.
 */

export type CtfSeverity = 'error' | 'warning';

/** Every code the engine can report. Codes are stable: add new ones, never rename. */
export const ctfIssueCodes = [
  // Bytes and encoding
  'FILE_EMPTY',
  'NOT_XML',
  'ENCODING_UNSUPPORTED',
  'ENCODING_MISMATCH',
  'ENCODING_INVALID',
  'INPUT_UNREADABLE',
  // XML
  'XML_NOT_WELL_FORMED',
  'XML_INVALID_CHARACTER',
  'DOCTYPE_FORBIDDEN',
  // Limits
  'SIZE_LIMIT_EXCEEDED',
  'DEPTH_LIMIT_EXCEEDED',
  'ELEMENT_LIMIT_EXCEEDED',
  'TEXT_LIMIT_EXCEEDED',
  'ERROR_LIMIT_REACHED',
  // Document shape
  'ROOT_ELEMENT_INVALID',
  'HEADER_MISSING',
  'PUPIL_DATA_MISSING',
  'ELEMENT_MISSING',
  'ELEMENT_REPEATED',
  'ELEMENT_UNKNOWN',
  'FIELD_TOO_LONG',
  // Header formats
  'DOCUMENT_NAME_UNEXPECTED',
  'VERSION_INVALID',
  'VERSION_OLD',
  'DATE_TIME_INVALID',
  'DOCUMENT_QUALIFIER_INVALID',
  'LEA_CODE_INVALID',
  'ESTAB_CODE_INVALID',
  'URN_INVALID',
  'ACADEMIC_YEAR_INVALID',
  'DESTINATION_INCONSISTENT',
  // Pupils
  'NO_PUPILS',
  'UPN_FORMAT',
  'UPN_CHECK_LETTER',
  'UPN_DUPLICATE',
  'FORMER_UPN_FORMAT',
  'FORMER_UPN_CHECK_LETTER',
  'ULN_FORMAT',
  'ULN_CHECK_DIGIT',
  'NAME_EMPTY',
  'DOB_INVALID',
  'DOB_IMPLAUSIBLE',
  'SEX_INVALID',
  'DATE_INVALID',
  'LEAVING_REASON_UNKNOWN',
  'UNKNOWN_DESTINATION_MULTIPLE_PUPILS',
  // File name against header
  'FILE_NAME_UNCONVENTIONAL',
  'FILE_NAME_TYPE_MISMATCH',
  'FILE_NAME_SOURCE_MISMATCH',
  'FILE_NAME_DESTINATION_MISMATCH',
] as const;

export type CtfIssueCode = (typeof ctfIssueCodes)[number];

export interface CtfIssue {
  code: CtfIssueCode;
  severity: CtfSeverity;
  message: string;
  /** 1-based; 0 when the problem is about the file as a whole. */
  line: number;
  /** 1-based, in characters; 0 when the problem is about the file as a whole. */
  column: number;
  /** Element path such as `/CTfile/CTFpupilData/Pupil[3]/UPN`; empty when not inside an element. */
  path: string;
}

export interface IssuePlace {
  line: number;
  column: number;
  path: string;
}

export const noPlace: IssuePlace = { line: 0, column: 0, path: '' };

export function issue(code: CtfIssueCode, severity: CtfSeverity, message: string, place: IssuePlace): CtfIssue {
  return { code, severity, message, line: place.line, column: place.column, path: place.path };
}
