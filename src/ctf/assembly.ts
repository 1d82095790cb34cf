/**
 * Pupil assembly: turns the element text the parser collects into the header and pupils of the model, checking
 * each as it is finished (its own rules, the file name, UPNs repeated across pupils) and numbering the pupils and
 * their byte ranges. The parser says where an element starts and ends; this says what its text becomes.
 */

import { calendarDate } from './dates.js';
import { fieldText, type Field, type HeaderDraft, type PupilDraft } from './drafts.js';
import {
  documentNames,
  emptyMeansAbsent,
  formerUpnKeys,
  headerPath,
  knownHeaderElements,
  pupilPath,
  sexKeys,
  singleValuedPupilKeys,
  type CaptureKind,
} from './elements.js';
import { classifyDestination } from './file-names.js';
import { issue, type IssuePlace } from './issues.js';
import type { IssueLog } from './issue-log.js';
import type { CtfDocumentType, CtfHeader, CtfPupil, CtfPupilIdentity, CtfSchoolHistoryEntry } from './model.js';
import { checkFileName, checkHeader, checkPupil, type RuleOptions } from './validate.js';

const maxHeaderOther = 100;
const maxOtherText = 1000;

/**
 * A copy of a string that does not point into the parser's input. V8 represents a substring as a view of its parent,
 * so keeping a 13-character UPN from a 64 kB piece of text would keep the whole piece alive: over a large file,
 * memory would grow with the file. Every string the model keeps goes through here.
 */
function detach(text: string): string {
  return text.length === 0 ? '' : Buffer.from(text, 'utf8').toString('utf8');
}

function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

function orNull(value: string | null | undefined): string | null {
  return value === undefined ? null : value;
}

/** A date field as its calendar date (an `xs:date` zone dropped), or as written when it is not a date. */
function dateOrAsWritten(value: string | null | undefined): string | null {
  if (value === undefined || value === null) return null;
  return calendarDate(value) ?? value;
}

export function headerFromDraft(draft: HeaderDraft, type: CtfDocumentType): CtfHeader {
  const f = draft.fields;
  const g = (key: string): string | null => fieldText(f, key);
  const srcLea = g('SourceSchool/LEA');
  const srcEstab = g('SourceSchool/Estab');
  const dstLea = g('DestSchool/LEA');
  const dstEstab = g('DestSchool/Estab');
  const dstCode = dstLea !== null && dstEstab !== null ? dstLea + dstEstab : null;
  return {
    documentName: g('DocumentName'),
    version: g(documentNames[type].version),
    dateTime: g('DateTime'),
    documentQualifier: g('DocumentQualifier'),
    dataQualifier: g('DataQualifier'),
    dataDescriptor: g('DataDescriptor'),
    supplierId: g('SupplierID'),
    source: {
      lea: srcLea,
      estab: srcEstab,
      urn: g('SourceSchool/URN'),
      laestab: srcLea !== null && srcEstab !== null ? srcLea + srcEstab : null,
      schoolName: g('SourceSchool/SchoolName'),
      academicYear: g('SourceSchool/AcademicYear'),
    },
    destination: {
      lea: dstLea,
      estab: dstEstab,
      urn: g('DestSchool/URN'),
      laestab: dstCode,
      kind: dstCode === null ? null : classifyDestination(dstCode),
    },
    other: draft.other,
  };
}

