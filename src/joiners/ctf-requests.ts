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
import { addSchoolDays, londonDate } from '../platform/school-days.js';
import { isUuid } from '../platform/ids.js';
import { laUsers, notify, schoolUsers } from '../notifications/public.js';
import { nameWithNumber } from '../platform/organisation-name.js';
import { PASSED_TO_LA } from './register-joiner.js';
import { CTF_ARRIVED, findJoinersCtf } from './receive-ctfs.js';

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
  /** "sent" once this school has said it sent the CTF, which has not yet reached the new school carrying the pupil. */
  answer: 'sent' | null;
  arrivalDueOn: string | null;
}

/**
 * Requests waiting for this school's answer, the longest-waiting first, then those it said it had sent whose CTF has
 * not yet reached the new school carrying the pupil.
 */
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
      'r.answer',
      'r.arrival_due_on',
    ])
    .where('r.holder_laestab', '=', user.orgCode)
    .where((eb) =>
      eb.or([eb('r.answered_at', 'is', null), eb.and([eb('r.answer', '=', 'sent'), eb('j.state', '=', 'seeking')])]),
    )
    .orderBy(sql`r.answered_at IS NOT NULL`)
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
    answer: r.answer === 'sent' ? 'sent' : null,
    arrivalDueOn: r.arrival_due_on,
  }));
}

export type Answer = { answer: 'sent'; fileId?: string } | { answer: 'no-record'; note?: string };

export type AnswerOutcome =
  /** `received`: a CTF the school sent carries the pupil; `said-sent`: none does yet, and s2s waits for one. */
  | {
      kind: 'answered';
      state: 'received' | 'said-sent' | 'with-la';
      fileId: string | null;
      arrivalDueOn: string | null;
    }
  | { kind: 'not-found' }
  | { kind: 'already-answered' }
  | { kind: 'invalid'; field: string; message: string };

/** The notice to a school's staff when the previous school of a new pupil they registered holds no record. */
export const NO_RECORD_HELD = {
  kind: 'joiner-no-record',
  message: 'A previous school holds no record of a new pupil you registered: your LA has taken up the search',
  link: '/joiners',
};

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

/**
 * The previous school's answer. "Sent" is what the school says, not what happened: the request is answered when a
 * CTF carrying the pupil reaches the new school (checked now among the CTFs this school sent it, and for every CTF
 * that arrives later), and passes to the LA if none has within `S2S_CTF_ARRIVAL_SCHOOL_DAYS`. "No record held"
 * passes the search to the new school's LA at once, and tells the new school.
 */
export async function answerRequest(
  deps: RepositoryDeps,
  user: User,
  requestId: string,
  answer: Answer,
  sourceIp: string | null,
): Promise<AnswerOutcome> {
  if (!isUuid(requestId)) return { kind: 'not-found' };
  const request = await deps.db
    .selectFrom('ctf_requests as r')
    .leftJoin('establishments as e', 'e.laestab', 'r.requesting_laestab')
    .selectAll('r')
    .select('e.name as requesting_name')
    .where('r.id', '=', requestId)
    .where('r.holder_laestab', '=', user.orgCode)
    .executeTakeFirst();
  if (!request) return { kind: 'not-found' };
  if (request.answered_at) return { kind: 'already-answered' };
  const requesting = nameWithNumber(request.requesting_laestab, request.requesting_name);

  let sent: Awaited<ReturnType<typeof sentCtfs>> = [];
  if (answer.answer === 'sent') {
    sent = await sentCtfs(deps.db, user.orgCode, request.requesting_laestab, new Date(request.requested_at));
    if (sent.length === 0) {
      return {
        kind: 'invalid',
        field: 'fileId',
        message: `Your school has not sent a CTF to ${requesting} yet. Send the pupil’s CTF to ${request.requesting_laestab} from “Send files” first, then say here that you have sent it.`,
      };
    }
    if (answer.fileId && !sent.some((f) => f.id === answer.fileId)) {
      return {
        kind: 'invalid',
        field: 'fileId',
        message: `That is not a CTF your school sent to ${requesting}. Leave it out, or choose one of the CTFs you sent.`,
      };
    }
  }
  const note = answer.answer === 'no-record' ? (answer.note?.trim().slice(0, 500) ?? null) : null;
  const now = deps.now();
  const arrivalDueOn =
    answer.answer === 'sent' ? addSchoolDays(londonDate(now), deps.config.ctfArrivalSchoolDays) : null;
  const answered = await deps.db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('ctf_requests')
      .set({
        answered_at: now,
        answered_by: user.id,
        answer: answer.answer,
        note,
        arrival_due_on: arrivalDueOn,
      })
      .where('id', '=', requestId)
      .where('answered_at', 'is', null)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) return false;
    if (answer.answer === 'no-record') {
      await trx
        .updateTable('joiners')
        .set({ state: 'with-la', with_la_reason: 'no-record', with_la_at: now })
        .where('id', '=', request.joiner_id)
        .where('state', '=', 'seeking')
        .execute();
    }
    return true;
  });
  if (!answered) return { kind: 'already-answered' };
  await deps.audit({
    action: 'ctf-request.answered',
    actor: auditActor(user),
    target: { kind: 'ctf-request', id: requestId },
    sourceIp,
    details: { answer: answer.answer, fileId: answer.answer === 'sent' ? (answer.fileId ?? null) : null },
  });
  if (answer.answer === 'no-record') {
    const joiner = await deps.db
      .selectFrom('joiners')
      .select('la_code')
      .where('id', '=', request.joiner_id)
      .executeTakeFirstOrThrow();
    await notify(deps.db, now, await laUsers(deps.db, joiner.la_code, ['la-user', 'la-admin']), PASSED_TO_LA);
    await notify(deps.db, now, await schoolUsers(deps.db, request.requesting_laestab), NO_RECORD_HELD);
    return { kind: 'answered', state: 'with-la', fileId: null, arrivalDueOn: null };
  }
  // The CTFs it sent may already carry the pupil; the one it named first.
  const candidates = answer.fileId
    ? [answer.fileId, ...sent.map((f) => f.id).filter((id) => id !== answer.fileId)]
    : sent.map((f) => f.id);
  const fileId = await findJoinersCtf(deps, request.joiner_id, request.requesting_laestab, candidates);
  if (fileId) await notify(deps.db, now, await schoolUsers(deps.db, request.requesting_laestab), CTF_ARRIVED);
  return { kind: 'answered', state: fileId ? 'received' : 'said-sent', fileId, arrivalDueOn };
}

