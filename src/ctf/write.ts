/**
 * Builds well-formed CTF (and ATF) XML from a plain model: used by the synthetic generator, the tests and the
 * benchmarks. A file can be written whole (`writeCtf`) or in pieces (`writeCtfHead`, `writePupilXml`,
 * `writeCtfTail`) so a very large file can be streamed to disk a pupil at a time.
 */

import type { CtfDocumentType, CtfPupilIdentity } from './model.js';

export interface CtfHeaderInput {
  /** Defaults to "Common Transfer File" (or the ATF name). */
  documentName?: string;
  /** `NN.0`. */
  version: string;
  /** `YYYY-MM-DDThh:mm:ss`. */
  dateTime: string;
  documentQualifier: string;
  dataQualifier?: string;
  dataDescriptor?: string;
  supplierId: string;
  source: { lea: string; estab: string; urn?: string; schoolName: string; academicYear: string };
  destination: { lea: string; estab: string; urn?: string };
}

export interface CtfAddressInput {
  /** BS7666 form; when absent and `lines` given, AddressLines is written. */
  bs7666?: {
    saon?: string;
    paon: string;
    street: string;
    locality?: string;
    town: string;
    administrativeArea?: string;
    postTown?: string;
  };
  lines?: string[];
  postcode?: string;
  country?: string;
}

export interface CtfPhoneInput {
  /** H home, M mobile, W work. */
  type: string;
  number: string;
}

export interface CtfContactInput {
  order: number;
  title?: string;
  surname: string;
  forename: string;
  middleNames?: string;
  gender?: string;
  /** PAR parent, CAR carer, REL relative, OTH other … */
  relationship: string;
  responsibility: boolean;
  addressAsPupil: boolean;
  address?: CtfAddressInput;
  phones?: CtfPhoneInput[];
  email?: string;
}

export interface CtfAttendanceInput {
  year: string;
  lea: string;
  estab: string;
  schoolName: string;
  sessionsPossible: number;
  sessionsAuthorised: number;
  sessionsAttended: number;
  sessionsUnauthorised: number;
  attendanceStartDate?: string;
}

export interface CtfStageAssessmentInput {
  locale: string;
  year: string;
  subject: string;
  method: string;
  component: string;
  resultStatus: string;
  resultQualifier: string;
  result: string;
  resultDate?: string;
}

export interface CtfKeyStageInput {
  stage: string;
  assessments: CtfStageAssessmentInput[];
}

/** A pupil to write: the identity fields the parser reads back, plus the blocks a realistic CTF carries. */
export interface CtfPupilInput extends CtfPupilIdentity {
  ncYearActual?: string;
  ethnicity?: string;
  firstLanguage?: string;
  address?: CtfAddressInput;
  phones?: CtfPhoneInput[];
  email?: string;
  contacts?: CtfContactInput[];
  attendance?: CtfAttendanceInput[];
  keyStages?: CtfKeyStageInput[];
}

export interface CtfDocumentInput {
  type?: CtfDocumentType;
  header: CtfHeaderInput;
  pupils: Iterable<CtfPupilInput>;
  /** `Sex` (newer files, the default) or `Gender` (older files). */
  sexElement?: 'Sex' | 'Gender';
}

export interface WriteOptions {
  type?: CtfDocumentType;
  sexElement?: 'Sex' | 'Gender';
}

// Characters XML 1.0 cannot hold are dropped so that whatever the model holds, the output is well-formed.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const invalidXmlChars = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

