/**
 * One child's story, from their CME register case: the case's own dates and notes, and what else s2s knows of the
 * same child — the leaver record the case came from and where that leaver's CTF went, the repository record it
 * became (and whether someone found the child from it), and the missing-pupil enquiry — each in its current state,
 * with the history of what was done, by whom and when, from the audit trail.
 */
import { sql } from 'kysely';
import type { Db } from '../platform/database.js';
import { sameChild } from '../platform/same-child.js';
import { isUuid } from '../platform/ids.js';
import type { User } from '../platform/user.js';
import type { CmeOutcome, EnquiryState } from '../platform/schema.js';

export interface StoryEvent {
  at: Date;
  who: string | null;
  what: string;
}

export interface CaseStory {
  id: string;
  surname: string;
  forename: string;
  dateOfBirth: string;
  upn: string | null;
  source: string;
  openedAt: Date;
  lastInEducationOn: string;
  identifiedOn: string;
  state: 'open' | 'closed';
  outcome: CmeOutcome | null;
  resolvedOn: string | null;
  outcomeNote: string | null;
  leaver: {
    schoolLAEstab: string;
    schoolName: string | null;
    leftOn: string;
    ctfSentTo: string | null;
    ctfSentAt: Date | null;
  } | null;
  repositoryRecord: {
    id: string;
    status: string;
    foundAt: Date | null;
    foundBy: string | null;
    foundLAEstab: string | null;
  } | null;
  enquiry: { id: string; state: EnquiryState; outcome: string | null } | null;
  events: StoryEvent[];
}

/** A register case's outcome in the words a sentence uses ("Case closed: back in school"). */
export const outcomeWords: Record<string, string> = {
  'back-in-school': 'back in school',
  'educated-otherwise': 'educated otherwise',
  'left-the-area': 'left the area',
  other: 'other',
};

/** An audit event in the words an officer reads. */
function eventWords(action: string, details: Record<string, unknown>): string | null {
  switch (action) {
    case 'leaver.recorded':
      return 'The school recorded the child as a leaver';
    case 'cme-case.opened':
      return 'Added to the register of children missing education';
    case 'cme-case.closed':
      return `Case closed: ${outcomeWords[String(details.outcome)] ?? 'outcome recorded'}`;
    case 'enquiry.created':
      return 'Missing-pupil enquiry started';
    case 'enquiry.sent':
      return 'Enquiry sent to other LAs';
    case 'enquiry.approval-requested':
      return 'Enquiry held for the LA administrator’s approval';
    case 'enquiry.approved':
      return 'Enquiry approved and sent';
    case 'enquiry.sent-back':
      return `Enquiry sent back to the officer: “${String(details.reason ?? '')}”`;
    case 'enquiry.answered':
      return 'Another LA answered the enquiry';
    case 'enquiry.closed':
      return 'Enquiry closed';
    case 'repository.record-opened':
      return `The repository record was opened: “${String(details.reason ?? '')}”`;
    case 'repository.record-found':
      return 'The child was marked found from the repository record';
    default:
      return null;
  }
}

export async function caseStory(db: Db, user: User, id: string): Promise<CaseStory | undefined> {
  if (!isUuid(id)) return undefined;
  const c = await db
    .selectFrom('cme_cases')
    .selectAll()
    .where('id', '=', id)
    .where('la_code', '=', user.laCode ?? user.orgCode)
    .executeTakeFirst();
  if (!c) return undefined;
  const leaver = c.leaver_id
    ? await db
        .selectFrom('leavers as l')
        .leftJoin('establishments as s', 's.laestab', 'l.school_laestab')
        .select(['l.id', 'l.school_laestab', 's.name', 'l.left_on', 'l.ctf_file_id', 'l.ctf_sent_to', 'l.ctf_sent_at'])
        .where('l.id', '=', c.leaver_id)
        .executeTakeFirst()
    : undefined;
  const record = leaver?.ctf_file_id
    ? await db
        .selectFrom('repository_records')
        .select(['id', 'status', 'found_at', 'found_by_org_code', 'found_laestab'])
        .where('file_id', '=', leaver.ctf_file_id)
        .executeTakeFirst()
    : undefined;
  // The enquiry the case came from, or the LA's latest about the same child.
  const enquiry = await db
    .selectFrom('enquiries')
    .select(['id', 'state', 'outcome'])
    .where('la_code', '=', c.la_code)
    .where(
      c.enquiry_id
        ? sql<boolean>`id = ${c.enquiry_id}`
        : sameChild({ upn: c.upn, surname: c.surname, forename: c.forename, dateOfBirth: c.date_of_birth }),
    )
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
  const targets = [c.id, leaver?.id, record?.id, enquiry?.id].filter((t): t is string => Boolean(t));
  const audited = await db
    .selectFrom('audit_events as a')
    .leftJoin('users as u', 'u.id', 'a.actor_user_id')
    .select(['a.at', 'a.action', 'a.details', 'u.name', 'a.org_code'])
    .where('a.target_id', 'in', targets)
    .where('a.outcome', '=', 'success')
    .orderBy('a.seq')
    .limit(200)
    .execute();
  const events = audited.flatMap((e) => {
    const details = (typeof e.details === 'object' && e.details !== null ? e.details : {}) as Record<string, unknown>;
    const what = eventWords(e.action, details);
    return what
      ? [{ at: new Date(e.at), who: e.name ? `${e.name}${e.org_code ? ` (${e.org_code})` : ''}` : null, what }]
      : [];
  });
  return {
    id: c.id,
    surname: c.surname,
    forename: c.forename,
    dateOfBirth: c.date_of_birth,
    upn: c.upn,
    source: c.source,
    openedAt: new Date(c.opened_at),
    lastInEducationOn: c.last_in_education_on,
    identifiedOn: c.identified_on,
    state: c.state,
    outcome: c.outcome,
    resolvedOn: c.resolved_on,
    outcomeNote: c.outcome_note,
    leaver: leaver
      ? {
          schoolLAEstab: leaver.school_laestab,
          schoolName: leaver.name,
          leftOn: leaver.left_on,
          ctfSentTo: leaver.ctf_sent_to,
          ctfSentAt: leaver.ctf_sent_at ? new Date(leaver.ctf_sent_at) : null,
        }
      : null,
    repositoryRecord: record
      ? {
          id: record.id,
          status: record.status,
          foundAt: record.found_at ? new Date(record.found_at) : null,
          foundBy: record.found_by_org_code,
          foundLAEstab: record.found_laestab,
        }
      : null,
    enquiry: enquiry ? { id: enquiry.id, state: enquiry.state, outcome: enquiry.outcome } : null,
    events,
  };
}