/**
 * Passes to the new school's LA every search still open past its date: a request unanswered after its due date,
 * or a CTF the previous school said it sent that has not arrived carrying the pupil within the school days it had.
 * A new pupil whose strong match in the repository the school has not yet looked at waits for the school. Run by
 * housekeeping on any node: the update claims each new pupil once, so two nodes never pass the same one twice.
 */
export async function passOverdueRequests(deps: RepositoryDeps): Promise<number> {
  const now = deps.now();
  const today = londonDate(now);
  const overdue = (answered: 'unanswered' | 'sent-not-received') =>
    deps.db
      .updateTable('joiners')
      .set({ state: 'with-la', with_la_reason: answered, with_la_at: now })
      .where('state', '=', 'seeking')
      .where((eb) => eb.or([eb('match_record_id', 'is', null), eb('match_reviewed_at', 'is not', null)]))
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('ctf_requests')
            .select(sql`1`.as('one'))
            .whereRef('ctf_requests.joiner_id', '=', 'joiners.id')
            .where((r) =>
              answered === 'unanswered'
                ? r.and([r('ctf_requests.answered_at', 'is', null), r('ctf_requests.due_on', '<', today)])
                : r.and([r('ctf_requests.answer', '=', 'sent'), r('ctf_requests.arrival_due_on', '<', today)]),
            ),
        ),
      )
      .returning(['id', 'la_code', 'with_la_reason'])
      .execute();
  const passed = [...(await overdue('unanswered')), ...(await overdue('sent-not-received'))];
  for (const laCode of new Set(passed.map((j) => j.la_code))) {
    await notify(deps.db, now, await laUsers(deps.db, laCode, ['la-user', 'la-admin']), PASSED_TO_LA);
  }
  for (const joiner of passed) {
    await deps.audit({
      action: 'joiner.passed-to-la',
      laCode: joiner.la_code,
      target: { kind: 'joiner', id: joiner.id },
      details: { reason: joiner.with_la_reason },
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
  /** A strong repository match the school has not yet looked at. */
  matchToReview: string | null;
  /** The repository record the school said is its pupil's. */
  foundInRepository: string | null;
  request: {
    requestedAt: Date;
    dueOn: string;
    answer: 'sent' | 'no-record' | null;
    arrivalDueOn: string | null;
    note: string | null;
  } | null;
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
      'j.match_record_id',
      'j.match_reviewed_at',
      'j.match_verdict',
      'r.requested_at',
      'r.arrival_due_on',
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
    matchToReview: r.state === 'seeking' && !r.match_reviewed_at ? r.match_record_id : null,
    foundInRepository: r.match_verdict === 'same-child' ? r.match_record_id : null,
    request: r.requested_at
      ? {
          requestedAt: new Date(r.requested_at),
          dueOn: r.due_on!,
          answer: r.answer,
          arrivalDueOn: r.arrival_due_on,
          note: r.note,
        }
      : null,
  }));
}
