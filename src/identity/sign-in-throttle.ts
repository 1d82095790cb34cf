/**
 * Throttling of sign-in attempts, counted in the database so that every node sees the same counts. Attempts
 * are counted per account from one source address, and per source address across all accounts, never per
 * account alone: someone hammering a victim's email from elsewhere cannot keep the owner out. An email is
 * counted the same way whether or not it has an account, so the throttle tells nothing about which exist.
 *
 * An attempt is counted before the password or code is checked, in one atomic upsert, so parallel requests
 * cannot slip past the limit between a check and a count.
 */
import { sql } from 'kysely';
import type { Db } from '../platform/database.js';
import { sha256Hex } from '../platform/keys.js';

/** Attempts at one account from one address in a window; a correct sign-in clears them. */
export const ACCOUNT_SOURCE_LIMIT = 10;
/** Attempts from one address at any accounts in a window; each correct sign-in takes one back. */
export const SOURCE_LIMIT = 60;
export const THROTTLE_WINDOW_MINUTES = 5;

function keysFor(email: string, sourceIp: string | null) {
  const source = sourceIp ?? 'unknown';
  // Hashed, so that mistyped or probed emails are not kept in the clear.
  const account = sha256Hex(email.trim().toLowerCase());
  return { pair: `sign-in:account-source:${account}:${source}`, source: `sign-in:source:${source}` };
}

async function count(db: Db, key: string, at: Date): Promise<number> {
  const windowMs = THROTTLE_WINDOW_MINUTES * 60_000;
  const expired = sql<boolean>`rate_limits.window_start + (${windowMs} * interval '1 millisecond') <= ${at}`;
  const row = await db
    .insertInto('rate_limits')
    .values({ key: key.slice(0, 300), window_start: at, count: 1 })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        count: sql`CASE WHEN ${expired} THEN 1 ELSE rate_limits.count + 1 END`,
        window_start: sql`CASE WHEN ${expired} THEN ${at}::timestamptz ELSE rate_limits.window_start END`,
      }),
    )
    .returning('count')
    .executeTakeFirstOrThrow();
  return row.count;
}

export type Attempt = { allowed: true; attempts: number } | { allowed: false; attempts: number };

/** Counts one attempt at `email` from `sourceIp`; not allowed once either count is over its limit. */
export async function takeAttempt(db: Db, now: Date, email: string, sourceIp: string | null): Promise<Attempt> {
  const keys = keysFor(email, sourceIp);
  const pair = await count(db, keys.pair, now);
  const source = await count(db, keys.source, now);
  return { allowed: pair <= ACCOUNT_SOURCE_LIMIT && source <= SOURCE_LIMIT, attempts: pair };
}

/** After a correct sign-in: the account's count from this address is cleared, and the address gets one back. */
export async function clearAttempts(db: Db, email: string, sourceIp: string | null): Promise<void> {
  const keys = keysFor(email, sourceIp);
  await db.deleteFrom('rate_limits').where('key', '=', keys.pair).execute();
  await db
    .updateTable('rate_limits')
    .set({ count: sql`greatest(count - 1, 0)` })
    .where('key', '=', keys.source)
    .execute();
}
