/**
 * A school records a pupil leaving: where they went (a school, by LAEstab) or why that is not known, or that they
 * left the maintained sector. The CTF is due within 15 school days of leaving, to the new school or to XXXXXXX or
 * MMMMMMM; s2s marks it sent when it finds a CTF from the school carrying the pupil's UPN, already sent or still to
 * come, and reminds the school until then.
 */
import crypto from 'node:crypto';
import { z } from 'zod';
import { addSchoolDays, addSchoolDaysInCalendar, calendarRange, londonDate } from '../platform/school-days.js';
import { otherSchoolProblem } from '../establishments/public.js';
import { auditActor, type User } from '../platform/user.js';
import type { LeaverDestination, LeaverReason } from '../platform/schema.js';
import { leaverDestinations, leaverReasons } from '../platform/vocabulary.js';
import { longDate } from '../platform/web/views.js';
import type { RepositoryDeps } from '../repository/public.js';
import { childDetailsSchema, requiredUpn } from '../platform/child-details.js';
import { fieldErrors, optionalLaestab, requiredDate, type FieldError } from '../platform/validation.js';
import { findSentCtf } from './sent-ctfs.js';

/** The statutory time to send a leaver's CTF (England and Wales). */
export const CTF_DUE_SCHOOL_DAYS = 15;
/** The first reminder comes when this many school days are left. */
const FIRST_REMINDER_DAYS_LEFT = 5;
/** A CTF sent this long before the recorded leaving date still counts: schools often send it in the last week. */
const SENT_EARLY_DAYS = 60;

export const unknownReasons = ['moved-address-unknown', 'not-returned', 'other'] as const;
export const outsideReasons = ['independent-school', 'abroad', 'scotland-or-northern-ireland', 'other'] as const;

export const reasonText: Record<LeaverReason, string> = {
  'moved-address-unknown': 'Moved away; new address not known',
  'not-returned': 'Did not return to school; whereabouts not known',
  'independent-school': 'Went to an independent school',
  abroad: 'Moved abroad',
  'scotland-or-northern-ireland': 'Moved to Scotland or Northern Ireland',
  other: 'Other',
};

export interface LeaverInput {
  surname: string;
  forename: string;
  dateOfBirth: string;
  sex?: 'M' | 'F';
  upn: string;
  leftOn: string;
  destination: LeaverDestination;
  destinationLAEstab?: string;
  reason?: LeaverReason;
  reasonNote?: string;
}

export const leaverSchema = childDetailsSchema('pupil')
  .extend({
    upn: requiredUpn('Enter the pupil’s UPN (it is in your MIS)'),
    leftOn: requiredDate('Enter the date the pupil left', 'Date left'),
    destination: z.enum(leaverDestinations, {
      error: 'Choose where the pupil went: a school, not known, or outside the maintained sector',
    }),
    destinationLAEstab: optionalLaestab('The new school must be a 7-digit LAEstab'),
    // Which reasons go with which destination is checked below, with a message for each.
    reason: z
      .enum([...leaverReasons, ''], { error: 'Choose a reason from the list' })
      .transform((v) => (v === '' ? undefined : v))
      .optional(),
    reasonNote: z.string().trim().max(500, 'The note must be 500 characters or fewer').optional(),
  })
  .strict();

const KNOWN_FIELDS =
  'Send surname, forename, dateOfBirth, sex, upn, leftOn, destination, destinationLAEstab, reason and reasonNote.';

export type ParsedLeaver = { ok: true; leaver: LeaverInput } | { ok: false; errors: FieldError[] };

/** Checks a leaver's details, and that the destination and the reason agree with each other. */
export function parseLeaver(input: unknown, today: string): ParsedLeaver {
  const parsed = leaverSchema.safeParse(input ?? {});
  if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error, KNOWN_FIELDS) };
  const d = parsed.data;
  const errors: FieldError[] = [];
  const age = Number(today.slice(0, 4)) - Number(d.dateOfBirth.slice(0, 4));
  if (d.dateOfBirth >= today || age < 2 || age > 25)
    errors.push({ field: 'dateOfBirth', message: 'Date of birth must be that of a child of school age (2 to 25)' });
  // A school may record a leaver a few weeks ahead, but not a year ahead or long after.
  const latest = new Date(Date.parse(`${today}T12:00:00Z`) + 31 * 86_400_000).toISOString().slice(0, 10);
  const earliest = `${Number(today.slice(0, 4)) - 1}${today.slice(4)}`;
  if (d.leftOn > latest) errors.push({ field: 'leftOn', message: 'Date left must be no more than a month ahead' });
  else if (d.leftOn < earliest) errors.push({ field: 'leftOn', message: 'Date left must be within the last year' });
  // The CTF's due date is counted in school days from this date, so both must be in the calendar.
  else if (addSchoolDaysInCalendar(d.leftOn, CTF_DUE_SCHOOL_DAYS) === undefined)
    errors.push({
      field: 'leftOn',
      message: `Date left must be one s2s can count the CTF’s ${CTF_DUE_SCHOOL_DAYS} school days from: its school calendar runs from ${longDate(calendarRange.first)} to ${longDate(calendarRange.last)}`,
    });

  if (d.destination === 'school') {
    if (!d.destinationLAEstab)
      errors.push({ field: 'destinationLAEstab', message: 'Enter the new school’s LAEstab (7 digits)' });
  } else {
    const problem = reasonProblem(d.destination, d.reason, d.reasonNote);
    if (problem) errors.push(problem);
  }
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    leaver: {
      surname: d.surname,
      forename: d.forename,
      dateOfBirth: d.dateOfBirth,
      ...(d.sex ? { sex: d.sex } : {}),
      upn: d.upn,
      leftOn: d.leftOn,
      destination: d.destination,
      ...(d.destination === 'school' ? { destinationLAEstab: d.destinationLAEstab! } : {}),
      ...(d.destination !== 'school' ? { reason: d.reason as LeaverReason } : {}),
      ...(d.destination !== 'school' && d.reasonNote ? { reasonNote: d.reasonNote } : {}),
    },
  };
}

