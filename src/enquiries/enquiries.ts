/**
 * Missing-pupil enquiries, never blanket. A CME officer describes a child missing from their area in a draft, which
 * looks nothing up; the officer sends it only to chosen LAs, each with a reason, and beyond a few LAs the LA
 * administrator must approve; there is no "send to all". When it goes out, s2s matches the details against the
 * repository, new pupils registered anywhere and CTFs in flight, as one lookup from the officer's budget spent at
 * sending. Recipients answer; the officer records the outcome. A new pupil or repository record that arrives later
 * and matches a sent enquiry is added to it, and its officer notified.
 */
import crypto from 'node:crypto';
import type { z } from 'zod';
import { getUser } from '../identity/accounts.js';
import { auditActor, type User } from '../identity/user.js';
import { notify, laUsers } from '../notifications/notify.js';
import type { Db } from '../platform/database.js';
import type { Selectable } from 'kysely';
import type { EnquiriesTable, EnquiryAnswer, EnquiryOutcome, EnquiryState } from '../platform/schema.js';
import { searchSpentLookup, type RepositoryDeps } from '../repository/search-repository.js';
import { childDetailsSchema } from '../platform/child-details.js';
import { fieldErrors, requiredText, type FieldError } from '../platform/validation.js';
import { ctfsCarryingPerson } from '../leavers/sent-ctfs.js';
import { spendLookup } from '../repository/lookup-budget.js';
import { longDate } from '../platform/web/views.js';
import { criteriaOf, matchJoiners, nearbyBirthDates, scorePeople, type Person } from './match-people.js';
import { isUuid } from '../platform/ids.js';

/** An enquiry never goes to more LAs than this, approved or not. */
export const MAX_RECIPIENTS = 20;
const REASON_MIN = 10;
const TEXT_MAX = 500;

const enquirySchema = childDetailsSchema('child')
  .extend({
    lastAddress: requiredText('Enter the child’s last known address'),
    concern: requiredText('Say why you are concerned about the child'),
  })
  .strict();

type EnquiryInput = z.infer<typeof enquirySchema>;

export interface EnquiryMatch {
  kind: 'repository' | 'joiner' | 'sent-ctf';
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
  recipients: EnquiryRecipient[];
  matches: EnquiryMatch[];
}

export type CreateOutcome = { kind: 'created'; id: string } | { kind: 'invalid'; errors: FieldError[] };

/**
 * Records a draft. A draft looks nothing up and spends nothing: its details could be anyone's, guessed or not, and
 * until it goes out it is only the officer's notes.
 */
export async function createEnquiry(
  deps: RepositoryDeps,
  officer: User,
  input: unknown,
  sourceIp: string | null,
): Promise<CreateOutcome> {
  const parsed = enquirySchema.safeParse(input ?? {});
  if (!parsed.success) {
    return {
      kind: 'invalid',
      errors: fieldErrors(parsed.error, 'Send surname, forename, dateOfBirth, sex, upn, lastAddress and concern.'),
    };
  }
  const details: EnquiryInput = parsed.data;
  const now = deps.now();
  const id = crypto.randomUUID();
  const laCode = officer.laCode ?? officer.orgCode;
  await deps.db
    .insertInto('enquiries')
    .values({
      id,
      la_code: laCode,
      officer_id: officer.id,
      surname: details.surname,
      forename: details.forename,
      date_of_birth: details.dateOfBirth,
      sex: details.sex ?? null,
      upn: details.upn ?? null,
      last_address: details.lastAddress,
      concern: details.concern,
      state: 'draft',
      created_at: now,
    })
    .execute();
  await deps.audit({
    action: 'enquiry.created',
    actor: auditActor(officer),
    target: { kind: 'enquiry', id },
    sourceIp,
  });

  return { kind: 'created', id };
}

/**
 * Looks for the child of an enquiry going out: the repository as the officer's own search (audited, and so the
 * officer may open what it shows), new pupils registered anywhere, and, given a UPN with an agreeing name and date
 * of birth, any school's CTF carrying it. The lookup was spent from the officer's budget when the enquiry was sent.
 */
