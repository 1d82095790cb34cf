/**
 * What needs doing, and nothing twice: an LA administrator marks a search alert reviewed (who, when), and a notice
 * repeated while the first is still unread is counted on it (`repeats`) rather than added again.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of ['repository_search_alerts', 'probing_alerts']) {
    await sql`ALTER TABLE ${sql.table(table)} ADD COLUMN reviewed_at timestamptz`.execute(db);
    await sql`ALTER TABLE ${sql.table(table)} ADD COLUMN reviewed_by uuid REFERENCES users (id)`.execute(db);
  }
  await sql`ALTER TABLE notifications ADD COLUMN repeats integer NOT NULL DEFAULT 1`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE notifications DROP COLUMN repeats`.execute(db);
  for (const table of ['repository_search_alerts', 'probing_alerts']) {
    await sql`ALTER TABLE ${sql.table(table)} DROP COLUMN reviewed_by`.execute(db);
    await sql`ALTER TABLE ${sql.table(table)} DROP COLUMN reviewed_at`.execute(db);
  }
}
