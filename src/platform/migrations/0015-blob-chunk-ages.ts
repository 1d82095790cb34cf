/**
 * Body rows in PostgreSQL record when they were written, so that housekeeping can tell the rows of an upload still
 * in progress (whose key row is written last) from those a crash left behind with no key row at all.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // now() is evaluated once for the rows already there: adding the column rewrites nothing.
  await sql`ALTER TABLE blob_chunks ADD COLUMN created_at timestamptz NOT NULL DEFAULT now()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE blob_chunks DROP COLUMN created_at`.execute(db);
}
