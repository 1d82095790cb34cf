/**
 * One budget of lookups per user, whatever path a lookup comes by (repository search, a new pupil's registration,
 * an enquiry, a check of a UPN against CTFs sent): each window's count is one row, so that counting a lookup and
 * admitting it is one upsert that every node and session share. The unusual-volume flag is keyed by user and day,
 * so that it is raised once a day however many lookups arrive together.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE lookup_budgets (
      user_id uuid NOT NULL REFERENCES users (id),
      span text NOT NULL CHECK (span IN ('minute', 'day')),
      window_start timestamptz NOT NULL,
      count integer NOT NULL,
      PRIMARY KEY (user_id, span)
    )`.execute(db);

  await sql`ALTER TABLE repository_search_alerts ADD COLUMN day date`.execute(db);
  // A user flagged twice on one day before this key existed keeps both flags: the later ones stay without a day.
  await sql`
    UPDATE repository_search_alerts a SET day = (a.raised_at AT TIME ZONE 'UTC')::date
    FROM (
      SELECT DISTINCT ON (user_id, (raised_at AT TIME ZONE 'UTC')::date) id
      FROM repository_search_alerts
      ORDER BY user_id, (raised_at AT TIME ZONE 'UTC')::date, raised_at, id
    ) first
    WHERE a.id = first.id`.execute(db);
  await sql`
    CREATE UNIQUE INDEX repository_search_alerts_user_day ON repository_search_alerts (user_id, day)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX repository_search_alerts_user_day`.execute(db);
  await sql`ALTER TABLE repository_search_alerts DROP COLUMN day`.execute(db);
  await sql`DROP TABLE lookup_budgets`.execute(db);
}
