/**
 * Moving everything wrapped under an old master key to the current one: file data keys, TOTP secrets, pending
 * two-factor enrolments and the service keys. Only keys are re-wrapped — no file body is read or written — so a
 * rotation of millions of files is millions of small row updates. It runs in batches, each its own transaction
 * with its rows locked (`SKIP LOCKED`, so several nodes can rotate together), and what is left is always "rows not
 * under the current key": stopping at any point and starting again simply carries on. Serving nodes hold both keys
 * meanwhile, so every file stays readable throughout.
 */
import { sql } from 'kysely';
import type { Db } from './database.js';
import { MasterKeyMissingError, type Keys, type KeyRing } from './keys.js';
import { resealServiceKeys } from './service-keys.js';

export interface RotationProgress {
  serviceKeys: number;
  fileKeys: number;
  twoFactorSecrets: number;
  pendingEnrolments: number;
}

export interface RotationOptions {
  batchSize?: number;
  /** Stop after this many batches of file keys (the rest is left for the next run). */
  maxBatches?: number;
  /** Called after each batch of file keys; awaited, so a caller can pace the rotation behind user traffic. */
  onBatch?: (progress: RotationProgress) => void | Promise<void>;
  /** Stops between batches (the rest is left for the next run). */
  signal?: AbortSignal;
}

export async function rotateMasterKey(
  db: Db,
  keys: Keys,
  options: RotationOptions = {},
): Promise<RotationProgress & { finished: boolean }> {
  const batchSize = options.batchSize ?? 500;
  const progress: RotationProgress = {
    serviceKeys: await resealServiceKeys(db, keys.serviceKeys),
    fileKeys: 0,
    twoFactorSecrets: 0,
    pendingEnrolments: 0,
  };
  progress.twoFactorSecrets = await rewrapTwoFactorSecrets(db, keys.secrets);
  progress.pendingEnrolments = await resealPendingEnrolments(db, keys.secrets);
  for (let batch = 0; options.maxBatches === undefined || batch < options.maxBatches; batch += 1) {
    if (options.signal?.aborted) break;
    const done = await rewrapFileKeys(db, keys.blobKeys, batchSize);
    progress.fileKeys += done;
    await options.onBatch?.({ ...progress });
    if (done < batchSize) return { ...progress, finished: true };
  }
  const left = await db
    .selectFrom('blob_keys')
    .select('blob_id')
    .where(notUnder('key_id', keys.blobKeys.currentId))
    .limit(1)
    .executeTakeFirst();
  return { ...progress, finished: left === undefined };
}

/** Written as ranges, not `<>`, so that the key_id index answers it cheaply when nothing is left. */
function notUnder(column: 'key_id' | 'totp_key_id', currentId: string) {
  const ref = sql.ref(column);
  return sql<boolean>`(${ref} IS NULL OR ${ref} < ${currentId} OR ${ref} > ${currentId})`;
}

async function rewrapFileKeys(db: Db, ring: KeyRing, batchSize: number): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const rows = await trx
      .selectFrom('blob_keys')
      .select(['blob_id', 'wrapped_key', 'key_id'])
      .where(notUnder('key_id', ring.currentId))
      .orderBy('blob_id')
      .limit(batchSize)
      .forUpdate()
      .skipLocked()
      .execute();
    if (rows.length === 0) return 0;
    const values = rows.map((row) => {
      const context = `blob:${row.blob_id}`;
      const rewrapped = ring.seal(ring.open(row.wrapped_key, context, row.key_id), context);
      return sql`(${row.blob_id}::uuid, ${rewrapped}::bytea)`;
    });
    await sql`
      UPDATE blob_keys AS b SET wrapped_key = v.wrapped_key, key_id = ${ring.currentId}
      FROM (VALUES ${sql.join(values)}) AS v (blob_id, wrapped_key)
      WHERE b.blob_id = v.blob_id`.execute(trx);
    return rows.length;
  });
}

async function rewrapTwoFactorSecrets(db: Db, ring: KeyRing): Promise<number> {
  let total = 0;
  for (;;) {
    const done = await db.transaction().execute(async (trx) => {
      const rows = await trx
        .selectFrom('users')
        .select(['id', 'totp_secret', 'totp_key_id'])
        .where('totp_secret', 'is not', null)
        .where(notUnder('totp_key_id', ring.currentId))
        .orderBy('id')
        .limit(500)
        .forUpdate()
        .skipLocked()
        .execute();
      for (const row of rows) {
        const context = `totp:${row.id}`;
        const secret = ring.open(row.totp_secret!, context, row.totp_key_id);
        await trx
          .updateTable('users')
          .set({ totp_secret: ring.seal(secret, context), totp_key_id: ring.currentId })
          .where('id', '=', row.id)
          .execute();
      }
      return rows.length;
    });
    total += done;
    if (done < 500) return total;
  }
}