export function pupilIdentityFromDraft(draft: PupilDraft): CtfPupilIdentity {
  const f = draft.fields;
  const g = (...keys: readonly string[]): string | null => {
    for (const key of keys) {
      const field = f.get(key);
      if (field) return field.text;
    }
    return null;
  };
  const schoolHistory: CtfSchoolHistoryEntry[] = draft.schools.map((s) => ({
    lea: orNull(s.get('LEA')?.text),
    estab: orNull(s.get('Estab')?.text),
    urn: orNull(s.get('URN')?.text),
    schoolName: orNull(s.get('SchoolName')?.text),
    entryDate: dateOrAsWritten(s.get('EntryDate')?.text),
    leavingDate: dateOrAsWritten(s.get('LeavingDate')?.text),
    leavingReason: orNull(s.get('LeavingReason')?.text),
  }));
  return {
    upn: g('UPN'),
    formerUpns: draft.formerUpns.map((x) => x.text),
    uln: g('UniqueLearnerNumber'),
    surname: g('Surname'),
    forename: g('Forename'),
    middleNames: g('BasicDetails/MiddleNames', 'MiddleNames'),
    preferredSurname: g('BasicDetails/PreferredSurname', 'PreferredSurname'),
    preferredForename: g('BasicDetails/PreferredForename', 'PreferredForename'),
    formerSurname: g('BasicDetails/FormerSurname', 'FormerSurname'),
    formerForename: g('BasicDetails/FormerForename', 'FormerForename'),
    dateOfBirth: dateOrAsWritten(g('DOB')),
    sex: g(...sexKeys),
    postcode: g('Address/PostCode'),
    schoolHistory,
    applicationReference: g('ApplicationReference'),
  };
}

export interface AssemblyOptions {
  rules: RuleOptions;
  /** Keep every pupil; otherwise a pupil is built only for `deliverPupils`. */
  retainPupils: boolean;
  /** Whether pupils are handed on one at a time as they are finished. */
  deliverPupils: boolean;
  fileName?: string;
  referenceDate?: string;
}

/** The header and pupils of one file as they are read, and what has been learnt about them so far. */
export class DocumentAssembly {
  documentType: CtfDocumentType | null = null;
  header: CtfHeader | null = null;
  readonly pupils: CtfPupil[] = [];
  pupilCount = 0;
  readonly upnsSeen = new Set<string>();
  /** Byte offset of the first pupil's `<`, or -1 before one. */
  pupilsStart = -1;
  /** Byte offset just after the last finished pupil, or -1 before one. */
  pupilsEnd = -1;
  private headerDraft: HeaderDraft | null = null;
  private pupil: PupilDraft | null = null;
  private pupilStartByte = 0;
  private pupilStartElements = 0;
  private school: Map<string, Field> | null = null;
  private secondPupilPlace: IssuePlace | null = null;
  private referenceDate: string | null;
  private readonly ready: CtfPupil[] = [];

  constructor(
    private readonly log: IssueLog,
    private readonly options: AssemblyOptions,
  ) {
    this.referenceDate = options.referenceDate ?? null;
  }

  get headerOpen(): boolean {
    return this.headerDraft !== null;
  }

  get pupilOpen(): boolean {
    return this.pupil !== null;
  }

  get schoolOpen(): boolean {
    return this.school !== null;
  }

  /** The index of the pupil being read, or null between pupils. */
  get pupilIndex(): number | null {
    return this.pupil === null ? null : this.pupil.index;
  }

  openHeader(type: CtfDocumentType, line: number, column: number): void {
    this.headerDraft = { place: { line, column, path: headerPath(type) }, fields: new Map(), other: [] };
  }

  closeHeader(): void {
    const draft = this.headerDraft;
    const type = this.documentType;
    if (!draft || !type) return;
    for (const found of checkHeader(draft, type, this.options.rules)) this.log.report(found);
    const header = headerFromDraft(draft, type);
    this.header = header;
    if (this.referenceDate === null && header.dateTime && /^[0-9]{4}-[0-9]{2}-[0-9]{2}T/.test(header.dateTime)) {
      this.referenceDate = header.dateTime.slice(0, 10);
    }
    if (this.options.fileName !== undefined) {
      for (const found of checkFileName(this.options.fileName, header, type, draft.place)) this.log.report(found);
    }
    this.headerDraft = null;
  }

  /** A pupil starts at `startByte`; `elementsBefore` counts the elements read before its start tag. */
  openPupil(type: CtfDocumentType, line: number, column: number, startByte: number, elementsBefore: number): void {
    const index = this.pupilCount++;
    this.pupilStartByte = startByte;
    if (this.pupilsStart < 0) this.pupilsStart = startByte;
    this.pupilStartElements = elementsBefore;
    const pupil: PupilDraft = {
      index,
      place: { line, column, path: pupilPath(type, index) },
      fields: new Map(),
      repeated: [],
      formerUpns: [],
      schools: [],
    };
    this.pupil = pupil;
    this.log.startPupil();
    if (index === 1) {
      this.secondPupilPlace = pupil.place;
      if (this.header?.destination.kind === 'unknown') this.reportUnknownDestinationPupils();
    }
  }

