/**
 * Missing-pupil enquiries as people see them: an LA's own enquiries in full, with each recipient's answer and what
 * s2s matched and where, and the enquiries other LAs sent to it, with only what the sender chose to share.
 */
import type { EnquiryMatchKind } from '../platform/vocabulary.js';
import type { Selectable } from 'kysely';
import type { User } from '../platform/user.js';
import type { Db } from '../platform/database.js';
import type { EnquiriesTable, EnquiryAnswer, EnquiryOutcome, EnquiryState } from '../platform/schema.js';
import { isUuid } from '../platform/ids.js';
import { longDate } from '../platform/web/views.js';

export interface EnquiryMatch {
  kind: EnquiryMatchKind;
  refId: string;
  score: number;
  reasons: string[];
  foundAt: Date;
  /** Where the match is: the school the child left (repository) or joined (new pupil), or where a CTF went. */
  where: string | null;
}

export interface EnquiryRecipient {
  laCode: string;
  laName: string | null;
  reason: string;
  sentAt: Date | null;
  answer: EnquiryAnswer | null;
  answerDetail: string | null;
  answeredAt: Date | null;
}

export interface Enquiry {
  id: string;
  laCode: string;
  surname: string;
  forename: string;
  dateOfBirth: string;
  sex: 'M' | 'F' | null;
  upn: string | null;
  lastAddress: string;
  concern: string;
  state: EnquiryState;
  createdAt: Date;
  sentAt: Date | null;
  outcome: EnquiryOutcome | null;
  outcomeNote: string | null;
  /** While a draft again: why the LA administrator sent it back, and when. */
  sentBack: { reason: string; at: Date } | null;
  recipients: EnquiryRecipient[];
  matches: EnquiryMatch[];
}

/** One of the user's LA's own enquiries, as stored; undefined for another LA's or none. */
export async function ownEnquiry(db: Db, user: User, id: string) {
  if (!isUuid(id)) return undefined;
  return db
    .selectFrom('enquiries')
    .selectAll()
    .where('id', '=', id)
    .where('la_code', '=', user.laCode ?? user.orgCode)
    .executeTakeFirst();
}

/** The matches of several enquiries at once, best first. */
async function enquiryMatches(db: Db, enquiryIds: string[]): Promise<Array<EnquiryMatch & { enquiryId: string }>> {
  const rows = await db
    .selectFrom('enquiry_matches as m')
    .leftJoin('repository_records as r', (join) => join.onRef('r.id', '=', 'm.ref_id').on('m.kind', '=', 'repository'))
    .leftJoin('joiners as j', (join) => join.onRef('j.id', '=', 'm.ref_id').on('m.kind', '=', 'joiner'))
    .leftJoin('establishments as js', 'js.laestab', 'j.school_laestab')
    .leftJoin('transfer_files as f', (join) => join.onRef('f.id', '=', 'm.ref_id').on('m.kind', '=', 'sent-ctf'))
    .leftJoin('establishments as fs', 'fs.laestab', 'f.source_code')
    .leftJoin('establishments as fd', 'fd.laestab', 'f.recipient_org_code')
    .select([
      'm.enquiry_id',
      'm.kind',
      'm.ref_id',
      'm.score',
      'm.reasons',
      'm.found_at',
      'r.left_laestab',
      'r.left_school_name',
      'j.school_laestab',
      'js.name as joined_school_name',
      'f.source_code',
      'fs.name as source_name',
      'f.destination_code',
      'f.recipient_org_code',
      'fd.name as recipient_name',
      'f.received_at as sent_at',
      'f.collected_at',
    ])
    .where('m.enquiry_id', 'in', enquiryIds)
    .orderBy('m.score', 'desc')
    .execute();
  return rows.map((r) => ({
    enquiryId: r.enquiry_id,
    kind: r.kind,
    refId: r.ref_id,
    score: r.score,
    reasons: r.reasons,
    foundAt: new Date(r.found_at),
    where:
      r.kind === 'repository'
        ? `Left ${r.left_school_name ?? 'a school'}${r.left_laestab ? ` (${r.left_laestab})` : ''}`
        : r.kind === 'joiner'
          ? `Joined ${r.joined_school_name ?? 'a school'}${r.school_laestab ? ` (${r.school_laestab})` : ''}`
          : sentCtfWhere(r),
  }));
}

/** Where a CTF carrying the child's UPN went, in words: the route only, never the file's content. */
function sentCtfWhere(r: {
  source_code: string | null;
  source_name: string | null;
  destination_code: string | null;
  recipient_org_code: string | null;
  recipient_name: string | null;
  sent_at: Date | string | null;
  collected_at: Date | string | null;
}): string {
  const to = r.recipient_org_code ?? r.destination_code ?? 'a destination';
  return `CTF sent by ${r.source_name ?? 'a school'} (${r.source_code ?? ''}) to ${r.recipient_name ? `${r.recipient_name} (${to})` : to} on ${longDate(r.sent_at)}; ${r.collected_at ? 'collected' : 'not yet collected'}`;
}

