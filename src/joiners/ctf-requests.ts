/**
 * Requests for a new pupil's CTF: the previous school sees each one until it answers, either by pointing to the CTF
 * it sent to the new school or by saying it holds no record; a request still unanswered on its due date, or
 * answered "no record", passes to the new school's LA with everything already tried.
 */
import { sql } from 'kysely';
import { auditActor, type User } from '../platform/user.js';
import type { Db } from '../platform/database.js';
import type { JoinerState, WithLaReason } from '../platform/schema.js';
import type { RepositoryDeps } from '../repository/public.js';
import { londonDate } from '../platform/school-days.js';
import { isUuid } from '../platform/ids.js';
import { laUsers, notify } from '../notifications/public.js';
import { PASSED_TO_LA } from './register-joiner.js';

export interface CtfRequest {
  id: string;
  joinerId: string;
  surname: string;
  forename: string;
  dateOfBirth: string;
  upn: string | null;
  requestingLAEstab: string;
  requestingSchoolName: string | null;
  requestedAt: Date;
  dueOn: string;
}

/** Requests waiting for this school's answer, the longest-waiting first. */
export async function requestsToAnswer(db: Db, user: User): Promise<CtfRequest[]> {
  const rows = await db
    .selectFrom('ctf_requests as r')
    .innerJoin('joiners as j', 'j.id', 'r.joiner_id')
    .leftJoin('establishments as e', 'e.laestab', 'r.requesting_laestab')
    .select([
      'r.id',
      'r.joiner_id',
      'j.surname',
      'j.forename',
      'j.date_of_birth',
      'j.upn',
      'r.requesting_laestab',
      'e.name as requesting_name',
      'r.requested_at',
      'r.due_on',
    ])
    .where('r.holder_laestab', '=', user.orgCode)
    .where('r.answered_at', 'is', null)
    .orderBy('r.requested_at')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    joinerId: r.joiner_id,
    surname: r.surname,
    forename: r.forename,
    dateOfBirth: r.date_of_birth,
    upn: r.upn,
    requestingLAEstab: r.requesting_laestab,
    requestingSchoolName: r.requesting_name,
    requestedAt: new Date(r.requested_at),
    dueOn: r.due_on,
  }));
}

export type Answer = { answer: 'sent'; fileId?: string } | { answer: 'no-record'; note?: string };

export type AnswerOutcome =
  | { kind: 'answered'; state: JoinerState; fileId: string | null }
  | { kind: 'not-found' }
  | { kind: 'already-answered' }
  | { kind: 'invalid'; field: string; message: string };

/** CTFs this school sent to the requesting school since shortly before the request, newest first. */
async function sentCtfs(db: Db, holder: string, requesting: string, since: Date) {
  return db
    .selectFrom('transfer_files')
    .select(['id', 'file_name', 'received_at'])
    .where('sender_org_code', '=', holder)
    .where('recipient_org_code', '=', requesting)
    .where('file_type', '=', 'CTF')
    .where('status', 'in', ['delivered', 'expired'])
    .where('received_at', '>=', new Date(since.getTime() - 30 * 86_400_000))
    .orderBy('received_at', 'desc')
    .execute();
}

export async function answerRequest(
  deps: RepositoryDeps,
  user: User,
  requestId: string,
  answer: Answer,
  sourceIp: string | null,
): Promise<AnswerOutcome> {
  if (!isUuid(requestId)) return { kind: 'not-found' };
  const request = await deps.db
    .selectFrom('ctf_requests')
    .selectAll()
    .where('id', '=', requestId)
    .where('holder_laestab', '=', user.orgCode)
    .executeTakeFirst();
  if (!request) return { kind: 'not-found' };
  if (request.answered_at) return { kind: 'already-answered' };

  let fileId: string | null = null;
  if (answer.answer === 'sent') {
    const sent = await sentCtfs(deps.db, user.orgCode, request.requesting_laestab, new Date(request.requested_at));
    if (answer.fileId) {
      if (!sent.some((f) => f.id === answer.fileId)) {
        return {
          kind: 'invalid',
          field: 'fileId',
          message: `That is not a CTF your school sent to ${request.requesting_laestab}. Send the CTF first, then choose it here.`,
        };
      }
      fileId = answer.fileId;
    } else if (sent.length === 1) {
      fileId = sent[0]!.id;
    } else {
      return {
        kind: 'invalid',
        field: 'fileId',
        message:
          sent.length === 0
            ? `Your school has not sent a CTF to ${request.requesting_laestab} yet. Send it first (to ${request.requesting_laestab}), then answer.`
            : `Your school has sent ${sent.length} CTFs to ${request.requesting_laestab}: choose the one for this pupil.`,
      };
    }
  }
  const note = answer.answer === 'no-record' ? (answer.note?.trim().slice(0, 500) ?? null) : null;
  const now = deps.now();
  const state: JoinerState = answer.answer === 'sent' ? 'received' : 'with-la';
  const answered = await deps.db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('ctf_requests')
      .set({ answered_at: now, answered_by: user.id, answer: answer.answer, file_id: fileId, note })
      .where('id', '=', requestId)
      .where('answered_at', 'is', null)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) return false;
    await trx
      .updateTable('joiners')
      .set(
        state === 'received'
          ? { state, ctf_file_id: fileId, received_at: now }
          : { state, with_la_reason: 'no-record', with_la_at: now },
      )
      .where('id', '=', request.joiner_id)
      .execute();
    return true;
  });
  if (!answered) return { kind: 'already-answered' };
  if (state === 'with-la') {
    const joiner = await deps.db
      .selectFrom('joiners')
      .select('la_code')
      .where('id', '=', request.joiner_id)
      .executeTakeFirstOrThrow();
    await notify(deps.db, now, await laUsers(deps.db, joiner.la_code, ['la-user', 'la-admin']), PASSED_TO_LA);
  }
  await deps.audit({
    action: 'ctf-request.answered',
    actor: auditActor(user),
    target: { kind: 'ctf-request', id: requestId },
    sourceIp,
    details: { answer: answer.answer, fileId },
  });
  return { kind: 'answered', state, fileId };
}

