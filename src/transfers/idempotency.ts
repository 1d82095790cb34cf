/**
 * Idempotency-Key for uploads: a retried request (same user, same key, same files) gets the first response and
 * stores nothing twice. The same key with different files is refused; a retry that arrives while the first is
 * still running is told to wait. Keys are kept for a day.
 */
import crypto from 'node:crypto';
import type { Db } from '../platform/database.js';

export const IDEMPOTENCY_HOURS = 24;

export type Begin =
  | { state: 'new' }
  | { state: 'replay'; fingerprint: string | null; statusCode: number; response: Record<string, unknown> }
  | { state: 'in-progress' };

export function validIdempotencyKey(key: string): boolean {
  return /^[\x21-\x7e]{1,200}$/.test(key);
}

/** Claims the key for this request, or says what happened to the request that claimed it first. */
export async function beginIdempotent(db: Db, userId: string, key: string, now: Date): Promise<Begin> {
  const stale = new Date(now.getTime() - IDEMPOTENCY_HOURS * 3_600_000);
  await db
    .deleteFrom('idempotency_keys')
    .where('user_id', '=', userId)
    .where('key', '=', key)
    .where('created_at', '<', stale)
    .execute();
  const inserted = await db
    .insertInto('idempotency_keys')
    .values({ user_id: userId, key, fingerprint: null, status_code: null, response: null, created_at: now })
    .onConflict((oc) => oc.columns(['user_id', 'key']).doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) return { state: 'new' };
  const row = await db
    .selectFrom('idempotency_keys')
    .select(['fingerprint', 'status_code', 'response'])
    .where('user_id', '=', userId)
    .where('key', '=', key)
    .executeTakeFirstOrThrow();
  if (row.status_code === null || row.response === null) return { state: 'in-progress' };
  return { state: 'replay', fingerprint: row.fingerprint, statusCode: row.status_code, response: row.response };
}

export async function finishIdempotent(
  db: Db,
  userId: string,
  key: string,
  fingerprint: string,
  statusCode: number,
  response: Record<string, unknown>,
): Promise<void> {
  await db
    .updateTable('idempotency_keys')
    .set({ fingerprint, status_code: statusCode, response: JSON.stringify(response) })
    .where('user_id', '=', userId)
    .where('key', '=', key)
    .execute();
}

/** Lets a request that failed part-way be retried with the same key. */
export async function abandonIdempotent(db: Db, userId: string, key: string): Promise<void> {
  await db
    .deleteFrom('idempotency_keys')
    .where('user_id', '=', userId)
    .where('key', '=', key)
    .where('status_code', 'is', null)
    .execute();
}

/** A request's identity: each file's name and the SHA-256 of its bytes, in order. */
export class RequestFingerprint {
  private readonly parts: string[] = [];

  wrap(name: string, body: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
    const parts = this.parts;
    return (async function* () {
      const hash = crypto.createHash('sha256');
      for await (const chunk of body) {
        hash.update(chunk);
        yield chunk;
      }
      parts.push(`${name}:${hash.digest('hex')}`);
    })();
  }

  digest(): string {
    return crypto.createHash('sha256').update(this.parts.join('\n')).digest('hex');
  }
}