async function matchEnquiry(
  deps: RepositoryDeps,
  officer: User,
  enquiry: Selectable<EnquiriesTable>,
  sourceIp: string | null,
): Promise<void> {
  const now = deps.now();
  const person: Person = {
    upn: enquiry.upn,
    surname: enquiry.surname,
    forename: enquiry.forename,
    date_of_birth: enquiry.date_of_birth,
    sex: enquiry.sex,
  };
  const sought = criteriaOf(person);
  const { results: fromRepository } = await searchSpentLookup(deps, officer, sought, sourceIp);
  const fromJoiners = await matchJoiners(deps.db, { ...sought, dateOfBirth: enquiry.date_of_birth }, now);
  const fromCtfs = await ctfsCarryingPerson(deps.db, deps.keys.pupilIndexKey, person);
  const rows = [
    ...fromRepository.map((m) => ({ kind: 'repository' as const, ref_id: m.id, score: m.score, reasons: m.reasons })),
    ...fromJoiners.map((m) => ({ kind: 'joiner' as const, ref_id: m.id, score: m.score, reasons: m.reasons })),
    ...fromCtfs.map((f) => ({ kind: 'sent-ctf' as const, ref_id: f.fileId, score: 100, reasons: ['UPN matches'] })),
  ];
  if (rows.length === 0) return;
  await deps.db
    .insertInto('enquiry_matches')
    .values(rows.map((r) => ({ ...r, enquiry_id: enquiry.id, found_at: now })))
    .onConflict((oc) => oc.doNothing())
    .execute();
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

export interface RecipientInput {
  laCode: string;
  reason: string;
}

export type SendOutcome =
  | { kind: 'sent' | 'awaiting-approval'; recipients: number }
  | { kind: 'not-found' }
  | { kind: 'not-draft'; state: EnquiryState }
  | { kind: 'invalid'; errors: FieldError[] }
  | { kind: 'rate-limited'; retryAfterSeconds: number };

/** Checks the chosen LAs: known, not the officer's own, each once, each with a reason, and never too many. */
async function recipientProblems(db: Db, ownLa: string, recipients: unknown): Promise<FieldError[]> {
  if (!Array.isArray(recipients) || recipients.length === 0) {
    return [{ field: 'recipients', message: 'Choose at least one LA to send the enquiry to, with a reason for each' }];
  }
  if (recipients.length > MAX_RECIPIENTS) {
    return [
      {
        field: 'recipients',
        message: `An enquiry can go to at most ${MAX_RECIPIENTS} LAs. s2s never sends to every LA: choose the LAs the child has a link to.`,
      },
    ];
  }
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  const known = new Set((await db.selectFrom('local_authorities').select('code').execute()).map((r) => r.code));
  recipients.forEach((raw: unknown, i) => {
    const r = (raw ?? {}) as Partial<Record<keyof RecipientInput, unknown>>;
    const laCode = typeof r.laCode === 'string' ? r.laCode.trim() : '';
    const reason = typeof r.reason === 'string' ? r.reason.trim() : '';
    if (!known.has(laCode))
      errors.push({ field: `recipients.${i}.laCode`, message: `There is no LA with code “${laCode}”` });
    else if (laCode === ownLa)
      errors.push({ field: `recipients.${i}.laCode`, message: 'The enquiry comes from your own LA: choose other LAs' });
    else if (seen.has(laCode))
      errors.push({ field: `recipients.${i}.laCode`, message: `LA ${laCode} is chosen more than once` });
    seen.add(laCode);
    if (reason.length < REASON_MIN || reason.length > TEXT_MAX) {
      errors.push({
        field: `recipients.${i}.reason`,
        message: `Give the reason for sending to LA ${laCode || i + 1} (${REASON_MIN} to ${TEXT_MAX} characters), for example a known link to that area`,
      });
    }
  });
  return errors;
}

async function ownEnquiry(db: Db, user: User, id: string) {
  if (!isUuid(id)) return undefined;
  return db
    .selectFrom('enquiries')
    .selectAll()
    .where('id', '=', id)
    .where('la_code', '=', user.laCode ?? user.orgCode)
    .executeTakeFirst();
}

/**
 * Sends the enquiry to the chosen LAs, or holds it for the LA administrator's approval when they are many. Sending
 * spends the one lookup of the enquiry from the officer's budget, so an officer over budget is told to wait and the
 * enquiry stays a draft; the child is looked for once the enquiry goes out, now or on approval.
 */
export async function sendEnquiry(
  deps: RepositoryDeps,
  officer: User,
  id: string,
  recipients: unknown,
  sourceIp: string | null,
): Promise<SendOutcome> {
  const enquiry = await ownEnquiry(deps.db, officer, id);
  if (!enquiry) return { kind: 'not-found' };
  if (enquiry.state !== 'draft') return { kind: 'not-draft', state: enquiry.state };
  const errors = await recipientProblems(deps.db, enquiry.la_code, recipients);
  if (errors.length > 0) return { kind: 'invalid', errors };
  const chosen = (recipients as RecipientInput[]).map((r) => ({ laCode: r.laCode.trim(), reason: r.reason.trim() }));
  const needsApproval = chosen.length > deps.config.enquiryLasWithoutApproval;
  const admission = await spendLookup(deps, officer, 'enquiry', sourceIp);
  if (!admission.admitted) return { kind: 'rate-limited', retryAfterSeconds: admission.retryAfterSeconds };
  const now = deps.now();
  // Two sends of one draft at once both pass the check above; the state moves on only where it is still a draft,
  // so one of them wins and the other is told the enquiry has gone, rather than colliding on its recipients.
  const moved = await deps.db.transaction().execute(async (trx) => {
    const claimed = await trx
      .updateTable('enquiries')
      .set(needsApproval ? { state: 'awaiting-approval' } : { state: 'sent', sent_at: now })
      .where('id', '=', id)
      .where('state', '=', 'draft')
      .returning('id')
      .executeTakeFirst();
    if (!claimed) return false;
    await trx
      .insertInto('enquiry_recipients')
      .values(
        chosen.map((r) => ({
          enquiry_id: id,
          la_code: r.laCode,
          reason: r.reason,
          sent_at: needsApproval ? null : now,
        })),
      )
      .execute();
    return true;
  });
  if (!moved) {
    const current = await ownEnquiry(deps.db, officer, id);
    return current ? { kind: 'not-draft', state: current.state } : { kind: 'not-found' };
  }
  await deps.audit({
    action: needsApproval ? 'enquiry.approval-requested' : 'enquiry.sent',
    actor: auditActor(officer),
    target: { kind: 'enquiry', id },
    sourceIp,
    details: { recipients: chosen },
  });
  if (needsApproval) {
    await notify(deps.db, now, await laUsers(deps.db, enquiry.la_code, ['la-admin']), {
      kind: 'enquiry-approval',
      message: `A missing-pupil enquiry to ${chosen.length} LAs is waiting for your approval.`,
      link: `/enquiries/${id}`,
    });
  } else {
    await matchEnquiry(deps, officer, enquiry, sourceIp);
    await notifyRecipients(
      deps,
      chosen.map((r) => r.laCode),
      id,
      now,
    );
  }
  return { kind: needsApproval ? 'awaiting-approval' : 'sent', recipients: chosen.length };
}

async function notifyRecipients(deps: RepositoryDeps, laCodes: string[], id: string, now: Date): Promise<void> {
  for (const laCode of laCodes) {
    await notify(deps.db, now, await laUsers(deps.db, laCode, ['la-user', 'la-admin']), {
      kind: 'enquiry-received',
      message: 'Another LA has sent you a missing-pupil enquiry.',
      link: `/enquiries/received#enquiry-${id}`,
    });
  }
}

export type ApproveOutcome = { kind: 'approved' } | { kind: 'not-found' } | { kind: 'not-awaiting' };

/** The LA administrator approves an enquiry to many LAs; it goes to all of them at once. */
export async function approveEnquiry(
  deps: RepositoryDeps,
  admin: User,
  id: string,
  sourceIp: string | null,
): Promise<ApproveOutcome> {
  const enquiry = await ownEnquiry(deps.db, admin, id);
  if (!enquiry) return { kind: 'not-found' };
  if (enquiry.state !== 'awaiting-approval') return { kind: 'not-awaiting' };
  const now = deps.now();
  const laCodes = await deps.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('enquiries')
      .set({ state: 'sent', sent_at: now, approved_by: admin.id })
      .where('id', '=', id)
      .execute();
    const sent = await trx
      .updateTable('enquiry_recipients')
      .set({ sent_at: now })
      .where('enquiry_id', '=', id)
      .returning('la_code')
      .execute();
    return sent.map((r) => r.la_code);
  });
  await deps.audit({ action: 'enquiry.approved', actor: auditActor(admin), target: { kind: 'enquiry', id }, sourceIp });
  // The officer's lookup, spent when the officer sent it; the search is the officer's, not the approver's.
  await matchEnquiry(deps, await getUser(deps.db, enquiry.officer_id), enquiry, null);
  await notifyRecipients(deps, laCodes, id, now);
  await notify(deps.db, now, [enquiry.officer_id], {
    kind: 'enquiry-approved',
    message: 'Your missing-pupil enquiry was approved and sent.',
    link: `/enquiries/${id}`,
  });
  return { kind: 'approved' };
}

