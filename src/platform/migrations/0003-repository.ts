/**
 * The unknown-destination repository's search: keys that find a record despite a mistyped date of birth, indexes
 * for every way a search starts (UPN, former UPN, date of birth, keys), who was shown which record, who opened it
 * and why, when a child was found, and the flags raised when a user searches unusually often.
 */
import { sql, type Kysely } from 'kysely';
import { recomputeSearchKeys } from './search-key-backfill.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE repository_records
      ADD COLUMN search_keys text[] NOT NULL DEFAULT '{}',
      ADD COLUMN found_at timestamptz,
      ADD COLUMN found_by uuid,
      ADD COLUMN found_by_org_code text,
      ADD COLUMN found_outcome text CHECK (found_outcome IN ('enrolled', 'known-elsewhere')),
      ADD COLUMN found_laestab text,
      ADD COLUMN found_note text`.execute(db);
  // Records written before this migration get their keys here.
  await recomputeSearchKeys(db);
  // fastupdate off: with it on, new entries wait in a pending list that every search scans in full until a vacuum
  // merges it; records arrive a few a second at most, so paying at insert keeps every search fast.
  await sql`
    CREATE INDEX repository_records_keys ON repository_records USING gin (search_keys)
    WITH (fastupdate = off) WHERE status = 'active'`.execute(db);
  await sql`CREATE INDEX repository_records_dob ON repository_records (date_of_birth) WHERE status = 'active'`.execute(
    db,
  );
  await sql`
    CREATE INDEX repository_records_former_upns ON repository_records USING gin (former_upns)
    WITH (fastupdate = off)`.execute(db);
  await sql`CREATE INDEX repository_records_left_la ON repository_records (left_la_code, status)`.execute(db);

  await sql`
    CREATE TABLE repository_searches (
      id uuid PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users (id),
      org_code text NOT NULL,
      la_code text,
      searched_at timestamptz NOT NULL,
      results integer NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX repository_searches_user ON repository_searches (user_id, searched_at)`.execute(db);

  // A record may be opened only by someone it was shown to: one row per user and record, refreshed when shown again.
  await sql`
    CREATE TABLE repository_disclosures (
      user_id uuid NOT NULL REFERENCES users (id),
      record_id uuid NOT NULL REFERENCES repository_records (id),
      search_id uuid NOT NULL REFERENCES repository_searches (id),
      shown_at timestamptz NOT NULL,
      PRIMARY KEY (user_id, record_id)
    )`.execute(db);

  await sql`
    CREATE TABLE repository_openings (
      id uuid PRIMARY KEY,
      record_id uuid NOT NULL REFERENCES repository_records (id),
      user_id uuid NOT NULL REFERENCES users (id),
      org_code text NOT NULL,
      reason text NOT NULL,
      opened_at timestamptz NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX repository_openings_record ON repository_openings (record_id, user_id)`.execute(db);

  await sql`
    CREATE TABLE repository_search_alerts (
      id uuid PRIMARY KEY,
      la_code text NOT NULL,
      user_id uuid NOT NULL REFERENCES users (id),
      org_code text NOT NULL,
      searches integer NOT NULL,
      raised_at timestamptz NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX repository_search_alerts_la ON repository_search_alerts (la_code, raised_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'repository_search_alerts',
    'repository_openings',
    'repository_disclosures',
    'repository_searches',
  ]) {
    await sql`DROP TABLE IF EXISTS ${sql.table(table)}`.execute(db);
  }
  await sql`
    ALTER TABLE repository_records
      DROP COLUMN search_keys, DROP COLUMN found_at, DROP COLUMN found_by, DROP COLUMN found_by_org_code,
      DROP COLUMN found_outcome, DROP COLUMN found_laestab, DROP COLUMN found_note`.execute(db);
}
