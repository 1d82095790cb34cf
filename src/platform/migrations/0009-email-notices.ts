/**
 * Email notices: each notification is also an entry in an outbox, emailed (to a user with several, in one email)
 * when SMTP is configured and marked off when it is not, so the pending ones are always few.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE notifications
      ADD COLUMN email_state text NOT NULL DEFAULT 'pending'
        CHECK (email_state IN ('pending', 'sending', 'sent', 'failed', 'off')),
      ADD COLUMN email_attempts integer NOT NULL DEFAULT 0,
      ADD COLUMN email_claimed_at timestamptz`.execute(db);
  await sql`
    CREATE INDEX notifications_email_outbox ON notifications (created_at)
      WHERE email_state IN ('pending', 'sending')`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX notifications_email_outbox`.execute(db);
  await sql`
    ALTER TABLE notifications DROP COLUMN email_state, DROP COLUMN email_attempts, DROP COLUMN email_claimed_at`.execute(
    db,
  );
}
