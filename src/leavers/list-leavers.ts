/**
 * Leavers as a school sees its own (newest first, with each CTF's progress) and as an LA sees its schools' leavers
 * whose CTF has not been sent, or whose destination is not known: the children it may need to look for.
 */
import { isInCalendar, londonDate, schoolDaysBetween } from '../platform/school-days.js';
import type { User } from '../platform/user.js';
import type { Db } from '../platform/database.js';
import type { LeaverDestination, LeaverReason } from '../platform/schema.js';

export type CtfProgress = 'sent' | 'due' | 'overdue';

export interface LeaverSummary {
  id: string;
  schoolLAEstab: string;
  schoolName: string | null;
  surname: string;
  forename: string;
  dateOfBirth: string;
  upn: string;
  leftOn: string;
  destination: LeaverDestination;
  destinationLAEstab: string | null;
  destinationName: string | null;
  reason: LeaverReason | null;
  reasonNote: string | null;
  ctfDueOn: string;
  ctf: CtfProgress;
  /** School days past the due date, for an overdue CTF; null when the due date is outside the school calendar. */
  schoolDaysOverdue: number | null;
  ctfSentTo: string | null;
  ctfSentAt: Date | null;
  /** For LA staff: the case on their CME register opened from this leaver, if any. */
  cmeCaseId: string | null;
  /** The leaver's CTF went to the repository, and a school or LA found the child from it. */
  found: { at: Date; laestab: string | null; schoolName: string | null } | null;
}

export type LeaverView = 'school' | 'without-ctf' | 'destination-unknown';

export async function listLeavers(db: Db, user: User, view: LeaverView, now: Date): Promise<LeaverSummary[]> {
  const today = londonDate(now);
  let query = db
    .selectFrom('leavers as l')
    .leftJoin('establishments as s', 's.laestab', 'l.school_laestab')
    .leftJoin('establishments as d', 'd.laestab', 'l.destination_laestab')
    .leftJoin('cme_cases as c', 'c.leaver_id', 'l.id')
    // A CTF to XXXXXXX carries one pupil: its record, if the child has been found from it.
    .leftJoin('repository_records as rr', (join) =>
      join.onRef('rr.file_id', '=', 'l.ctf_file_id').on('rr.status', '=', 'found'),
    )
    .leftJoin('establishments as fe', 'fe.laestab', 'rr.found_laestab')
    .select([
      'rr.found_at',
      'rr.found_laestab',
      'fe.name as found_school_name',
      'l.id',
      'l.school_laestab',
      's.name as school_name',
      'l.surname',
      'l.forename',
      'l.date_of_birth',
      'l.upn',
      'l.left_on',
      'l.destination',
      'l.destination_laestab',
      'd.name as destination_name',
      'l.reason',
      'l.reason_note',
      'l.ctf_due_on',
      'l.ctf_file_id',
      'l.ctf_sent_to',
      'l.ctf_sent_at',
      'c.id as case_id',
    ])
    .limit(500);
  if (view === 'school') {
    query = query.where('l.school_laestab', '=', user.orgCode).orderBy('l.recorded_at', 'desc');
  } else {
    query = query.where('l.la_code', '=', user.laCode ?? '').orderBy('l.left_on');
    query =
      view === 'without-ctf'
        ? query.where('l.ctf_file_id', 'is', null)
        : query.where('l.destination', '=', 'unknown').where('l.left_on', '>=', yearAgo(today));
  }
  const rows = await query.execute();
  return rows.map((r) => {
    const ctf: CtfProgress = r.ctf_file_id ? 'sent' : today > r.ctf_due_on ? 'overdue' : 'due';
    // A leaver recorded before s2s refused dates outside its calendar must not keep the list from showing.
    const countable = isInCalendar(r.ctf_due_on) && isInCalendar(today);
    return {
      id: r.id,
      schoolLAEstab: r.school_laestab,
      schoolName: r.school_name,
      surname: r.surname,
      forename: r.forename,
      dateOfBirth: r.date_of_birth,
      upn: r.upn,
      leftOn: r.left_on,
      destination: r.destination,
      destinationLAEstab: r.destination_laestab,
      destinationName: r.destination_name,
      reason: r.reason,
      reasonNote: r.reason_note,
      ctfDueOn: r.ctf_due_on,
      ctf,
      schoolDaysOverdue: ctf !== 'overdue' ? 0 : countable ? schoolDaysBetween(r.ctf_due_on, today) : null,
      ctfSentTo: r.ctf_sent_to,
      ctfSentAt: r.ctf_sent_at ? new Date(r.ctf_sent_at) : null,
      cmeCaseId: view === 'school' ? null : r.case_id,
      found: r.found_at
        ? { at: new Date(r.found_at), laestab: r.found_laestab, schoolName: r.found_school_name }
        : null,
    };
  });
}

function yearAgo(today: string): string {
  return `${Number(today.slice(0, 4)) - 1}${today.slice(4)}`;
}
