/**
 * Signing in: password, then a TOTP code (enrolled at the first sign-in). Failures count against the account:
 * after a few, each further attempt must wait longer (back-off); after ten the account is locked for 30 minutes
 * and the lock is audited. A correct password and code clear the count.
 */
import type { RecordAudit } from '../audit/record-audit.js';
import type { Db } from '../platform/database.js';
import { openSecret, sealSecret } from '../platform/keys.js';
import { auditActor, findUserByEmail, getUser, type User } from './accounts.js';
import { verifyPassword } from './passwords.js';
import { matchTotp, newTotpSecret } from './two-factor.js';

export interface SignInDeps {
  db: Db;
  now: () => Date;
  audit: RecordAudit;
  secretsKey: Buffer;
}

export const BACKOFF_AFTER = 5;
export const LOCK_AFTER = 10;
export const LOCK_MINUTES = 30;

export type PasswordOutcome =
  | { outcome: 'ok'; user: User; next: 'two-factor' | 'enrol' }
  | { outcome: 'invalid' }
  | { outcome: 'wait'; seconds: number }
  | { outcome: 'locked'; minutes: number };

function blockedFor(user: User, now: Date, failures: number): PasswordOutcome | undefined {
  if (!user.lockedUntil || user.lockedUntil <= now) return undefined;
  const remainingMs = user.lockedUntil.getTime() - now.getTime();
  return failures >= LOCK_AFTER
    ? { outcome: 'locked', minutes: Math.ceil(remainingMs / 60_000) }
    : { outcome: 'wait', seconds: Math.ceil(remainingMs / 1000) };
}

async function failuresOf(db: Db, userId: string): Promise<number> {
  const row = await db.selectFrom('users').select('failed_sign_ins').where('id', '=', userId).executeTakeFirstOrThrow();
  return row.failed_sign_ins;
}

/** Records one failed attempt and applies back-off or the lock. */
async function recordFailure(deps: SignInDeps, user: User, step: 'password' | 'two-factor', sourceIp: string | null) {
  const now = deps.now();
  const row = await deps.db
    .updateTable('users')
    .set((eb) => ({ failed_sign_ins: eb('failed_sign_ins', '+', 1), updated_at: now }))
    .where('id', '=', user.id)
    .returning('failed_sign_ins')
    .executeTakeFirstOrThrow();
  const failures = row.failed_sign_ins;
  let lockedUntil: Date | null = null;
  if (failures >= LOCK_AFTER) lockedUntil = new Date(now.getTime() + LOCK_MINUTES * 60_000);
  else if (failures >= BACKOFF_AFTER)
    lockedUntil = new Date(now.getTime() + 2 ** (failures - BACKOFF_AFTER + 1) * 1000);
  if (lockedUntil)
    await deps.db.updateTable('users').set({ locked_until: lockedUntil }).where('id', '=', user.id).execute();
  await deps.audit({
    action: 'sign-in',
    outcome: 'failure',
    actor: auditActor(user),
    target: { kind: 'user', id: user.id },
    sourceIp,
    details: { step, failures },
  });
  if (failures === LOCK_AFTER) {
    await deps.audit({
      action: 'user.locked',
      outcome: 'success',
      actor: auditActor(user),
      target: { kind: 'user', id: user.id },
      sourceIp,
      details: { failures, minutes: LOCK_MINUTES },
    });
  }
}

export async function checkPassword(
  deps: SignInDeps,
  email: string,
  password: string,
  sourceIp: string | null,
): Promise<PasswordOutcome> {
  const now = deps.now();
  const user = await findUserByEmail(deps.db, email);
  if (!user) {
    await verifyPassword(null, password);
    await deps.audit({
      action: 'sign-in',
      outcome: 'failure',
      sourceIp,
      details: { step: 'password', reason: 'unknown-email' },
    });
    return { outcome: 'invalid' };
  }
  const blocked = blockedFor(user, now, await failuresOf(deps.db, user.id));
  if (blocked) {
    await deps.audit({
      action: 'sign-in',
      outcome: 'denied',
      actor: auditActor(user),
      target: { kind: 'user', id: user.id },
      sourceIp,
      details: { step: 'password', reason: blocked.outcome },
    });
    return blocked;
  }
  const row = await deps.db
    .selectFrom('users')
    .select('password_hash')
    .where('id', '=', user.id)
    .executeTakeFirstOrThrow();
  const passwordOk = await verifyPassword(row.password_hash, password);
  if (!passwordOk || user.status !== 'active') {
    await recordFailure(deps, user, 'password', sourceIp);
    const after = await getUser(deps.db, user.id);
    return blockedFor(after, deps.now(), await failuresOf(deps.db, user.id)) ?? { outcome: 'invalid' };
  }
  return { outcome: 'ok', user, next: user.twoFactorEnrolled ? 'two-factor' : 'enrol' };
}

