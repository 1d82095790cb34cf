/**
 * The rules a CTF or ATF must meet beyond being well-formed XML: mandatory header elements and their formats,
 * and per pupil the mandatory identity fields, UPN and ULN checks, real and plausible dates of birth and sex codes.
 * The parser collects each header and pupil as a draft (field text plus where it was) and asks these functions
 * for problems, so checks run as the file streams past.
 */

import { ageOn, calendarDate, isRealDateTime } from './dates.js';
import { fieldText, type Field, type HeaderDraft, type PupilDraft } from './drafts.js';
import {
  documentNames,
  headerMandatory,
  headerPath,
  historyDateKeys,
  nameKeys,
  pupilMandatory,
  pupilPath,
} from './elements.js';
import { headerFieldLengths, pupilFieldLengths, schoolHistoryFieldLengths } from './field-lengths.js';
import { classifyDestination, codeAgreesWithHeader, parseFileName } from './file-names.js';
import { issue, type CtfIssue, type IssuePlace } from './issues.js';
import type { CtfDocumentType, CtfHeader } from './model.js';
import { checkUln } from './uln.js';
import { checkUpn } from './upn.js';

export interface RuleOptions {
  /** The CTF version DfE currently publishes (major number); files older than the previous one get a warning. */
  currentVersion: number;
  /** Plausible age range in whole years on the reference date. */
  minAge: number;
  maxAge: number;
}

export const defaultRuleOptions: RuleOptions = { currentVersion: 25, minAge: 1, maxAge: 25 };

export const knownLeavingReasons: ReadonlySet<string> = new Set([
  'PM',
  'PI',
  'PF',
  'IM',
  'II',
  'IF',
  'NH',
  'NT',
  'NE',
  'NU',
  'AT',
  'EL',
  'PE',
  'LC',
  'DD',
  'OR',
  'MI',
  'UK',
]);

function at(field: Field, path: string): IssuePlace {
  return { line: field.line, column: field.column, path };
}

/**
 * Problems with fields longer than their limit, and the fields without them: the other checks read only the
 * fields within their limits, so one over-long value is reported once, as what it is.
 */
function checkLengths(
  fields: Map<string, Field>,
  lengths: Readonly<Record<string, number>>,
  describe: (field: Field, limit: number) => { message: string; path: string },
): { problems: CtfIssue[]; within: Map<string, Field> } {
  const problems: CtfIssue[] = [];
  const within = new Map<string, Field>();
  for (const [key, field] of fields) {
    const limit = lengths[key];
    if (limit !== undefined && field.text.length > limit) {
      const { message, path } = describe(field, limit);
      problems.push(issue('FIELD_TOO_LONG', 'error', message, at(field, path)));
    } else within.set(key, field);
  }
  return { problems, within };
}

function tooLongMessage(what: string, field: Field, limit: number): string {
  return `${what} is ${field.text.length} characters long; the most s2s accepts is ${limit}.`;
}