/** What is wrong with the reason given for a leaver not going to a school, if anything. */
export function reasonProblem(
  destination: Exclude<LeaverDestination, 'school'>,
  reason: string | undefined,
  note: string | undefined,
): FieldError | undefined {
  const reasons: readonly string[] = destination === 'unknown' ? unknownReasons : outsideReasons;
  if (!reason || !reasons.includes(reason))
    return {
      field: 'reason',
      message:
        destination === 'unknown'
          ? 'Choose why the destination is not known'
          : 'Choose where the pupil went outside the maintained sector',
    };
  if (reason === 'other' && !note?.trim()) return { field: 'reasonNote', message: 'Say what happened, for “Other”' };
  return undefined;
}

/** When the school is next reminded of a CTF not yet sent: 5 school days before it is due, then on the day. */
export function firstReminderOn(leftOn: string): string {
  return addSchoolDays(leftOn, CTF_DUE_SCHOOL_DAYS - FIRST_REMINDER_DAYS_LEFT);
}

export type RecordOutcome =
  | { kind: 'recorded'; id: string; dueOn: string; ctfSent: { fileId: string; sentTo: string; sentAt: Date } | null }
  | { kind: 'invalid'; errors: FieldError[] };

/** Checks a leaver's details and that the new school is another school s2s knows, without recording anything. */
export async function checkLeaver(
  deps: RepositoryDeps,
  user: User,
  input: unknown,
): Promise<{ ok: true; leaver: LeaverInput } | { ok: false; errors: FieldError[] }> {
  const parsed = parseLeaver(input, londonDate(deps.now()));
  if (!parsed.ok) return parsed;
  const leaver = parsed.leaver;
  if (leaver.destinationLAEstab) {
    const problem = await otherSchoolProblem(deps.db, user.orgCode, leaver.destinationLAEstab, 'destinationLAEstab', {
      own: 'The new school cannot be your own school',
      unknownHint: '; if the pupil went to an independent school, choose “Outside the maintained sector”.',
    });
    if (problem) return { ok: false, errors: [problem] };
  }
  return parsed;
}

export async function recordLeaver(
  deps: RepositoryDeps,
  user: User,
  input: unknown,
  sourceIp: string | null,
): Promise<RecordOutcome> {
  const checked = await checkLeaver(deps, user, input);
  if (!checked.ok) return { kind: 'invalid', errors: checked.errors };
  return insertLeaver(deps, user, checked.leaver, sourceIp);
}

/** Records a leaver already checked by `checkLeaver`, and audits it (with the CTF it was read from, if any). */
export async function insertLeaver(
  deps: RepositoryDeps,
  user: User,
  leaver: LeaverInput,
  sourceIp: string | null,
  readFrom?: { ctfFileName: string },
): Promise<RecordOutcome> {
  const now = deps.now();
  const school = user.orgCode;
  const dueOn = addSchoolDays(leaver.leftOn, CTF_DUE_SCHOOL_DAYS);
  const sentEarliest = new Date(Date.parse(`${leaver.leftOn}T00:00:00Z`) - SENT_EARLY_DAYS * 86_400_000);
  const sent = await findSentCtf(deps.db, deps.keys.pupilIndexKey, school, leaver.upn, sentEarliest);
  const id = crypto.randomUUID();
  const recordedTwice: FieldError = {
    field: 'upn',
    message: `You have already recorded the pupil with UPN ${leaver.upn} leaving on that day`,
  };
  try {
    await deps.db
      .insertInto('leavers')
      .values({
        id,
        school_laestab: school,
        la_code: user.laCode ?? school.slice(0, 3),
        surname: leaver.surname,
        forename: leaver.forename,
        date_of_birth: leaver.dateOfBirth,
        sex: leaver.sex ?? null,
        upn: leaver.upn,
        left_on: leaver.leftOn,
        destination: leaver.destination,
        destination_laestab: leaver.destinationLAEstab ?? null,
        reason: leaver.reason ?? null,
        reason_note: leaver.reasonNote ?? null,
        recorded_by: user.id,
        recorded_at: now,
        ctf_due_on: dueOn,
        next_reminder_on: sent ? null : firstReminderOn(leaver.leftOn),
        ctf_file_id: sent?.fileId ?? null,
        ctf_sent_to: sent?.sentTo ?? null,
        ctf_sent_at: sent?.sentAt ?? null,
      })
      .execute();
  } catch (error) {
    // The same pupil leaving on the same day is one leaver (unique in the database, so two at once cannot both land).
    if ((error as { code?: string }).code === '23505') return { kind: 'invalid', errors: [recordedTwice] };
    throw error;
  }
  await deps.audit({
    action: 'leaver.recorded',
    actor: auditActor(user),
    target: { kind: 'leaver', id },
    sourceIp,
    details: {
      destination: leaver.destinationLAEstab ?? leaver.destination,
      ctfAlreadySent: sent?.fileId ?? null,
      ...(readFrom ? { readFromCtf: readFrom.ctfFileName } : {}),
    },
  });
  return { kind: 'recorded', id, dueOn, ctfSent: sent ?? null };
}