/**
 * Passes every request still unanswered after its due date to the new school's LA. Run by housekeeping on any
 * node: the update claims each request once, so two nodes never pass the same one twice.
 */
export async function passOverdueRequests(deps: RepositoryDeps): Promise<number> {
  const now = deps.now();
  const today = londonDate(now);
  const passed = await deps.db
    .updateTable('joiners')
    .set({ state: 'with-la', with_la_reason: 'unanswered', with_la_at: now })
    .where('state', '=', 'seeking')
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('ctf_requests')
          .select(sql`1`.as('one'))
          .whereRef('ctf_requests.joiner_id', '=', 'joiners.id')
          .where('ctf_requests.answered_at', 'is', null)
          .where('ctf_requests.due_on', '<', today),
      ),
    )
    .returning(['id', 'la_code'])
    .execute();
  for (const laCode of new Set(passed.map((j) => j.la_code))) {
    await notify(deps.db, now, await laUsers(deps.db, laCode, ['la-user', 'la-admin']), PASSED_TO_LA);
  }
  for (const joiner of passed) {
    await deps.audit({
      action: 'joiner.passed-to-la',
      laCode: joiner.la_code,
      target: { kind: 'joiner', id: joiner.id },
      details: { reason: 'unanswered' },
    });
  }
  return passed.length;
}

export interface JoinerSummary {
  id: string;
  schoolLAEstab: string;
  schoolName: string | null;
  surname: string;
  forename: string;
  dateOfBirth: string;
  upn: string | null;
  previousLAEstab: string | null;
  previousSchoolName: string | null;
  joinedOn: string;
  registeredAt: Date;
  state: JoinerState;
  withLaReason: WithLaReason | null;
  withLaAt: Date | null;
  ctfFileId: string | null;
  request: { requestedAt: Date; dueOn: string; answer: 'sent' | 'no-record' | null; note: string | null } | null;
}

/** A school's own new pupils, or, for LA staff, the searches passed to their LA; newest first. */
export async function listJoiners(db: Db, user: User): Promise<JoinerSummary[]> {
  let query = db
    .selectFrom('joiners as j')
    .leftJoin('ctf_requests as r', 'r.joiner_id', 'j.id')
    .leftJoin('establishments as s', 's.laestab', 'j.school_laestab')
    .leftJoin('establishments as p', 'p.laestab', 'j.previous_laestab')
    .select([
      'j.id',
      'j.school_laestab',
      's.name as school_name',
      'j.surname',
      'j.forename',
      'j.date_of_birth',
      'j.upn',
      'j.previous_laestab',
      'p.name as previous_name',
      'j.joined_on',
      'j.registered_at',
      'j.state',
      'j.with_la_reason',
      'j.with_la_at',
      'j.ctf_file_id',
      'r.requested_at',
      'r.due_on',
      'r.answer',
      'r.note',
    ])
    .orderBy('j.registered_at', 'desc')
    .limit(500);
  query =
    user.orgKind === 'school'
      ? query.where('j.school_laestab', '=', user.orgCode)
      : query.where('j.la_code', '=', user.laCode ?? '').where('j.state', '=', 'with-la');
  const rows = await query.execute();
  return rows.map((r) => ({
    id: r.id,
    schoolLAEstab: r.school_laestab,
    schoolName: r.school_name,
    surname: r.surname,
    forename: r.forename,
    dateOfBirth: r.date_of_birth,
    upn: r.upn,
    previousLAEstab: r.previous_laestab,
    previousSchoolName: r.previous_name,
    joinedOn: r.joined_on,
    registeredAt: new Date(r.registered_at),
    state: r.state,
    withLaReason: r.with_la_reason,
    withLaAt: r.with_la_at ? new Date(r.with_la_at) : null,
    ctfFileId: r.ctf_file_id,
    request: r.requested_at
      ? { requestedAt: new Date(r.requested_at), dueOn: r.due_on!, answer: r.answer, note: r.note }
      : null,
  }));
}