export function escapeXmlText(value: string): string {
  return value.replace(invalidXmlChars, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function el(out: string[], indent: string, name: string, value: string | number | boolean | null | undefined): void {
  if (value === null || value === undefined) return;
  out.push(`${indent}<${name}>${escapeXmlText(String(value))}</${name}>\n`);
}

function open(out: string[], indent: string, name: string): void {
  out.push(`${indent}<${name}>\n`);
}

function close(out: string[], indent: string, name: string): void {
  out.push(`${indent}</${name}>\n`);
}

const rootOf = { CTF: 'CTfile', ATF: 'ATfile' } as const;

/** The XML declaration, the root start tag, the header and the pupil-data start tag. */
export function writeCtfHead(header: CtfHeaderInput, type: CtfDocumentType = 'CTF'): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>\n', `<${rootOf[type]}>\n`];
  const i1 = '  ';
  const i2 = '    ';
  const i3 = '      ';
  open(out, i1, 'Header');
  el(
    out,
    i2,
    'DocumentName',
    header.documentName ?? (type === 'CTF' ? 'Common Transfer File' : 'Admissions Data Transfer File'),
  );
  el(out, i2, type === 'CTF' ? 'CTFversion' : 'ATFversion', header.version);
  el(out, i2, 'DateTime', header.dateTime);
  el(out, i2, 'DocumentQualifier', header.documentQualifier);
  el(out, i2, 'DataQualifier', header.dataQualifier);
  el(out, i2, 'DataDescriptor', header.dataDescriptor);
  el(out, i2, 'SupplierID', header.supplierId);
  open(out, i2, 'SourceSchool');
  el(out, i3, 'LEA', header.source.lea);
  el(out, i3, 'Estab', header.source.estab);
  el(out, i3, 'URN', header.source.urn);
  el(out, i3, 'SchoolName', header.source.schoolName);
  el(out, i3, 'AcademicYear', header.source.academicYear);
  close(out, i2, 'SourceSchool');
  open(out, i2, 'DestSchool');
  el(out, i3, 'LEA', header.destination.lea);
  el(out, i3, 'Estab', header.destination.estab);
  el(out, i3, 'URN', header.destination.urn);
  close(out, i2, 'DestSchool');
  close(out, i1, 'Header');
  open(out, i1, `${type}pupilData`);
  return out.join('');
}

/** The pupil-data end tag and the root end tag. */
export function writeCtfTail(type: CtfDocumentType = 'CTF'): string {
  return `  </${type}pupilData>\n</${rootOf[type]}>\n`;
}

function writePhones(out: string[], indent: string, phones: CtfPhoneInput[] | undefined): void {
  if (!phones || phones.length === 0) return;
  open(out, indent, 'Phones');
  for (const phone of phones) {
    open(out, `${indent}  `, 'Phone');
    el(out, `${indent}    `, 'TelephoneType', phone.type);
    el(out, `${indent}    `, 'PhoneNo', phone.number);
    close(out, `${indent}  `, 'Phone');
  }
  close(out, indent, 'Phones');
}

function writeAddress(out: string[], indent: string, address: CtfAddressInput): void {
  const i = `${indent}  `;
  const ii = `${indent}    `;
  open(out, indent, 'Address');
  if (address.bs7666) {
    const a = address.bs7666;
    open(out, i, 'BS7666Address');
    el(out, ii, 'SAON', a.saon);
    el(out, ii, 'PAON', a.paon);
    el(out, ii, 'Street', a.street);
    el(out, ii, 'Locality', a.locality);
    el(out, ii, 'Town', a.town);
    el(out, ii, 'AdministrativeArea', a.administrativeArea);
    el(out, ii, 'PostTown', a.postTown);
    close(out, i, 'BS7666Address');
  } else if (address.lines && address.lines.length > 0) {
    open(out, i, 'AddressLines');
    address.lines.slice(0, 5).forEach((line, n) => el(out, ii, `AddressLine${n + 1}`, line));
    close(out, i, 'AddressLines');
  }
  el(out, i, 'PostCode', address.postcode);
  el(out, i, 'Country', address.country);
  close(out, indent, 'Address');
}

/** One `<Pupil>` element, indented for the pupil-data block, ending with a newline. */
export function writePupilXml(pupil: CtfPupilInput, options: WriteOptions = {}): string {
  const type = options.type ?? 'CTF';
  const sexElement = options.sexElement ?? 'Sex';
  const out: string[] = [];
  const p = '    ';
  const c = '      ';
  const cc = '        ';
  const ccc = '          ';
  const cccc = '            ';
  open(out, p, 'Pupil');
  if (type === 'ATF') el(out, c, 'ApplicationReference', pupil.applicationReference);
  el(out, c, 'UPN', pupil.upn);
  el(out, c, 'UniqueLearnerNumber', pupil.uln);
  el(out, c, 'Surname', pupil.surname);
  el(out, c, 'Forename', pupil.forename);
  el(out, c, 'DOB', pupil.dateOfBirth);
  el(out, c, sexElement, pupil.sex);
  const basic =
    pupil.formerUpns.length > 0 ||
    [
      pupil.preferredSurname,
      pupil.preferredForename,
      pupil.formerSurname,
      pupil.formerForename,
      pupil.middleNames,
    ].some((v) => v !== null) ||
    pupil.ncYearActual !== undefined ||
    pupil.ethnicity !== undefined ||
    pupil.firstLanguage !== undefined;
  if (basic) {
    open(out, c, 'BasicDetails');
    for (const former of pupil.formerUpns) el(out, cc, 'FormerUPN', former);
    el(out, cc, 'PreferredSurname', pupil.preferredSurname);
    el(out, cc, 'PreferredForename', pupil.preferredForename);
    el(out, cc, 'FormerSurname', pupil.formerSurname);
    el(out, cc, 'FormerForename', pupil.formerForename);
    el(out, cc, 'MiddleNames', pupil.middleNames);
    el(out, cc, 'NCyearActual', pupil.ncYearActual);
    el(out, cc, 'Ethnicity', pupil.ethnicity);
    if (pupil.firstLanguage !== undefined) {
      open(out, cc, 'Languages');
      open(out, ccc, 'Type');
      el(out, cccc, 'LanguageType', 'F');
      el(out, cccc, 'Language', pupil.firstLanguage);
      close(out, ccc, 'Type');
      close(out, cc, 'Languages');
    }
    close(out, c, 'BasicDetails');
  }
  if (pupil.address) writeAddress(out, c, pupil.address);
  else if (pupil.postcode !== null) writeAddress(out, c, { postcode: pupil.postcode });
  writePhones(out, c, pupil.phones);
  el(out, c, 'Email', pupil.email);
  if (pupil.contacts && pupil.contacts.length > 0) {
    open(out, c, 'Contacts');
    for (const contact of pupil.contacts) {
      open(out, cc, 'Contact');
      el(out, ccc, 'Order', contact.order);
      el(out, ccc, 'Title', contact.title);
      el(out, ccc, 'Surname', contact.surname);
      el(out, ccc, 'Forename', contact.forename);
      el(out, ccc, 'MiddleNames', contact.middleNames);
      el(out, ccc, 'Gender', contact.gender);
      el(out, ccc, 'Relationship', contact.relationship);
      el(out, ccc, 'Responsibility', contact.responsibility ? 'true' : 'false');
      if (contact.addressAsPupil) el(out, ccc, 'AddressAsPupil', 'true');
      else if (contact.address) writeAddress(out, ccc, contact.address);
      writePhones(out, ccc, contact.phones);
      el(out, ccc, 'Email', contact.email);
      close(out, cc, 'Contact');
    }
    close(out, c, 'Contacts');
  }
  if (pupil.attendance && pupil.attendance.length > 0) {
    open(out, c, 'Attendance');
    for (const y of pupil.attendance) {
      open(out, cc, 'YearData');
      el(out, ccc, 'Year', y.year);
      el(out, ccc, 'LEA', y.lea);
      el(out, ccc, 'Estab', y.estab);
      el(out, ccc, 'SchoolName', y.schoolName);
      el(out, ccc, 'SessionsPossible', y.sessionsPossible);
      el(out, ccc, 'SessionsAuthorised', y.sessionsAuthorised);
      el(out, ccc, 'SessionsAttended', y.sessionsAttended);
      el(out, ccc, 'SessionsUnauthorised', y.sessionsUnauthorised);
      el(out, ccc, 'AttendanceStartDate', y.attendanceStartDate);
      close(out, cc, 'YearData');
    }
    close(out, c, 'Attendance');
  }
  if (pupil.keyStages && pupil.keyStages.length > 0) {
    open(out, c, 'StageAssessments');
    for (const ks of pupil.keyStages) {
      open(out, cc, 'KeyStage');
      el(out, ccc, 'Stage', ks.stage);
      for (const a of ks.assessments) {
        open(out, ccc, 'StageAssessment');
        el(out, cccc, 'Locale', a.locale);
        el(out, cccc, 'Year', a.year);
        el(out, cccc, 'Subject', a.subject);
        el(out, cccc, 'Method', a.method);
        el(out, cccc, 'Component', a.component);
        el(out, cccc, 'ResultStatus', a.resultStatus);
        el(out, cccc, 'ResultQualifier', a.resultQualifier);
        el(out, cccc, 'Result', a.result);
        el(out, cccc, 'ResultDate', a.resultDate);
        close(out, ccc, 'StageAssessment');
      }
      close(out, cc, 'KeyStage');
    }
    close(out, c, 'StageAssessments');
  }
  if (pupil.schoolHistory.length > 0) {
    open(out, c, 'SchoolHistory');
    for (const s of pupil.schoolHistory) {
      open(out, cc, 'School');
      el(out, ccc, 'LEA', s.lea);
      el(out, ccc, 'Estab', s.estab);
      el(out, ccc, 'URN', s.urn);
      el(out, ccc, 'SchoolName', s.schoolName);
      el(out, ccc, 'EntryDate', s.entryDate);
      el(out, ccc, 'LeavingDate', s.leavingDate);
      el(out, ccc, 'LeavingReason', s.leavingReason);
      close(out, cc, 'School');
    }
    close(out, c, 'SchoolHistory');
  }
  close(out, p, 'Pupil');
  return out.join('');
}

/** A whole file as a string. */
export function writeCtf(doc: CtfDocumentInput): string {
  const type = doc.type ?? 'CTF';
  const parts = [writeCtfHead(doc.header, type)];
  for (const pupil of doc.pupils) parts.push(writePupilXml(pupil, { type, sexElement: doc.sexElement ?? 'Sex' }));
  parts.push(writeCtfTail(type));
  return parts.join('');
}
