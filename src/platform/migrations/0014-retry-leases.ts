/**
 * Retries that survive a crash. An upload's Idempotency-Key claim names its owner and holds a short lease that the
 * owner renews while it works, so a claim left by a process that died can be taken over within seconds instead of
 * blocking its key for a day. A file records whether its sender has been sent the answer for it, so a file stored
 * by a request whose answer never went out is reported as delivered when it is sent again, not refused.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE idempotency_keys ADD COLUMN owner text`.execute(db);
  await sql`ALTER TABLE idempotency_keys ADD COLUMN lease_expires_at timestamptz`.execute(db);
  // Files stored before this were answered as far as anyone can tell: their resends stay refused as duplicates.
  await sql`ALTER TABLE transfer_files ADD COLUMN acknowledged boolean NOT NULL DEFAULT true`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE transfer_files DROP COLUMN acknowledged`.execute(db);
  await sql`ALTER TABLE idempotency_keys DROP COLUMN lease_expires_at`.execute(db);
  await sql`ALTER TABLE idempotency_keys DROP COLUMN owner`.execute(db);
}