export type AnswerOutcome = { kind: 'answered' } | { kind: 'not-found' } | { kind: 'invalid'; errors: FieldError[] };

/** A recipient LA answers: known (and where), not known, or still checking (which may later change). */
export async function answerEnquiry(
  deps: RepositoryDeps,
  user: User,
  id: string,
  input: { answer?: unknown; detail?: unknown },
  sourceIp: string | null,
): Promise<AnswerOutcome> {
  if (!isUuid(id)) return { kind: 'not-found' };
  const laCode = user.laCode ?? user.orgCode;
  const recipient = await deps.db
    .selectFrom('enquiry_recipients as r')
    .innerJoin('enquiries as e', 'e.id', 'r.enquiry_id')
    .select('e.officer_id')
    .where('r.enquiry_id', '=', id)
    .where('r.la_code', '=', laCode)
    .where('r.sent_at', 'is not', null)
    .executeTakeFirst();
  if (!recipient) return { kind: 'not-found' };
  const answer = input.answer;
  const detail = typeof input.detail === 'string' ? input.detail.trim() : '';
  const errors: FieldError[] = [];
  if (answer !== 'known' && answer !== 'not-known' && answer !== 'checking')
    errors.push({
      field: 'answer',
      message: 'Choose whether the child is known to you, not known, or you are still checking',
    });
  if (answer === 'known' && detail.length === 0)
    errors.push({ field: 'detail', message: 'Say where the child is known, for example the school they attend' });
  if (detail.length > TEXT_MAX) errors.push({ field: 'detail', message: `must be ${TEXT_MAX} characters or fewer` });
  if (errors.length > 0) return { kind: 'invalid', errors };
  const now = deps.now();
  await deps.db
    .updateTable('enquiry_recipients')
    .set({ answer: answer as EnquiryAnswer, answer_detail: detail || null, answered_by: user.id, answered_at: now })
    .where('enquiry_id', '=', id)
    .where('la_code', '=', laCode)
    .execute();
  await deps.audit({
    action: 'enquiry.answered',
    actor: auditActor(user),
    target: { kind: 'enquiry', id },
    sourceIp,
    details: { answer },
  });
  await notify(deps.db, now, [recipient.officer_id], {
    kind: 'enquiry-answered',
    message: `LA ${laCode} answered your missing-pupil enquiry.`,
    link: `/enquiries/${id}`,
  });
  return { kind: 'answered' };
}

