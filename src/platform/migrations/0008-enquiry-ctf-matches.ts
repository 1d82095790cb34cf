/**
 * An enquiry with a UPN is also matched against the CTFs schools have sent: where a missing child's record went.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE enquiry_matches DROP CONSTRAINT enquiry_matches_kind_check`.execute(db);
  await sql`
    ALTER TABLE enquiry_matches ADD CONSTRAINT enquiry_matches_kind_check
      CHECK (kind IN ('repository', 'joiner', 'sent-ctf'))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DELETE FROM enquiry_matches WHERE kind = 'sent-ctf'`.execute(db);
  await sql`ALTER TABLE enquiry_matches DROP CONSTRAINT enquiry_matches_kind_check`.execute(db);
  await sql`
    ALTER TABLE enquiry_matches ADD CONSTRAINT enquiry_matches_kind_check
      CHECK (kind IN ('repository', 'joiner'))`.execute(db);
}
