/**
 * Missing-pupil enquiries, never blanket, from draft to outcome. A CME officer describes a child missing from their area in a draft, which
 * looks nothing up; the officer sends it only to chosen LAs, each with a reason, and beyond a few LAs the LA
 * administrator must approve; there is no "send to all". When it goes out, s2s matches the details against the
 * repository, new pupils registered anywhere and CTFs in flight, as one lookup from the officer's budget spent at
 * sending. Recipients answer; the officer records the outcome. A new pupil or repository record that arrives later
 * and matches a sent enquiry is added to it, and its officer notified (`alert-enquiries.ts`); what people see of
 * enquiries is read by `read-enquiries.ts`.
 */
import crypto from 'node:crypto';
import { z } from 'zod';
import { getUser } from '../identity/public.js';
import { auditActor, type User } from '../platform/user.js';
import { notify, laUsers } from '../notifications/public.js';
import type { Db } from '../platform/database.js';
import type { Selectable } from 'kysely';
import type { EnquiriesTable, EnquiryState } from '../platform/schema.js';
import { searchSpentLookup, spendLookup, type RepositoryDeps } from '../repository/public.js';
import { childDetailsSchema } from '../platform/child-details.js';
import { enquiryAnswers, enquiryOutcomes } from '../platform/vocabulary.js';
import { fieldErrors, requiredText, type FieldError } from '../platform/validation.js';
import { ctfsCarryingPerson } from '../leavers/public.js';
import { isUuid } from '../platform/ids.js';
import { nameWithNumber } from '../platform/organisation-name.js';
import { criteriaOf, matchJoiners, type Person } from './match-people.js';
import { ownEnquiry } from './read-enquiries.js';

/** An enquiry never goes to more LAs than this, approved or not. */
export const MAX_RECIPIENTS = 20;
const REASON_MIN = 10;
export const TEXT_MAX = 500;

export const enquirySchema = childDetailsSchema('child')
  .extend({
    lastAddress: requiredText('Enter the child’s last known address'),
    concern: requiredText('Say why you are concerned about the child'),
  })
  .strict();

type EnquiryInput = z.infer<typeof enquirySchema>;

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
  const names = new Map(
    (await db.selectFrom('local_authorities').select(['code', 'name']).execute()).map((r) => [r.code, r.name]),
  );
  const known = new Set(names.keys());
  const la = (code: string) => nameWithNumber(code, names.get(code));
  recipients.forEach((raw: unknown, i) => {
    const r = (raw ?? {}) as Partial<Record<keyof RecipientInput, unknown>>;
    const laCode = typeof r.laCode === 'string' ? r.laCode.trim() : '';
    const reason = typeof r.reason === 'string' ? r.reason.trim() : '';
    if (!known.has(laCode))
      errors.push({ field: `recipients.${i}.laCode`, message: `There is no LA with code “${laCode}”` });
    else if (laCode === ownLa)
      errors.push({ field: `recipients.${i}.laCode`, message: 'The enquiry comes from your own LA: choose other LAs' });
    else if (seen.has(laCode))
      errors.push({ field: `recipients.${i}.laCode`, message: `${la(laCode)} is chosen more than once` });
    seen.add(laCode);
    if (reason.length < REASON_MIN || reason.length > TEXT_MAX) {
      errors.push({
        field: `recipients.${i}.reason`,
        message: `Give the reason for sending to ${laCode ? la(laCode) : `LA ${i + 1}`} (${REASON_MIN} to ${TEXT_MAX} characters), for example a known link to that area`,
      });
    }
  });
  return errors;
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

export type SendBackOutcome =
  { kind: 'sent-back' } | { kind: 'not-found' } | { kind: 'not-awaiting' } | { kind: 'invalid'; errors: FieldError[] };

const sendBackReasonMissing = 'Say why you are sending the enquiry back, in 10 to 500 characters';

/** Why an enquiry is sent back to its officer, as the page's form and the API's body both give it. */
export const sendBackBody = z.strictObject({
  reason: z
    .string({ error: sendBackReasonMissing })
    .trim()
    .min(10, sendBackReasonMissing)
    .max(500, sendBackReasonMissing)
    .describe('What the officer should change before sending it again'),
});

/**
 * The LA administrator sends an enquiry waiting for approval back to its officer, with a reason: it is a draft
 * again, its LAs are chosen afresh, and nothing has been sent to any of them.
 */