/** Problems in a completed header. */
export function checkHeader(draft: HeaderDraft, type: CtfDocumentType, rules: RuleOptions): CtfIssue[] {
  const lengths = checkLengths(draft.fields, headerFieldLengths, (field, limit) => ({
    message: tooLongMessage(`The header's ${field.key}`, field, limit),
    path: headerPath(type, field.key),
  }));
  const out: CtfIssue[] = lengths.problems;
  const f = lengths.within;
  const place = (key: string): IssuePlace => {
    const field = f.get(key);
    return field ? at(field, headerPath(type, key)) : draft.place;
  };
  for (const key of headerMandatory[type]) {
    if (!draft.fields.has(key)) {
      out.push(
        issue('ELEMENT_MISSING', 'error', `The header has no ${key} element, which is mandatory.`, {
          ...draft.place,
          path: headerPath(type, key),
        }),
      );
    }
  }
  const names = documentNames[type];
  const documentName = fieldText(f, 'DocumentName');
  if (documentName !== null && documentName !== names.documentName) {
    out.push(
      issue(
        'DOCUMENT_NAME_UNEXPECTED',
        'warning',
        `DocumentName should be "${names.documentName}".`,
        place('DocumentName'),
      ),
    );
  }
  const version = fieldText(f, names.version);
  if (version !== null) {
    const m = /^([0-9]{1,2})\.0$/.exec(version);
    if (!m) {
      out.push(
        issue(
          'VERSION_INVALID',
          'error',
          `${names.version} must look like "25.0" (a number, then ".0").`,
          place(names.version),
        ),
      );
    } else if (type === 'CTF' && Number(m[1]) < rules.currentVersion - 1) {
      out.push(
        issue(
          'VERSION_OLD',
          'warning',
          `The file is CTF version ${version}, older than the previous version (${rules.currentVersion - 1}.0); the receiving system may not import everything.`,
          place(names.version),
        ),
      );
    }
  }
  const dateTime = fieldText(f, 'DateTime');
  if (dateTime !== null && !isRealDateTime(dateTime)) {
    out.push(
      issue(
        'DATE_TIME_INVALID',
        'error',
        'DateTime must be a real date and time written YYYY-MM-DDThh:mm:ss.',
        place('DateTime'),
      ),
    );
  }
  const qualifier = fieldText(f, 'DocumentQualifier');
  if (qualifier !== null && qualifier !== 'full' && qualifier !== 'partial') {
    out.push(
      issue(
        'DOCUMENT_QUALIFIER_INVALID',
        'error',
        'DocumentQualifier must be "full" or "partial".',
        place('DocumentQualifier'),
      ),
    );
  }
  const codeCheck = (
    key: string,
    pattern: RegExp,
    code: 'LEA_CODE_INVALID' | 'ESTAB_CODE_INVALID' | 'URN_INVALID' | 'ACADEMIC_YEAR_INVALID',
    rule: string,
  ): void => {
    const value = fieldText(f, key);
    if (value !== null && !pattern.test(value)) out.push(issue(code, 'error', `${key} must be ${rule}.`, place(key)));
  };
  codeCheck(
    'SourceSchool/LEA',
    /^([0-9]{3}|XXX)$/,
    'LEA_CODE_INVALID',
    'three digits, or XXX when the sender is not a school',
  );
  codeCheck(
    'SourceSchool/Estab',
    /^([0-9]{4}|XXXX|LLLL)$/,
    'ESTAB_CODE_INVALID',
    'four digits, or XXXX when the sender is not a school',
  );
  codeCheck('SourceSchool/URN', /^[0-9]{6,7}$/, 'URN_INVALID', 'a six-digit URN');
  codeCheck(
    'SourceSchool/AcademicYear',
    /^(19|20)[0-9]{2}$/,
    'ACADEMIC_YEAR_INVALID',
    'the year the academic year starts (YYYY)',
  );
  codeCheck(
    'DestSchool/LEA',
    /^([0-9]{3}|XXX|MMM)$/,
    'LEA_CODE_INVALID',
    'three digits, XXX (destination unknown) or MMM (leaving the maintained sector)',
  );
  codeCheck(
    'DestSchool/Estab',
    /^([0-9]{4}|XXXX|MMMM|LLLL)$/,
    'ESTAB_CODE_INVALID',
    'four digits, XXXX, MMMM or LLLL (the LA itself)',
  );
  codeCheck('DestSchool/URN', /^[0-9]{6,7}$/, 'URN_INVALID', 'a six-digit URN');
  const lea = fieldText(f, 'DestSchool/LEA');
  const estab = fieldText(f, 'DestSchool/Estab');
  if (lea !== null && estab !== null && /^([0-9]{3}|XXX|MMM)$/.test(lea) && /^([0-9]{4}|XXXX|MMMM|LLLL)$/.test(estab)) {
    if (classifyDestination(lea + estab) === null) {
      out.push(
        issue(
          'DESTINATION_INCONSISTENT',
          'error',
          `DestSchool LEA "${lea}" and Estab "${estab}" do not make a destination: use XXX with XXXX, MMM with MMMM, or an LA code with four digits or LLLL.`,
          place('DestSchool/Estab'),
        ),
      );
    }
  }
  return out;
}