const outcomes: readonly EnquiryOutcome[] = ['found-in-school', 'found-elsewhere', 'not-found', 'other'];

export type CloseOutcome = { kind: 'closed' } | { kind: 'not-found' } | { kind: 'invalid'; errors: FieldError[] };

export async function closeEnquiry(
  deps: RepositoryDeps,
  officer: User,
  id: string,
  input: { outcome?: unknown; note?: unknown },
  sourceIp: string | null,
): Promise<CloseOutcome> {
  const enquiry = await ownEnquiry(deps.db, officer, id);
  if (!enquiry || enquiry.state === 'closed') return { kind: 'not-found' };
  const note = typeof input.note === 'string' ? input.note.trim() : '';
  const errors: FieldError[] = [];
  if (!outcomes.includes(input.outcome as EnquiryOutcome))
    errors.push({
      field: 'outcome',
      message: 'Choose the outcome: found in a school, found elsewhere, not found, or other',
    });
  if (input.outcome === 'other' && note.length === 0) errors.push({ field: 'note', message: 'Describe the outcome' });
  if (note.length > TEXT_MAX) errors.push({ field: 'note', message: `must be ${TEXT_MAX} characters or fewer` });
  if (errors.length > 0) return { kind: 'invalid', errors };
  await deps.db
    .updateTable('enquiries')
    .set({
      state: 'closed',
      closed_at: deps.now(),
      outcome: input.outcome as EnquiryOutcome,
      outcome_note: note || null,
    })
    .where('id', '=', id)
    .execute();
  await deps.audit({
    action: 'enquiry.closed',
    actor: auditActor(officer),
    target: { kind: 'enquiry', id },
    sourceIp,
    details: { outcome: input.outcome },
  });
  return { kind: 'closed' };
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

/**
 * Checks children who have just appeared (a new pupil registered, or pupils' records arriving in the repository)
 * against every open enquiry; each likely match is added to its enquiry and the enquiring officer notified. Open
 * enquiries are few, so they are read once and compared in memory.
 */
export async function alertEnquiries(
  db: Db,
  now: Date,
  appeared: ReadonlyArray<Person & { kind: 'repository' | 'joiner'; id: string }>,
): Promise<number> {
  if (appeared.length === 0) return 0;
  const open = await db
    .selectFrom('enquiries')
    .select(['id', 'officer_id', 'upn', 'surname', 'forename', 'date_of_birth', 'sex'])
    // Only a sent (or approved) enquiry is looked for: a draft, or one awaiting approval, neither matches nor notifies.
    .where('state', '=', 'sent')
    .execute();
  let alerted = 0;
  for (const child of appeared) {
    const nearby = new Set(nearbyBirthDates(child.date_of_birth, now));
    for (const enquiry of open) {
      if (!nearby.has(enquiry.date_of_birth) && !(child.upn && child.upn === enquiry.upn)) continue;
      const scored = scorePeople(criteriaOf(enquiry), child);
      if (!scored) continue;
      const inserted = await db
        .insertInto('enquiry_matches')
        .values({
          enquiry_id: enquiry.id,
          kind: child.kind,
          ref_id: child.id,
          score: scored.score,
          reasons: scored.reasons,
          found_at: now,
        })
        .onConflict((oc) => oc.doNothing())
        .returning('enquiry_id')
        .executeTakeFirst();
      if (!inserted) continue;
      alerted++;
      await notify(db, now, [enquiry.officer_id], {
        kind: 'enquiry-match',
        message:
          child.kind === 'joiner'
            ? 'A new pupil registered at a school is a likely match for one of your missing-pupil enquiries.'
            : 'A record that has just arrived in the repository is a likely match for one of your missing-pupil enquiries.',
        link: `/enquiries/${enquiry.id}`,
      });
    }
  }
  return alerted;
}