export type CodeOutcome =
  { outcome: 'ok'; user: User } | { outcome: 'invalid' } | Exclude<PasswordOutcome, { outcome: 'ok' | 'invalid' }>;

async function acceptCode(
  deps: SignInDeps,
  user: User,
  secret: string,
  code: string,
  lastStep: number | null,
  sourceIp: string | null,
): Promise<{ step: number } | CodeOutcome> {
  const now = deps.now();
  const blocked = blockedFor(user, now, await failuresOf(deps.db, user.id));
  if (blocked) return blocked;
  const step = matchTotp(secret, code, now);
  if (step === undefined || (lastStep !== null && step <= lastStep) || user.status !== 'active') {
    await recordFailure(deps, user, 'two-factor', sourceIp);
    const after = await getUser(deps.db, user.id);
    return blockedFor(after, deps.now(), await failuresOf(deps.db, user.id)) ?? { outcome: 'invalid' };
  }
  return { step };
}

async function signedIn(deps: SignInDeps, user: User, step: number, sourceIp: string | null, enrolled: boolean) {
  await deps.db
    .updateTable('users')
    .set({ failed_sign_ins: 0, locked_until: null, totp_last_step: step, updated_at: deps.now() })
    .where('id', '=', user.id)
    .execute();
  if (enrolled) {
    await deps.audit({
      action: 'two-factor.enrolled',
      actor: auditActor(user),
      target: { kind: 'user', id: user.id },
      sourceIp,
    });
  }
  await deps.audit({
    action: 'sign-in',
    outcome: 'success',
    actor: auditActor(user),
    target: { kind: 'user', id: user.id },
    sourceIp,
  });
}

export async function checkTwoFactor(
  deps: SignInDeps,
  userId: string,
  code: string,
  sourceIp: string | null,
): Promise<CodeOutcome> {
  const user = await getUser(deps.db, userId);
  const row = await deps.db
    .selectFrom('users')
    .select(['totp_secret', 'totp_last_step'])
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
  if (!row.totp_secret) return { outcome: 'invalid' };
  const secret = openSecret(deps.secretsKey, row.totp_secret, `totp:${userId}`).toString('utf8');
  const accepted = await acceptCode(deps, user, secret, code, row.totp_last_step, sourceIp);
  if (!('step' in accepted)) return accepted;
  await signedIn(deps, user, accepted.step, sourceIp, false);
  return { outcome: 'ok', user };
}

/** A new secret for enrolment, sealed for the session row until the first code confirms it. */
export function pendingEnrolment(deps: SignInDeps, userId: string): { secret: string; sealed: Buffer } {
  const secret = newTotpSecret();
  return { secret, sealed: sealSecret(deps.secretsKey, Buffer.from(secret), `pending-totp:${userId}`) };
}

export function openPendingEnrolment(deps: SignInDeps, userId: string, sealed: Buffer): string {
  return openSecret(deps.secretsKey, sealed, `pending-totp:${userId}`).toString('utf8');
}

export async function confirmEnrolment(
  deps: SignInDeps,
  userId: string,
  sealedPending: Buffer,
  code: string,
  sourceIp: string | null,
): Promise<CodeOutcome> {
  const user = await getUser(deps.db, userId);
  const secret = openPendingEnrolment(deps, userId, sealedPending);
  const accepted = await acceptCode(deps, user, secret, code, null, sourceIp);
  if (!('step' in accepted)) return accepted;
  await deps.db
    .updateTable('users')
    .set({
      totp_secret: sealSecret(deps.secretsKey, Buffer.from(secret), `totp:${userId}`),
      totp_enrolled_at: deps.now(),
    })
    .where('id', '=', userId)
    .execute();
  await signedIn(deps, user, accepted.step, sourceIp, true);
  return { outcome: 'ok', user };
}