  /** A `SchoolHistory/School` entry starts in the pupil being read. */
  openSchool(): void {
    if (!this.pupil) return;
    this.school = new Map();
    this.pupil.schools.push(this.school);
  }

  /** The text of an element of the given kind, at `key` relative to the header, the pupil or the school entry. */
  keep(kind: CaptureKind, key: string, written: string, line: number, column: number): void {
    const field: Field = { key, text: detach(written.trim()), line, column };
    const type = this.documentType;
    if (field.text === '' && type && emptyMeansAbsent(type, kind, key)) {
      // An optional element written empty is read as if it were left out.
    } else if (kind === 'header' && this.headerDraft) {
      const draft = this.headerDraft;
      if (knownHeaderElements.has(key)) draft.fields.set(key, field);
      else if (field.text !== '' && draft.other.length < maxHeaderOther) {
        draft.other.push({ path: key, text: field.text.slice(0, maxOtherText) });
      }
    } else if (kind === 'pupil' && this.pupil) {
      const pupil = this.pupil;
      if (formerUpnKeys.has(key)) pupil.formerUpns.push(field);
      else if (pupil.fields.has(key)) {
        if (singleValuedPupilKeys.has(key)) pupil.repeated.push(field);
      } else pupil.fields.set(key, field);
    } else if (kind === 'school' && this.school && this.pupil) {
      const index = this.pupil.schools.length;
      this.school.set(key, { ...field, key: `SchoolHistory/School[${index}]/${key}` });
    }
  }

  /** The pupil being read ends at `endByte`, with `elementCount` elements read so far in the file. */
  closePupil(endByte: number, elementCount: number): void {
    const draft = this.pupil;
    const type = this.documentType;
    if (!draft || !type) return;
    const { rules, retainPupils, deliverPupils } = this.options;
    for (const found of checkPupil(draft, type, rules, this.referenceDate ?? todayUtc())) this.log.report(found);
    const upn = draft.fields.get('UPN');
    if (upn && upn.text !== '') {
      if (this.upnsSeen.has(upn.text)) {
        this.log.report(
          issue(
            'UPN_DUPLICATE',
            'error',
            `Pupil ${draft.index + 1} has the same UPN as an earlier pupil in this file.`,
            {
              line: upn.line,
              column: upn.column,
              path: pupilPath(type, draft.index, 'UPN'),
            },
          ),
        );
      } else this.upnsSeen.add(upn.text);
    }
    this.pupilsEnd = endByte;
    this.pupil = null;
    this.school = null;
    const issues = this.log.endPupil();
    // Building the pupil object costs as much as checking it: only build it for a caller that wants it.
    if (!retainPupils && !deliverPupils) return;
    const done: CtfPupil = Object.assign(pupilIdentityFromDraft(draft), {
      index: draft.index,
      byteRange: { start: this.pupilStartByte, end: endByte },
      line: draft.place.line,
      column: draft.place.column,
      elementCount: elementCount - this.pupilStartElements,
      errors: issues.filter((x) => x.severity === 'error'),
      warnings: issues.filter((x) => x.severity === 'warning'),
    });
    if (retainPupils) this.pupils.push(done);
    if (deliverPupils) this.ready.push(done);
  }

  /** The next finished pupil not yet handed on, in order. */
  nextReady(): CtfPupil | undefined {
    return this.ready.shift();
  }

  /** A file to an unknown destination holds one pupil: reported once, at the second pupil, when the header says so. */
  reportUnknownDestinationPupils(): void {
    if (!this.secondPupilPlace) return;
    this.log.report(
      issue(
        'UNKNOWN_DESTINATION_MULTIPLE_PUPILS',
        'error',
        'The destination is unknown (XXXXXXX), so the file must hold exactly one pupil; it holds more.',
        this.secondPupilPlace,
      ),
    );
    this.secondPupilPlace = null;
  }
}