/** Problems with a file name against the header: the convention, the type, the source and the destination. */
export function checkFileName(
  fileName: string,
  header: CtfHeader,
  type: CtfDocumentType,
  place: IssuePlace,
): CtfIssue[] {
  const parsed = parseFileName(fileName);
  if (parsed === null) {
    return [
      issue(
        'FILE_NAME_UNCONVENTIONAL',
        'warning',
        'The file name does not follow the convention <source LAEstab>_CTF_<destination>_<nnn>.XML, so it cannot be checked against the header.',
        place,
      ),
    ];
  }
  const out: CtfIssue[] = [];
  if (parsed.type !== type) {
    // The content is what the file is: a supplier's label (MISC, KS2, SC3 …) on a CTF must not hide a child.
    const named =
      parsed.type === 'generic'
        ? `${parsed.label} (a general file)`
        : parsed.type === 'census'
          ? `${parsed.label} (a census return)`
          : parsed.label;
    out.push(
      issue(
        'FILE_NAME_TYPE_MISMATCH',
        'warning',
        `The file name says ${named} but the file is a${type === 'ATF' ? 'n' : ''} ${type} (its root element is ${documentNames[type].root}); s2s has read it as a${type === 'ATF' ? 'n' : ''} ${type}. Name it <source>_${type}_<destination>_<nnn>.XML next time.`,
        place,
      ),
    );
  }
  const src = header.source;
  if (src.lea !== null && src.estab !== null && !codeAgreesWithHeader(parsed.source, src.lea, src.estab, 'source')) {
    out.push(
      issue(
        'FILE_NAME_SOURCE_MISMATCH',
        'error',
        `The file name gives the source as ${parsed.source} but the header's SourceSchool is ${src.lea}${src.estab}.`,
        place,
      ),
    );
  }
  const dst = header.destination;
  if (
    dst.lea !== null &&
    dst.estab !== null &&
    !codeAgreesWithHeader(parsed.destination, dst.lea, dst.estab, 'destination')
  ) {
    out.push(
      issue(
        'FILE_NAME_DESTINATION_MISMATCH',
        'error',
        `The file name gives the destination as ${parsed.destination} but the header's DestSchool is ${dst.lea}${dst.estab}.`,
        place,
      ),
    );
  }
  return out;
}

