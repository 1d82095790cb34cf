/**
 * Master-key rotation. Every wrapped data key and sealed TOTP secret records the id of the master key it is wrapped
 * under (NULL for rows written before ids were kept: a reader tries each key it holds), so a rotation can find what
 * is left to re-wrap through an index and a node can tell at start whether it holds every key its data needs. The
 * audit chain's key, the UPN digest key and the CSRF key become stored service keys, sealed under the master key,
 * because what they protect (a chain, digests, live forms) must outlive any one master key.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE blob_keys ADD COLUMN key_id text`.execute(db);
  await sql`CREATE INDEX blob_keys_key_id ON blob_keys (key_id)`.execute(db);
  await sql`ALTER TABLE users ADD COLUMN totp_key_id text`.execute(db);
  await sql`
    CREATE TABLE service_keys (
      purpose text PRIMARY KEY CHECK (purpose IN ('csrf', 'audit-chain', 'sent-ctf-pupils')),
      key_id text NOT NULL,
      sealed bytea NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE service_keys`.execute(db);
  await sql`ALTER TABLE users DROP COLUMN totp_key_id`.execute(db);
  await sql`DROP INDEX blob_keys_key_id`.execute(db);
  await sql`ALTER TABLE blob_keys DROP COLUMN key_id`.execute(db);
}