export async function sendBackEnquiry(
  deps: RepositoryDeps,
  admin: User,
  id: string,
  input: unknown,
  sourceIp: string | null,
): Promise<SendBackOutcome> {
  const enquiry = await ownEnquiry(deps.db, admin, id);
  if (!enquiry) return { kind: 'not-found' };
  if (enquiry.state !== 'awaiting-approval') return { kind: 'not-awaiting' };
  const parsed = sendBackBody.safeParse(input ?? {});
  if (!parsed.success) return { kind: 'invalid', errors: fieldErrors(parsed.error, 'Send reason.') };
  const { reason } = parsed.data;
  const now = deps.now();
  const moved = await deps.db.transaction().execute(async (trx) => {
    const claimed = await trx
      .updateTable('enquiries')
      .set({ state: 'draft', sent_back_reason: reason, sent_back_at: now, sent_back_by: admin.id })
      .where('id', '=', id)
      .where('state', '=', 'awaiting-approval')
      .returning('id')
      .executeTakeFirst();
    if (!claimed) return false;
    await trx.deleteFrom('enquiry_recipients').where('enquiry_id', '=', id).where('sent_at', 'is', null).execute();
    return true;
  });
  if (!moved) return { kind: 'not-awaiting' };
  await deps.audit({
    action: 'enquiry.sent-back',
    actor: auditActor(admin),
    target: { kind: 'enquiry', id },
    sourceIp,
    details: { reason },
  });
  await notify(deps.db, now, [enquiry.officer_id], {
    kind: 'enquiry-sent-back',
    message: 'Your LA administrator sent your missing-pupil enquiry back to you, saying why.',
    link: `/enquiries/${id}`,
  });
  return { kind: 'sent-back' };
}

const longText = `must be ${TEXT_MAX} characters or fewer`;

/** A recipient LA's answer, as the page's form and the API's body both give it; the API document shows this schema. */
export const answerBody = z
  .object({
    answer: z.enum(enquiryAnswers, {
      error: 'Choose whether the child is known to you, not known, or you are still checking',
    }),
    detail: z
      .string()
      .trim()
      .max(TEXT_MAX, longText)
      .optional()
      .describe('Where the child is known, e.g. the school they attend; needed for known'),
  })
  .refine((body) => body.answer !== 'known' || (body.detail ?? '') !== '', {
    path: ['detail'],
    message: 'Say where the child is known, for example the school they attend',
  });

/** How an enquiry ended, as the page's form and the API's body both give it. */
export const closeBody = z
  .object({
    outcome: z.enum(enquiryOutcomes, {
      error: 'Choose the outcome: found in a school, found elsewhere, not found, or other',
    }),
    note: z.string().trim().max(TEXT_MAX, longText).optional().describe('Needed for other'),
  })
  .refine((body) => body.outcome !== 'other' || (body.note ?? '') !== '', {
    path: ['note'],
    message: 'Describe the outcome',
  });

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
  const parsed = answerBody.safeParse(input);
  if (!parsed.success)
    return { kind: 'invalid', errors: fieldErrors(parsed.error, 'Send answer, with detail for known.') };
  const { answer, detail } = parsed.data;
  const now = deps.now();
  await deps.db
    .updateTable('enquiry_recipients')
    .set({ answer, answer_detail: detail || null, answered_by: user.id, answered_at: now })
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
  const answering = await deps.db
    .selectFrom('local_authorities')
    .select('name')
    .where('code', '=', laCode)
    .executeTakeFirst();
  await notify(deps.db, now, [recipient.officer_id], {
    kind: 'enquiry-answered',
    message: `${nameWithNumber(laCode, answering?.name)} answered your missing-pupil enquiry.`,
    link: `/enquiries/${id}`,
  });
  return { kind: 'answered' };
}

export type CloseOutcome =
  | { kind: 'closed' }
  /** With `onlyCheck`: the outcome is valid and would close the enquiry. */
  | { kind: 'checked' }
  | { kind: 'not-found' }
  | { kind: 'invalid'; errors: FieldError[] };

export async function closeEnquiry(
  deps: RepositoryDeps,
  officer: User,
  id: string,
  input: { outcome?: unknown; note?: unknown },
  sourceIp: string | null,
  { onlyCheck = false }: { onlyCheck?: boolean } = {},
): Promise<CloseOutcome> {
  const enquiry = await ownEnquiry(deps.db, officer, id);
  if (!enquiry || enquiry.state === 'closed') return { kind: 'not-found' };
  const parsed = closeBody.safeParse(input);
  if (!parsed.success)
    return { kind: 'invalid', errors: fieldErrors(parsed.error, 'Send outcome, with note for other.') };
  if (onlyCheck) return { kind: 'checked' };
  const { outcome, note } = parsed.data;
  await deps.db
    .updateTable('enquiries')
    .set({
      state: 'closed',
      closed_at: deps.now(),
      outcome,
      outcome_note: note || null,
    })
    .where('id', '=', id)
    .execute();
  await deps.audit({
    action: 'enquiry.closed',
    actor: auditActor(officer),
    target: { kind: 'enquiry', id },
    sourceIp,
    details: { outcome },
  });
  return { kind: 'closed' };
}
