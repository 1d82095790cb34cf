/**
 * An LA administrator may send an enquiry waiting for approval back to its officer, with a reason, rather than only
 * approve it: the enquiry is a draft again, and the officer reads why.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE enquiries ADD COLUMN sent_back_reason text`.execute(db);
  await sql`ALTER TABLE enquiries ADD COLUMN sent_back_at timestamptz`.execute(db);
  await sql`ALTER TABLE enquiries ADD COLUMN sent_back_by uuid REFERENCES users (id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE enquiries DROP COLUMN sent_back_by`.execute(db);
  await sql`ALTER TABLE enquiries DROP COLUMN sent_back_at`.execute(db);
  await sql`ALTER TABLE enquiries DROP COLUMN sent_back_reason`.execute(db);
}
