/**
 * An LA's register of children missing education: opened by hand or from a missing-pupil enquiry, with the date the
 * child was last in education and the date the LA identified them, and closed with how it ended. The register says
 * for each open case how many school days the child has been out of education, against the CME threshold.
 */
import crypto from 'node:crypto';
import { z } from 'zod';
import { isRealDate } from '../ctf/dates.js';
import { auditActor, type User } from '../platform/user.js';
import type { Db } from '../platform/database.js';
import type { CmeOutcome } from '../platform/schema.js';
import type { RepositoryDeps } from '../repository/public.js';
import { childDetailsSchema } from '../platform/child-details.js';
import { cmeOutcomes } from '../platform/vocabulary.js';
import { fieldErrors, requiredDate, type FieldError } from '../platform/validation.js';
import { median } from './median.js';
import { calendarRange, isInCalendar, londonDate, schoolDaysBetween } from '../platform/school-days.js';
import { isUuid } from '../platform/ids.js';
import { longDate } from '../platform/web/views.js';

export const caseSchema = z
  .object({
    enquiryId: z.string().uuid('enquiryId must be the id of one of your LA’s enquiries').optional(),
    leaverId: z.string().uuid('leaverId must be the id of a leaver from one of your LA’s schools').optional(),
    // By hand the child's details are given; from an enquiry or a leaver they are not.
    ...childDetailsSchema('child').partial().shape,
    lastInEducationOn: requiredDate(
      'Enter the date the child was last in education',
      'Date last in education',
    ).optional(),
    identifiedOn: requiredDate('Enter the date the LA identified the child', 'Date identified'),
  })
  .strict();

export type OpenCaseOutcome = { kind: 'opened'; id: string } | { kind: 'invalid'; errors: FieldError[] };

type Child = { surname: string; forename: string; date_of_birth: string; sex: 'M' | 'F' | null; upn: string | null };

/**
 * Opens a case: by hand, with the child's details; or from one of the LA's enquiries or a leaver from one of its
 * schools, which give them (a leaver also gives the date last in education: the day they left).
 */
