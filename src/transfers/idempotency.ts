/**
 * Idempotency-Key for uploads: a retried request (same user, same key, same files) gets the first response and
 * stores nothing twice. The same key with different files is refused; a retry that arrives while the first is
 * still running is told to wait. Keys are kept for a day.
 *
 * The claim on a key is a lease held by the request working on it, renewed by a heartbeat until its answer is
 * stored. A request that died with its process stops renewing, so within seconds a retry takes the claim over and
 * runs again (files the first had stored are then reported as delivered, not stored twice).
 */
import crypto from 'node:crypto';
import os from 'node:os';
import type { Db } from '../platform/database.js';

export const IDEMPOTENCY_HOURS = 24;
/** How long a claim outlives its owner's last heartbeat. */
export const IDEMPOTENCY_LEASE_MS = 10_000;
/** How often a working request renews its claim: several times a lease, so one slow renewal does not lose it. */
export const IDEMPOTENCY_HEARTBEAT_MS = 3_000;

export interface IdempotencyDeps {
  db: Db;
  now: () => Date;
}

export type Begin =
  /** `takenOver`: the key's first request stopped renewing its claim (its process died), and this one took it. */
  | { state: 'new'; claim: IdempotencyClaim; takenOver: boolean }
  | { state: 'replay'; fingerprint: string | null; statusCode: number; response: Record<string, unknown> }
  | { state: 'in-progress' };

export function validIdempotencyKey(key: string): boolean {
  return /^[\x21-\x7e]{1,200}$/.test(key);
}

const node = `${os.hostname()}:${process.pid}`;

/** One request's hold on a key, from its claim until its answer is stored or it gives the key up. */
export class IdempotencyClaim {
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    private readonly deps: IdempotencyDeps,
    readonly userId: string,
    readonly key: string,
    readonly owner: string,
    onHeartbeatError: (error: unknown) => void,
  ) {
    this.heartbeat = setInterval(() => void this.renew().catch(onHeartbeatError), IDEMPOTENCY_HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  /** Pushes the lease on while the request works. */
  async renew(): Promise<void> {
    await this.deps.db
      .updateTable('idempotency_keys')
      .set({ lease_expires_at: new Date(this.deps.now().getTime() + IDEMPOTENCY_LEASE_MS) })
      .where('user_id', '=', this.userId)
      .where('key', '=', this.key)
      .where('owner', '=', this.owner)
      .where('status_code', 'is', null)
      .execute();
  }

  /** Stores the answer for retries. A claim taken over meanwhile is left to the request that took it. */
  async finish(fingerprint: string, statusCode: number, response: Record<string, unknown>): Promise<void> {
    clearInterval(this.heartbeat);
    await this.deps.db
      .updateTable('idempotency_keys')
      .set({ fingerprint, status_code: statusCode, response: JSON.stringify(response), lease_expires_at: null })
      .where('user_id', '=', this.userId)
      .where('key', '=', this.key)
      .where('owner', '=', this.owner)
      .execute();
  }

  /** Lets a request that failed part-way be retried with the same key straight away. */
  async abandon(): Promise<void> {
    clearInterval(this.heartbeat);
    await this.deps.db
      .deleteFrom('idempotency_keys')
      .where('user_id', '=', this.userId)
      .where('key', '=', this.key)
      .where('owner', '=', this.owner)
      .where('status_code', 'is', null)
      .execute();
  }
}

/**
 * Claims the key for this request — a new key, or one whose claim's lease has run out with no answer stored — or
 * says what happened to the request that claimed it first.
 */
export async function beginIdempotent(
  deps: IdempotencyDeps,
  userId: string,
  key: string,
  onHeartbeatError: (error: unknown) => void = () => undefined,
): Promise<Begin> {
  const { db } = deps;
  const owner = `${node}:${crypto.randomUUID()}`;
  // The claim may vanish between the statements (its request gave it up), so look again a few times.
  for (let attempt = 0; attempt < 3; attempt++) {
    const now = deps.now();
    const lease = new Date(now.getTime() + IDEMPOTENCY_LEASE_MS);
    const stale = new Date(now.getTime() - IDEMPOTENCY_HOURS * 3_600_000);
    await db
      .deleteFrom('idempotency_keys')
      .where('user_id', '=', userId)
      .where('key', '=', key)
      .where('created_at', '<', stale)
      .execute();
    const inserted = await db
      .insertInto('idempotency_keys')
      .values({
        user_id: userId,
        key,
        fingerprint: null,
        status_code: null,
        response: null,
        created_at: now,
        owner,
        lease_expires_at: lease,
      })
      .onConflict((oc) => oc.columns(['user_id', 'key']).doNothing())
      .executeTakeFirst();
    const claim = () => new IdempotencyClaim(deps, userId, key, owner, onHeartbeatError);
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) return { state: 'new', claim: claim(), takenOver: false };
    // One statement, so of two retries finding the same dead claim only one takes it.
    const taken = await db
      .updateTable('idempotency_keys')
      .set({ owner, lease_expires_at: lease })
      .where('user_id', '=', userId)
      .where('key', '=', key)
      .where('status_code', 'is', null)
      .where((eb) =>
        eb.or([
          eb('lease_expires_at', '<', now),
          // A claim from before leases: its owner is taken to have died a lease after it claimed.
          eb.and([
            eb('lease_expires_at', 'is', null),
            eb('created_at', '<', new Date(now.getTime() - IDEMPOTENCY_LEASE_MS)),
          ]),
        ]),
      )
      .returning('key')
      .executeTakeFirst();
    if (taken) return { state: 'new', claim: claim(), takenOver: true };
    const row = await db
      .selectFrom('idempotency_keys')
      .select(['fingerprint', 'status_code', 'response'])
      .where('user_id', '=', userId)
      .where('key', '=', key)
      .executeTakeFirst();
    if (!row) continue;
    if (row.status_code === null || row.response === null) return { state: 'in-progress' };
    return { state: 'replay', fingerprint: row.fingerprint, statusCode: row.status_code, response: row.response };
  }
  return { state: 'in-progress' };
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
