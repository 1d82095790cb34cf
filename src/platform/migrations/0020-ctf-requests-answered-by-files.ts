/**
 * A request for a new pupil's CTF is answered by the file, not by a click: the previous school's "sent" is kept as
 * what it says, and the search passes to the LA when the CTF it announced does not arrive (`sent-not-received`). A
 * new pupil whose details strongly match a record in the unknown-destination repository waits for the school to look
 * at the match before the search passes to the LA (`match_review`: the record's id, and when the school decided).
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE joiners DROP CONSTRAINT joiners_with_la_reason_check`.execute(db);
  await sql`
    ALTER TABLE joiners ADD CONSTRAINT joiners_with_la_reason_check
      CHECK (with_la_reason IN ('no-previous-school', 'unanswered', 'no-record', 'sent-not-received'))`.execute(db);
  await sql`ALTER TABLE ctf_requests ADD COLUMN arrival_due_on date`.execute(db);
  await sql`ALTER TABLE joiners ADD COLUMN match_record_id uuid`.execute(db);
  await sql`ALTER TABLE joiners ADD COLUMN match_reviewed_at timestamptz`.execute(db);
  await sql`
    ALTER TABLE joiners ADD COLUMN match_verdict text CHECK (match_verdict IN ('same-child', 'not-this-child'))`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE joiners DROP COLUMN match_verdict`.execute(db);
  await sql`ALTER TABLE joiners DROP COLUMN match_reviewed_at`.execute(db);
  await sql`ALTER TABLE joiners DROP COLUMN match_record_id`.execute(db);
  await sql`ALTER TABLE ctf_requests DROP COLUMN arrival_due_on`.execute(db);
  await sql`UPDATE joiners SET with_la_reason = 'unanswered' WHERE with_la_reason = 'sent-not-received'`.execute(db);
  await sql`ALTER TABLE joiners DROP CONSTRAINT joiners_with_la_reason_check`.execute(db);
  await sql`
    ALTER TABLE joiners ADD CONSTRAINT joiners_with_la_reason_check
      CHECK (with_la_reason IN ('no-previous-school', 'unanswered', 'no-record'))`.execute(db);
}