export async function openCase(
  deps: RepositoryDeps,
  user: User,
  input: unknown,
  sourceIp: string | null,
): Promise<OpenCaseOutcome> {
  const parsed = caseSchema.safeParse(input ?? {});
  if (!parsed.success) {
    return {
      kind: 'invalid',
      errors: fieldErrors(
        parsed.error,
        'Send enquiryId or leaverId, or surname, forename, dateOfBirth, sex and upn; with lastInEducationOn and identifiedOn.',
      ),
    };
  }
  const details = parsed.data;
  const laCode = user.laCode ?? user.orgCode;
  const today = londonDate(deps.now());
  const errors: FieldError[] = [];
  let child: Child;
  let lastInEducationOn = details.lastInEducationOn;
  if (details.enquiryId && details.leaverId)
    return { kind: 'invalid', errors: [{ field: 'leaverId', message: 'Send enquiryId or leaverId, not both' }] };
  if (details.enquiryId) {
    const enquiry = await deps.db
      .selectFrom('enquiries')
      .select(['surname', 'forename', 'date_of_birth', 'sex', 'upn'])
      .where('id', '=', details.enquiryId)
      .where('la_code', '=', laCode)
      .executeTakeFirst();
    if (!enquiry) return { kind: 'invalid', errors: [{ field: 'enquiryId', message: 'Your LA has no such enquiry' }] };
    child = enquiry;
  } else if (details.leaverId) {
    const leaver = await deps.db
      .selectFrom('leavers')
      .select(['surname', 'forename', 'date_of_birth', 'sex', 'upn', 'left_on', 'ctf_file_id'])
      .where('id', '=', details.leaverId)
      .where('la_code', '=', laCode)
      .executeTakeFirst();
    if (!leaver)
      return {
        kind: 'invalid',
        errors: [{ field: 'leaverId', message: 'No leaver from your LA’s schools has that id' }],
      };
    // A child found from the record their CTF became is not missing education.
    const found = leaver.ctf_file_id
      ? await deps.db
          .selectFrom('repository_records')
          .select('found_at')
          .where('file_id', '=', leaver.ctf_file_id)
          .where('status', '=', 'found')
          .executeTakeFirst()
      : undefined;
    if (found)
      return {
        kind: 'invalid',
        errors: [
          {
            field: 'leaverId',
            message: `This child was found on ${longDate(found.found_at)} from their record in the repository: they are not missing education`,
          },
        ],
      };
    const already = await deps.db
      .selectFrom('cme_cases')
      .select('id')
      .where('leaver_id', '=', details.leaverId)
      .executeTakeFirst();
    if (already)
      return { kind: 'invalid', errors: [{ field: 'leaverId', message: 'This leaver is already on your register' }] };
    const { left_on: leftOn, ctf_file_id: _ctf, ...identity } = leaver;
    child = identity;
    lastInEducationOn ??= leftOn;
  } else {
    if (!details.surname) errors.push({ field: 'surname', message: 'Enter the child’s surname' });
    if (!details.forename) errors.push({ field: 'forename', message: 'Enter the child’s first name' });
    if (!details.dateOfBirth) errors.push({ field: 'dateOfBirth', message: 'Enter the child’s date of birth' });
    child = {
      surname: details.surname ?? '',
      forename: details.forename ?? '',
      date_of_birth: details.dateOfBirth ?? '',
      sex: details.sex ?? null,
      upn: details.upn ?? null,
    };
  }
  if (!lastInEducationOn) {
    errors.push({ field: 'lastInEducationOn', message: 'Enter the date the child was last in education' });
    return { kind: 'invalid', errors };
  }
  if (lastInEducationOn > today)
    errors.push({ field: 'lastInEducationOn', message: 'Date last in education must be today or in the past' });
  // The register counts school days from this date, so it must be one the calendar can count from.
  else if (!isInCalendar(lastInEducationOn))
    errors.push({
      field: 'lastInEducationOn',
      message: `Date last in education must be on or after ${longDate(calendarRange.first)}: s2s counts school days from then`,
    });
  if (details.identifiedOn > today)
    errors.push({ field: 'identifiedOn', message: 'Date identified must be today or in the past' });
  if (details.identifiedOn < lastInEducationOn)
    errors.push({ field: 'identifiedOn', message: 'Date identified cannot be before the date last in education' });
  if (errors.length > 0) return { kind: 'invalid', errors };

  const id = crypto.randomUUID();
  await deps.db
    .insertInto('cme_cases')
    .values({
      id,
      la_code: laCode,
      opened_by: user.id,
      opened_at: deps.now(),
      source: details.enquiryId ? 'enquiry' : details.leaverId ? 'leaver' : 'by-hand',
      enquiry_id: details.enquiryId ?? null,
      leaver_id: details.leaverId ?? null,
      ...child,
      last_in_education_on: lastInEducationOn,
      identified_on: details.identifiedOn,
      state: 'open',
    })
    .execute();
  await deps.audit({ action: 'cme-case.opened', actor: auditActor(user), target: { kind: 'cme-case', id }, sourceIp });
  return { kind: 'opened', id };
}

const outcomes: readonly CmeOutcome[] = cmeOutcomes;

export type CloseCaseOutcome = { kind: 'closed' } | { kind: 'not-found' } | { kind: 'invalid'; errors: FieldError[] };

export async function closeCase(
  deps: RepositoryDeps,
  user: User,
  id: string,
  input: { outcome?: unknown; resolvedOn?: unknown; note?: unknown },
  sourceIp: string | null,
): Promise<CloseCaseOutcome> {
  if (!isUuid(id)) return { kind: 'not-found' };
  const found = await deps.db
    .selectFrom('cme_cases')
    .select(['identified_on', 'state'])
    .where('id', '=', id)
    .where('la_code', '=', user.laCode ?? user.orgCode)
    .executeTakeFirst();
  if (!found || found.state === 'closed') return { kind: 'not-found' };
  const errors: FieldError[] = [];
  const resolvedOn = typeof input.resolvedOn === 'string' ? input.resolvedOn.trim() : '';
  const note = typeof input.note === 'string' ? input.note.trim() : '';
  if (!outcomes.includes(input.outcome as CmeOutcome))
    errors.push({
      field: 'outcome',
      message: 'Choose the outcome: back in school, educated otherwise, left the area, or other',
    });
  if (!isRealDate(resolvedOn)) errors.push({ field: 'resolvedOn', message: 'Enter the date the case was resolved' });
  else if (resolvedOn < found.identified_on)
    errors.push({ field: 'resolvedOn', message: 'Date resolved cannot be before the date identified' });
  else if (resolvedOn > londonDate(deps.now()))
    errors.push({ field: 'resolvedOn', message: 'Date resolved must be today or in the past' });
  if (input.outcome === 'other' && note === '') errors.push({ field: 'note', message: 'Describe the outcome' });
  if (note.length > 500) errors.push({ field: 'note', message: 'The note must be 500 characters or fewer' });
  if (errors.length > 0) return { kind: 'invalid', errors };
  await deps.db
    .updateTable('cme_cases')
    .set({ state: 'closed', outcome: input.outcome as CmeOutcome, resolved_on: resolvedOn, outcome_note: note || null })
    .where('id', '=', id)
    .execute();
  await deps.audit({
    action: 'cme-case.closed',
    actor: auditActor(user),
    target: { kind: 'cme-case', id },
    sourceIp,
    details: { outcome: input.outcome },
  });
  return { kind: 'closed' };
}

