/**
 * Browser sessions, kept in the database so that any node can serve any request. The cookie holds a random
 * id; the database holds only its hash. A session ends after 30 idle minutes or 12 hours, whichever is first,
 * and a new id is issued at every step of sign-in so that a planted id is never promoted.
 */
import type { Db } from '../platform/database.js';
import { randomToken, sha256Hex } from '../platform/keys.js';
import type { Session } from '../platform/web/fastify-types.js';

export interface SessionPolicy {
  idleMinutes: number;
  maxHours: number;
}

export async function startSession(
  db: Db,
  now: Date,
  userId: string,
  stage: Session['stage'],
  sourceIp: string | null,
  pendingTotpSecret: Buffer | null = null,
): Promise<string> {
  const id = randomToken();
  await db
    .insertInto('sessions')
    .values({
      id_hash: sha256Hex(id),
      user_id: userId,
      stage,
      pending_totp_secret: pendingTotpSecret,
      created_at: now,
      last_seen_at: now,
      source_ip: sourceIp,
    })
    .execute();
  return id;
}

/** Finds a live session and marks it seen; an expired one is deleted and treated as absent. */
export async function touchSession(db: Db, now: Date, id: string, policy: SessionPolicy): Promise<Session | undefined> {
  if (id.length < 20 || id.length > 100) return undefined;
  const idHash = sha256Hex(id);
  const row = await db.selectFrom('sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
  if (!row) return undefined;
  const created = new Date(row.created_at).getTime();
  const seen = new Date(row.last_seen_at).getTime();
  if (now.getTime() - seen > policy.idleMinutes * 60_000 || now.getTime() - created > policy.maxHours * 3_600_000) {
    await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
    return undefined;
  }
  // Writing on every request would turn reads into writes; a minute's precision is enough for the idle limit.
  if (now.getTime() - seen > 60_000) {
    await db.updateTable('sessions').set({ last_seen_at: now }).where('id_hash', '=', idHash).execute();
  }
  return {
    idHash,
    userId: row.user_id,
    stage: row.stage,
    pendingTotpSecret: row.pending_totp_secret,
    createdAt: new Date(row.created_at),
  };
}

export async function endSession(db: Db, idHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
}

export async function purgeExpiredSessions(db: Db, now: Date, policy: SessionPolicy): Promise<number> {
  const result = await db
    .deleteFrom('sessions')
    .where((eb) =>
      eb.or([
        eb('last_seen_at', '<', new Date(now.getTime() - policy.idleMinutes * 60_000)),
        eb('created_at', '<', new Date(now.getTime() - policy.maxHours * 3_600_000)),
      ]),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