/** Problems in a completed pupil. `referenceDate` (YYYY-MM-DD) anchors the plausible age range. */
export function checkPupil(
  draft: PupilDraft,
  type: CtfDocumentType,
  rules: RuleOptions,
  referenceDate: string,
): CtfIssue[] {
  const n = draft.index + 1;
  const lengths = checkLengths(draft.fields, pupilFieldLengths, (field, limit) => ({
    message: tooLongMessage(`Pupil ${n}: ${field.key}`, field, limit),
    path: pupilPath(type, draft.index, field.key),
  }));
  const out: CtfIssue[] = lengths.problems;
  const f = lengths.within;
  const where = (field: Field): IssuePlace => at(field, pupilPath(type, draft.index, field.key));
  for (const key of pupilMandatory[type]) {
    if (!draft.fields.has(key)) {
      out.push(
        issue('ELEMENT_MISSING', 'error', `Pupil ${n} has no ${key} element, which is mandatory.`, {
          ...draft.place,
          path: pupilPath(type, draft.index, key),
        }),
      );
    }
  }
  const sexField = f.get('Sex') ?? f.get('Gender') ?? f.get('BasicDetails/Sex') ?? f.get('BasicDetails/Gender');
  if (!sexField) {
    out.push(
      issue('ELEMENT_MISSING', 'error', `Pupil ${n} has no Sex (or Gender) element, which is mandatory.`, {
        ...draft.place,
        path: pupilPath(type, draft.index, 'Sex'),
      }),
    );
  } else if (sexField.text !== 'M' && sexField.text !== 'F') {
    out.push(issue('SEX_INVALID', 'error', `Pupil ${n}: ${sexField.key} must be M or F.`, where(sexField)));
  }
  for (const field of draft.repeated) {
    out.push(issue('ELEMENT_REPEATED', 'error', `Pupil ${n} has more than one ${field.key} element.`, where(field)));
  }
  const upn = f.get('UPN');
  if (upn) {
    const check = checkUpn(upn.text);
    if (!check.ok && check.problem === 'format') {
      out.push(
        issue(
          'UPN_FORMAT',
          'error',
          `Pupil ${n}: the UPN must be 13 characters: a check letter, 11 digits, then a digit (or a letter for a temporary UPN).`,
          where(upn),
        ),
      );
    } else if (!check.ok) {
      out.push(
        issue(
          'UPN_CHECK_LETTER',
          'error',
          `Pupil ${n}: the UPN's check letter does not match the rest of the number.`,
          where(upn),
        ),
      );
    }
  }
  for (const former of draft.formerUpns) {
    const check = checkUpn(former.text);
    if (!check.ok && check.problem === 'format') {
      out.push(
        issue(
          'FORMER_UPN_FORMAT',
          'error',
          `Pupil ${n}: a former UPN must be 13 characters like a UPN.`,
          where(former),
        ),
      );
    } else if (!check.ok) {
      out.push(
        issue(
          'FORMER_UPN_CHECK_LETTER',
          'error',
          `Pupil ${n}: a former UPN's check letter does not match the rest of the number.`,
          where(former),
        ),
      );
    }
  }
  const uln = f.get('UniqueLearnerNumber');
  if (uln) {
    const check = checkUln(uln.text);
    if (!check.ok) {
      out.push(
        check.problem === 'format'
          ? issue('ULN_FORMAT', 'error', `Pupil ${n}: the ULN must be 10 digits.`, where(uln))
          : issue(
              'ULN_CHECK_DIGIT',
              'error',
              `Pupil ${n}: the ULN's check digit does not match the other digits.`,
              where(uln),
            ),
      );
    }
  }
  for (const key of nameKeys) {
    const field = f.get(key);
    if (field && field.text === '')
      out.push(issue('NAME_EMPTY', 'error', `Pupil ${n}: ${key} is empty.`, where(field)));
  }
  const dob = f.get('DOB');
  if (dob) {
    const date = calendarDate(dob.text);
    if (date === null) {
      out.push(
        issue(
          'DOB_INVALID',
          'error',
          `Pupil ${n}: the date of birth must be a real date written YYYY-MM-DD.`,
          where(dob),
        ),
      );
    } else {
      const age = ageOn(date, referenceDate);
      if (age < rules.minAge || age > rules.maxAge) {
        out.push(
          issue(
            'DOB_IMPLAUSIBLE',
            'error',
            `Pupil ${n}: the date of birth gives an age of ${age} on ${referenceDate}, outside ${rules.minAge}–${rules.maxAge}.`,
            where(dob),
          ),
        );
      }
    }
  }
  draft.schools.forEach((entry) => {
    const { problems, within: school } = checkLengths(entry, schoolHistoryFieldLengths, (field, limit) => ({
      message: tooLongMessage(`Pupil ${n}: a school history ${field.key.split('/').pop() ?? ''}`, field, limit),
      path: pupilPath(type, draft.index, field.key),
    }));
    out.push(...problems);
    for (const key of historyDateKeys) {
      const field = school.get(key);
      if (field && field.text !== '' && calendarDate(field.text) === null) {
        out.push(
          issue(
            'DATE_INVALID',
            'warning',
            `Pupil ${n}: a school history ${key} is not a real date written YYYY-MM-DD.`,
            where(field),
          ),
        );
      }
    }
    const reason = school.get('LeavingReason');
    if (reason && reason.text !== '' && !knownLeavingReasons.has(reason.text)) {
      out.push(
        issue(
          'LEAVING_REASON_UNKNOWN',
          'warning',
          `Pupil ${n}: leaving reason "${reason.text.slice(0, 8)}" is not a code s2s knows; it is kept as written.`,
          where(reason),
        ),
      );
    }
  });
  return out;
}