export interface CmeCase {
  id: string;
  source: 'enquiry' | 'new-pupil' | 'by-hand' | 'leaver';
  surname: string;
  forename: string;
  dateOfBirth: string;
  lastInEducationOn: string;
  identifiedOn: string;
  state: 'open' | 'closed';
  outcome: CmeOutcome | null;
  resolvedOn: string | null;
  /**
   * School days out of education so far (open) or until resolved (closed); null when a date is outside the school
   * calendar, as a case recorded before s2s refused such dates may be, so the days cannot be counted.
   */
  schoolDaysOut: number | null;
  /** Past the CME threshold; null when the school days out are not known. */
  overThreshold: boolean | null;
}

export async function listCases(db: Db, user: User, now: Date, thresholdSchoolDays: number): Promise<CmeCase[]> {
  const today = londonDate(now);
  const rows = await db
    .selectFrom('cme_cases')
    .selectAll()
    .where('la_code', '=', user.laCode ?? user.orgCode)
    .orderBy('identified_on', 'desc')
    .limit(1000)
    .execute();
  return rows.map((r) => {
    const until = r.resolved_on ?? today;
    // One old case with a date the calendar cannot count must not keep the LA from its whole register.
    const days =
      isInCalendar(r.last_in_education_on) && isInCalendar(until)
        ? schoolDaysBetween(r.last_in_education_on, until)
        : null;
    return {
      id: r.id,
      source: r.source,
      surname: r.surname,
      forename: r.forename,
      dateOfBirth: r.date_of_birth,
      lastInEducationOn: r.last_in_education_on,
      identifiedOn: r.identified_on,
      state: r.state,
      outcome: r.outcome,
      resolvedOn: r.resolved_on,
      schoolDaysOut: days,
      overThreshold: days === null ? null : days > thresholdSchoolDays,
    };
  });
}

export interface CmeFigures {
  laCode: string;
  /** Cases identified in the year. */
  identified: number;
  /** Of all cases, those resolved in the year with the child back in school or educated otherwise. */
  returnedToEducation: number;
  /** Cases identified by the year's end (or today, for the current year) and not resolved by then. */
  stillMissing: number;
  /** Calendar days from identification to resolution, for cases resolved in the year. */
  medianDaysToResolution: number | null;
}

const DAY = 86_400_000;

/** The CME figures for each LA (or one) in an academic year, from the cases themselves. */
export async function cmeFigures(
  db: Db,
  year: { start: string; end: string },
  now: Date,
  laCode?: string,
): Promise<CmeFigures[]> {
  const asOf = [year.end, londonDate(now)].sort()[0]!;
  let query = db
    .selectFrom('cme_cases')
    .select(['la_code', 'identified_on', 'resolved_on', 'outcome'])
    .where('identified_on', '<=', asOf);
  if (laCode) query = query.where('la_code', '=', laCode);
  const cases = await query.execute();
  const codes = laCode ? [laCode] : [...new Set(cases.map((c) => c.la_code))].sort();
  return codes.map((code) => {
    const mine = cases.filter((c) => c.la_code === code);
    const resolvedInYear = mine.filter(
      (c) => c.resolved_on !== null && c.resolved_on >= year.start && c.resolved_on <= year.end,
    );
    return {
      laCode: code,
      identified: mine.filter((c) => c.identified_on >= year.start && c.identified_on <= year.end).length,
      returnedToEducation: resolvedInYear.filter(
        (c) => c.outcome === 'back-in-school' || c.outcome === 'educated-otherwise',
      ).length,
      stillMissing: mine.filter((c) => c.resolved_on === null || c.resolved_on > asOf).length,
      medianDaysToResolution: median(
        resolvedInYear.map(
          (c) =>
            (new Date(`${c.resolved_on!}T12:00:00Z`).getTime() - new Date(`${c.identified_on}T12:00:00Z`).getTime()) /
            DAY,
        ),
      ),
    };
  });
}