/** Enrolments in progress carry no key id (they live minutes): each is tried under the current key first. */
async function resealPendingEnrolments(db: Db, ring: KeyRing): Promise<number> {
  const rows = await db
    .selectFrom('sessions')
    .select(['id_hash', 'user_id', 'pending_totp_secret'])
    .where('pending_totp_secret', 'is not', null)
    .execute();
  let resealed = 0;
  for (const row of rows) {
    const context = `pending-totp:${row.user_id}`;
    try {
      ring.open(row.pending_totp_secret!, context, ring.currentId);
      continue;
    } catch {
      // Not under the current key: re-sealed below.
    }
    const secret = ring.open(row.pending_totp_secret!, context);
    await db
      .updateTable('sessions')
      .set({ pending_totp_secret: ring.seal(secret, context) })
      .where('id_hash', '=', row.id_hash)
      .where('pending_totp_secret', '=', row.pending_totp_secret)
      .execute();
    resealed += 1;
  }
  return resealed;
}

export interface KeyUsage {
  keyId: string | null;
  fileKeys: number;
  twoFactorSecrets: number;
  serviceKeys: number;
}

/** How many rows each master key wraps: what `s2s keys status` prints. NULL: wrapped before ids were kept. */
export async function keyUsage(db: Db): Promise<KeyUsage[]> {
  const usage = new Map<string | null, KeyUsage>();
  const entry = (keyId: string | null) => {
    if (!usage.has(keyId)) usage.set(keyId, { keyId, fileKeys: 0, twoFactorSecrets: 0, serviceKeys: 0 });
    return usage.get(keyId)!;
  };
  const files = await db
    .selectFrom('blob_keys')
    .select(['key_id', (eb) => eb.fn.countAll<string>().as('n')])
    .groupBy('key_id')
    .execute();
  for (const row of files) entry(row.key_id).fileKeys = Number(row.n);
  const secrets = await db
    .selectFrom('users')
    .select(['totp_key_id', (eb) => eb.fn.countAll<string>().as('n')])
    .where('totp_secret', 'is not', null)
    .groupBy('totp_key_id')
    .execute();
  for (const row of secrets) entry(row.totp_key_id).twoFactorSecrets = Number(row.n);
  const service = await db
    .selectFrom('service_keys')
    .select(['key_id', (eb) => eb.fn.countAll<string>().as('n')])
    .groupBy('key_id')
    .execute();
  for (const row of service) entry(row.key_id).serviceKeys = Number(row.n);
  return [...usage.values()];
}

/**
 * Refuses to start a node that lacks a master key its data is wrapped under — the old key retired before the
 * rotation finished — rather than serve "file damaged" for every file not yet re-wrapped. Cheap at any size: each
 * probe is an index range scan that finds nothing when all is well.
 */
export async function checkMasterKeysHeld(db: Db, blobKeys: KeyRing): Promise<void> {
  const held = [...blobKeys.heldIds].sort();
  const outside = (column: 'key_id' | 'totp_key_id' | 'service_keys.key_id') => {
    const ref = sql.ref(column);
    const gaps = [sql`${ref} < ${held[0]!}`, sql`${ref} > ${held[held.length - 1]!}`];
    for (let i = 0; i + 1 < held.length; i += 1) gaps.push(sql`(${ref} > ${held[i]!} AND ${ref} < ${held[i + 1]!})`);
    return sql<boolean>`(${sql.join(gaps, sql` OR `)})`;
  };
  const file = await db.selectFrom('blob_keys').select('key_id').where(outside('key_id')).limit(1).executeTakeFirst();
  const secret = await db
    .selectFrom('users')
    .select('totp_key_id')
    .where('totp_secret', 'is not', null)
    .where(outside('totp_key_id'))
    .limit(1)
    .executeTakeFirst();
  const service = await db
    .selectFrom('service_keys')
    .select('service_keys.key_id')
    .where(outside('service_keys.key_id'))
    .limit(1)
    .executeTakeFirst();
  const missing = file?.key_id ?? secret?.totp_key_id ?? service?.key_id;
  if (missing) {
    throw new MasterKeyMissingError(
      `Stored data is wrapped under master key ${missing}, which this node does not hold (it holds ${held.join(', ')}). ` +
        'Set S2S_READ_ONLY_MASTER_KEY to that key until `s2s keys status` shows nothing left under it (docs/keys.md).',
    );
  }
  const legacy = await db
    .selectFrom('blob_keys')
    .select(['blob_id', 'wrapped_key'])
    .where('key_id', 'is', null)
    .limit(1)
    .executeTakeFirst();
  if (legacy) {
    try {
      blobKeys.open(legacy.wrapped_key, `blob:${legacy.blob_id}`);
    } catch {
      throw new MasterKeyMissingError(
        'Stored files were wrapped under a master key this node does not hold: check S2S_MASTER_KEY (and ' +
          'S2S_READ_ONLY_MASTER_KEY during a rotation) against the key the data was written with (docs/keys.md).',
      );
    }
  }
}
