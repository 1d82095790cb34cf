/**
 * The longest text s2s accepts in each free-text field it reads from a CTF or ATF. A field past its length is an
 * error that names the field and the limit, so an absurd value is refused at validation instead of reaching the
 * database. Fields with a fixed format (UPN, ULN, dates, LA and establishment codes, URNs, sex, version) are
 * bounded by their format checks and are not listed; elements s2s does not read are bounded only by the parser's
 * text limit and are kept as they came. Lengths are in characters; docs/ctf-compatibility.md lists them.
 */

/** Names: no CTF specification length is known, so generous (the longest names on UK registers are far shorter). */
const name = 100;
/** School names: GIAS establishment names run to about 120 characters. */
const schoolName = 200;

/** Header fields, by path relative to `Header`. */
export const headerFieldLengths: Readonly<Record<string, number>> = Object.freeze({
  DocumentName: 100,
  DataQualifier: 100,
  DataDescriptor: 1000,
  SupplierID: 200,
  'SourceSchool/SchoolName': schoolName,
  'DestSchool/SchoolName': schoolName,
});

/** Pupil fields, by path relative to `Pupil` (both places a name may be written). */
export const pupilFieldLengths: Readonly<Record<string, number>> = Object.freeze({
  Surname: name,
  Forename: name,
  MiddleNames: name,
  PreferredSurname: name,
  PreferredForename: name,
  FormerSurname: name,
  FormerForename: name,
  'BasicDetails/MiddleNames': name,
  'BasicDetails/PreferredSurname': name,
  'BasicDetails/PreferredForename': name,
  'BasicDetails/FormerSurname': name,
  'BasicDetails/FormerForename': name,
  /** UK postcodes are at most 8 characters; room for a space too many or an overseas code. */
  'Address/PostCode': 16,
  ApplicationReference: 50,
});

/** A school history entry's fields (`SchoolHistory/School/…`), which have no format check of their own. */
export const schoolHistoryFieldLengths: Readonly<Record<string, number>> = Object.freeze({
  LEA: 10,
  Estab: 10,
  URN: 10,
  SchoolName: schoolName,
  LeavingReason: 10,
});
