/**
 * Signing in: password, then a TOTP code (enrolled at the first sign-in). Every attempt is throttled per account
 * from one address and per address (see sign-in-throttle.ts), never by locking an account, so nobody can lock
 * an owner out by guessing at their email. An unknown email costs the same work and gets the same answers as a
 * known one with a wrong password. Every attempt is audited.
 */
import type { RecordAudit } from '../platform/audit/record-audit.js';
import type { Db } from '../platform/database.js';
import type { KeyRing } from '../platform/keys.js';
import { findUserByEmail, getUser } from './accounts.js';
import { auditActor, type User } from '../platform/user.js';
import { verifyPassword } from './passwords.js';
import { clearAttempts, takeAttempt } from './sign-in-throttle.js';
import { matchTotp, newTotpSecret } from './two-factor.js';

export interface SignInDeps {
  db: Db;
  now: () => Date;
  audit: RecordAudit;
  secrets: KeyRing;
}

export type PasswordOutcome =
  { outcome: 'ok'; user: User; next: 'two-factor' | 'enrol' } | { outcome: 'invalid' } | { outcome: 'throttled' };

function auditWho(user: User | undefined) {
  return user ? { actor: auditActor(user), target: { kind: 'user' as const, id: user.id } } : {};
}

export async function checkPassword(
  deps: SignInDeps,
  email: string,
  password: string,
  sourceIp: string | null,
): Promise<PasswordOutcome> {
  const attempt = await takeAttempt(deps.db, deps.now(), email, sourceIp);
  const user = await findUserByEmail(deps.db, email);
  const who = auditWho(user);
  if (!attempt.allowed) {
    await deps.audit({
      action: 'sign-in',
      outcome: 'denied',
      ...who,
      sourceIp,
      details: { step: 'password', reason: 'throttled', attempts: attempt.attempts },
    });
    return { outcome: 'throttled' };
  }
  const stored = user
    ? (await deps.db.selectFrom('users').select('password_hash').where('id', '=', user.id).executeTakeFirstOrThrow())
        .password_hash
    : null;
  // An unknown email is verified against a dummy hash: the same work as a wrong password for a known one.
  const passwordOk = await verifyPassword(stored, password);
  if (!user || !passwordOk || user.status !== 'active') {
    await deps.audit({
      action: 'sign-in',
      outcome: 'failure',
      ...who,
      sourceIp,
      details: { step: 'password', attempts: attempt.attempts, ...(user ? {} : { reason: 'unknown-email' }) },
    });
    return { outcome: 'invalid' };
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
  const attempt = await takeAttempt(deps.db, now, user.email, sourceIp);
  if (!attempt.allowed) {
    await deps.audit({
      action: 'sign-in',
      outcome: 'denied',
      ...auditWho(user),
      sourceIp,
      details: { step: 'two-factor', reason: 'throttled', attempts: attempt.attempts },
    });
    return { outcome: 'throttled' };
  }
  const step = matchTotp(secret, code, now);
  if (step === undefined || (lastStep !== null && step <= lastStep) || user.status !== 'active') {
    await deps.audit({
      action: 'sign-in',
      outcome: 'failure',
      ...auditWho(user),
      sourceIp,
      details: { step: 'two-factor', attempts: attempt.attempts },
    });
    return { outcome: 'invalid' };
  }
  return { step };
}

async function signedIn(deps: SignInDeps, user: User, step: number, sourceIp: string | null, enrolled: boolean) {
  await deps.db
    .updateTable('users')
    .set({ failed_sign_ins: 0, locked_until: null, totp_last_step: step, updated_at: deps.now() })
    .where('id', '=', user.id)
    .execute();
  await clearAttempts(deps.db, user.email, sourceIp);
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
    .select(['totp_secret', 'totp_key_id', 'totp_last_step'])
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
  if (!row.totp_secret) return { outcome: 'invalid' };
  const secret = deps.secrets.open(row.totp_secret, `totp:${userId}`, row.totp_key_id).toString('utf8');
  const accepted = await acceptCode(deps, user, secret, code, row.totp_last_step, sourceIp);
  if (!('step' in accepted)) return accepted;
  await signedIn(deps, user, accepted.step, sourceIp, false);
  return { outcome: 'ok', user };
}

/** A new secret for enrolment, sealed for the session row until the first code confirms it. */
export function pendingEnrolment(deps: SignInDeps, userId: string): { secret: string; sealed: Buffer } {
  const secret = newTotpSecret();
  return { secret, sealed: deps.secrets.seal(Buffer.from(secret), `pending-totp:${userId}`) };
}

export function openPendingEnrolment(deps: SignInDeps, userId: string, sealed: Buffer): string {
  return deps.secrets.open(sealed, `pending-totp:${userId}`).toString('utf8');
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
      totp_secret: deps.secrets.seal(Buffer.from(secret), `totp:${userId}`),
      totp_key_id: deps.secrets.currentId,
      totp_enrolled_at: deps.now(),
    })
    .where('id', '=', userId)
    .execute();
  await signedIn(deps, user, accepted.step, sourceIp, true);
  return { outcome: 'ok', user };
}