/** Enquiries in full, with their recipients and matches read for all of them at once. */
async function describe(db: Db, enquiries: Selectable<EnquiriesTable>[]): Promise<Enquiry[]> {
  if (enquiries.length === 0) return [];
  const ids = enquiries.map((e) => e.id);
  const recipients = await db
    .selectFrom('enquiry_recipients as r')
    .leftJoin('local_authorities as la', 'la.code', 'r.la_code')
    .select([
      'r.enquiry_id',
      'r.la_code',
      'la.name',
      'r.reason',
      'r.sent_at',
      'r.answer',
      'r.answer_detail',
      'r.answered_at',
    ])
    .where('r.enquiry_id', 'in', ids)
    .orderBy('r.la_code')
    .execute();
  const matches = await enquiryMatches(db, ids);
  return enquiries.map((e) => ({
    id: e.id,
    laCode: e.la_code,
    surname: e.surname,
    forename: e.forename,
    dateOfBirth: e.date_of_birth,
    sex: e.sex,
    upn: e.upn,
    lastAddress: e.last_address,
    concern: e.concern,
    state: e.state,
    createdAt: new Date(e.created_at),
    sentAt: e.sent_at ? new Date(e.sent_at) : null,
    outcome: e.outcome,
    outcomeNote: e.outcome_note,
    sentBack:
      e.state === 'draft' && e.sent_back_reason && e.sent_back_at
        ? { reason: e.sent_back_reason, at: new Date(e.sent_back_at) }
        : null,
    recipients: recipients
      .filter((r) => r.enquiry_id === e.id)
      .map((r) => ({
        laCode: r.la_code,
        laName: r.name,
        reason: r.reason,
        sentAt: r.sent_at ? new Date(r.sent_at) : null,
        answer: r.answer,
        answerDetail: r.answer_detail,
        answeredAt: r.answered_at ? new Date(r.answered_at) : null,
      })),
    matches: matches.filter((m) => m.enquiryId === e.id).map(({ enquiryId: _, ...m }) => m),
  }));
}

/** One of the user's LA's enquiries, in full. */
export async function enquiryFor(db: Db, user: User, id: string): Promise<Enquiry | undefined> {
  const row = await ownEnquiry(db, user, id);
  return row ? (await describe(db, [row]))[0] : undefined;
}

/** The user's LA's enquiries, newest first, each with its recipients and matches. */
export async function listEnquiries(db: Db, user: User): Promise<Enquiry[]> {
  const rows = await db
    .selectFrom('enquiries')
    .selectAll()
    .where('la_code', '=', user.laCode ?? user.orgCode)
    .orderBy('created_at', 'desc')
    .limit(200)
    .execute();
  return describe(db, rows);
}

export interface ReceivedEnquiry {
  id: string;
  fromLa: string;
  fromLaName: string | null;
  surname: string;
  forename: string;
  dateOfBirth: string;
  sex: 'M' | 'F' | null;
  upn: string | null;
  lastAddress: string;
  concern: string;
  reason: string;
  sentAt: Date;
  answer: EnquiryAnswer | null;
  answerDetail: string | null;
  closed: boolean;
}

/** Enquiries sent to the user's LA, newest first. Only what the sending officer chose to share, and why. */
export async function receivedEnquiries(db: Db, user: User): Promise<ReceivedEnquiry[]> {
  const rows = await db
    .selectFrom('enquiry_recipients as r')
    .innerJoin('enquiries as e', 'e.id', 'r.enquiry_id')
    .leftJoin('local_authorities as la', 'la.code', 'e.la_code')
    .select([
      'e.id',
      'e.la_code',
      'la.name',
      'e.surname',
      'e.forename',
      'e.date_of_birth',
      'e.sex',
      'e.upn',
      'e.last_address',
      'e.concern',
      'e.state',
      'r.reason',
      'r.sent_at',
      'r.answer',
      'r.answer_detail',
    ])
    .where('r.la_code', '=', user.laCode ?? user.orgCode)
    .where('r.sent_at', 'is not', null)
    .orderBy('r.sent_at', 'desc')
    .limit(200)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    fromLa: r.la_code,
    fromLaName: r.name,
    surname: r.surname,
    forename: r.forename,
    dateOfBirth: r.date_of_birth,
    sex: r.sex,
    upn: r.upn,
    lastAddress: r.last_address,
    concern: r.concern,
    reason: r.reason,
    sentAt: new Date(r.sent_at!),
    answer: r.answer,
    answerDetail: r.answer_detail,
    closed: r.state === 'closed',
  }));
}
