/**
 * API tokens for MIS and LA scripts: shown once, stored as a SHA-256 hash (a token is 256 random bits, so a
 * slow hash adds nothing), revocable, and acting exactly as their user with that user's permissions.
 */
import crypto from 'node:crypto';
import type { RecordAudit } from '../platform/audit/record-audit.js';
import type { Db } from '../platform/database.js';
import { randomToken, sha256Hex } from '../platform/keys.js';
import { recentAnswers } from '../platform/recent-answers.js';
import { AccountError, auditActor, toUser, userColumns, type User } from '../platform/user.js';
import { isUuid } from '../platform/ids.js';

export interface TokenDeps {
  db: Db;
  now: () => Date;
  audit: RecordAudit;
}

export interface ApiToken {
  id: string;
  label: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const TOKEN_PREFIX = 's2s_';

export async function createApiToken(
  deps: TokenDeps,
  user: User,
  label: string,
  sourceIp: string | null,
): Promise<{ token: string; apiToken: ApiToken }> {
  const name = label.trim();
  if (name.length === 0 || name.length > 100) {
    throw new AccountError('TOKEN_LABEL_INVALID', 'Enter a name for the token, 100 characters or fewer', 'label');
  }
  if (user.status !== 'active') throw new AccountError('USER_DISABLED', 'This account is disabled');
  const token = TOKEN_PREFIX + randomToken(32);
  const id = crypto.randomUUID();
  const now = deps.now();
  await deps.db
    .insertInto('api_tokens')
    .values({
      id,
      user_id: user.id,
      label: name,
      token_hash: sha256Hex(token),
      prefix: token.slice(0, 10),
      created_at: now,
      last_used_at: null,
      revoked_at: null,
    })
    .execute();
  await deps.audit({
    action: 'token.created',
    actor: auditActor(user),
    target: { kind: 'token', id },
    sourceIp,
    details: { label: name },
  });
  return {
    token,
    apiToken: { id, label: name, prefix: token.slice(0, 10), createdAt: now, lastUsedAt: null, revokedAt: null },
  };
}

export async function listApiTokens(db: Db, userId: string): Promise<ApiToken[]> {
  const rows = await db
    .selectFrom('api_tokens')
    .select(['id', 'label', 'prefix', 'created_at', 'last_used_at', 'revoked_at'])
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    label: r.label,
    prefix: r.prefix,
    createdAt: new Date(r.created_at),
    lastUsedAt: r.last_used_at ? new Date(r.last_used_at) : null,
    revokedAt: r.revoked_at ? new Date(r.revoked_at) : null,
  }));
}

/**
 * Revokes one of `user`'s tokens, by the user, by an administrator (`by`, already checked to have the user in
 * reach) or, with `by` null, by the operator CLI; false when there is no such live token.
 */
export async function revokeApiToken(
  deps: TokenDeps,
  user: User,
  tokenId: string,
  sourceIp: string | null,
  by: User | null = user,
): Promise<boolean> {
  if (!isUuid(tokenId)) return false;
  const result = await deps.db
    .updateTable('api_tokens')
    .set({ revoked_at: deps.now() })
    .where('id', '=', tokenId)
    .where('user_id', '=', user.id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) return false;
  forgetCachedTokens(deps.db, { tokenId });
  await deps.audit({
    action: 'token.revoked',
    actor: by ? auditActor(by) : null,
    laCode: user.laCode,
    target: { kind: 'token', id: tokenId },
    sourceIp,
    details: by?.id === user.id ? {} : { owner: user.id, by: by ? 'administrator' : 'operator' },
  });
  return true;
}

/**
 * Tokens checked in the last 10 seconds, so that an MIS sending files in a loop is not looked up on every request.
 * Revoking a token or changing its user's account forgets it on this node at once, and on other nodes it is
 * forgotten within those 10 seconds.
 */
const recentTokens = recentAnswers<{ user: User; tokenId: string }>(10_000, 10_000);

/** Forgets this node's checks of a user's tokens (or one token): their next use is looked up again. */
export function forgetCachedTokens(db: Db, match: { userId?: string; tokenId?: string }): void {
  recentTokens.forget(db, (kept) => kept.user.id === match.userId || kept.tokenId === match.tokenId);
}

/** The active user a bearer token belongs to, or undefined for an unknown, revoked or disabled one. */
export async function authenticateToken(deps: TokenDeps, token: string): Promise<User | undefined> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 100) return undefined;
  const hash = sha256Hex(token);
  const recent = recentTokens.get(deps.db, hash);
  if (recent) return recent.user;
  const row = await deps.db
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .select(userColumns.map((c) => `users.${c}` as const))
    .select(['api_tokens.id as token_id', 'api_tokens.last_used_at'])
    .where('api_tokens.token_hash', '=', hash)
    .where('api_tokens.revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row || row.status !== 'active') return undefined;
  const now = deps.now();
  if (!row.last_used_at || now.getTime() - new Date(row.last_used_at).getTime() > 60_000) {
    await deps.db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', row.token_id).execute();
  }
  const user = toUser(row);
  // Only good answers are kept: a flood of bad tokens always reaches the database and cannot push good ones out.
  recentTokens.set(deps.db, hash, { user, tokenId: row.token_id });
  return user;
}
