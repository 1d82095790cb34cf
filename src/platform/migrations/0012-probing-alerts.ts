/**
 * Repeated refusals by id (a 403 or 404 on a route that names something by id) are counted per user and UTC day in
 * the same one-row-per-window budget as lookups, and raise one probing flag a day for the user's LA administrators:
 * the key on user and day makes a second flag that day impossible, however many refusals arrive together.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE lookup_budgets DROP CONSTRAINT lookup_budgets_span_check`.execute(db);
  await sql`
    ALTER TABLE lookup_budgets ADD CONSTRAINT lookup_budgets_span_check
      CHECK (span IN ('minute', 'day', 'refused-by-id-day'))`.execute(db);
  await sql`
    CREATE TABLE probing_alerts (
      id uuid PRIMARY KEY,
      la_code text NOT NULL,
      user_id uuid NOT NULL REFERENCES users (id),
      org_code text NOT NULL,
      refusals integer NOT NULL,
      raised_at timestamptz NOT NULL,
      day date NOT NULL,
      UNIQUE (user_id, day)
    )`.execute(db);
  await sql`CREATE INDEX probing_alerts_la ON probing_alerts (la_code, raised_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE probing_alerts`.execute(db);
  await sql`DELETE FROM lookup_budgets WHERE span = 'refused-by-id-day'`.execute(db);
  await sql`ALTER TABLE lookup_budgets DROP CONSTRAINT lookup_budgets_span_check`.execute(db);
  await sql`ALTER TABLE lookup_budgets ADD CONSTRAINT lookup_budgets_span_check CHECK (span IN ('minute', 'day'))`.execute(
    db,
  );
}
