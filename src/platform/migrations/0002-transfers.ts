/**
 * Transfers: files sent between organisations, every download of them, the unknown-destination repository's
 * one-record-per-pupil rows, idempotency keys for retried uploads, and the jobs table that bulk work is queued on.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE transfer_files (
      id uuid PRIMARY KEY,
      blob_id uuid NOT NULL,
      file_name text NOT NULL,
      file_type text NOT NULL CHECK (file_type IN ('CTF', 'ATF', 'census', 'generic')),
      source_code text NOT NULL,
      sender_user_id uuid NOT NULL,
      sender_org_kind text NOT NULL,
      sender_org_code text NOT NULL,
      sender_la_code text,
      destination_code text NOT NULL,
      destination_kind text NOT NULL CHECK (destination_kind IN ('school', 'la', 'unknown', 'outside-maintained-sector')),
      recipient_org_kind text CHECK (recipient_org_kind IN ('school', 'la')),
      recipient_org_code text,
      recipient_la_code text,
      redirected_from text,
      pupils integer NOT NULL,
      size bigint NOT NULL,
      sha256 text NOT NULL,
      layout jsonb,
      status text NOT NULL CHECK (status IN ('delivered', 'in-repository', 'removed', 'expired')),
      received_at timestamptz NOT NULL,
      collected_at timestamptz,
      collected_by uuid,
      removed_at timestamptz,
      removed_by uuid,
      expires_at timestamptz NOT NULL,
      purged_at timestamptz
    )`.execute(db);
  await sql`CREATE INDEX transfer_files_inbox ON transfer_files (recipient_org_code, status, received_at DESC)`.execute(
    db,
  );
  await sql`CREATE INDEX transfer_files_recipient_la ON transfer_files (recipient_la_code, status, received_at DESC)`.execute(
    db,
  );
  await sql`CREATE INDEX transfer_files_sent ON transfer_files (sender_org_code, received_at DESC)`.execute(db);
  // The same bytes from the same sender to the same destination are held once while they are live.
  await sql`
    CREATE UNIQUE INDEX transfer_files_duplicates ON transfer_files (sender_org_code, destination_code, sha256)
    WHERE status IN ('delivered', 'in-repository')`.execute(db);
  await sql`CREATE INDEX transfer_files_expiry ON transfer_files (expires_at) WHERE purged_at IS NULL`.execute(db);

  await sql`
    CREATE TABLE transfer_downloads (
      file_id uuid NOT NULL REFERENCES transfer_files (id),
      user_id uuid NOT NULL,
      org_code text NOT NULL,
      at timestamptz NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX transfer_downloads_file ON transfer_downloads (file_id, at)`.execute(db);

  await sql`
    CREATE TABLE repository_records (
      id uuid PRIMARY KEY,
      file_id uuid NOT NULL REFERENCES transfer_files (id),
      pupil_index integer NOT NULL,
      byte_start bigint NOT NULL,
      byte_end bigint NOT NULL,
      upn text,
      former_upns text[] NOT NULL DEFAULT '{}',
      uln text,
      surname text,
      forename text,
      middle_names text,
      preferred_surname text,
      preferred_forename text,
      former_surname text,
      former_forename text,
      date_of_birth date,
      sex text,
      postcode text,
      left_laestab text,
      left_la_code text,
      left_school_name text,
      left_on date,
      uploaded_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'found', 'expired'))
    )`.execute(db);
  await sql`CREATE INDEX repository_records_file ON repository_records (file_id)`.execute(db);
  await sql`CREATE INDEX repository_records_upn ON repository_records (upn)`.execute(db);
  await sql`CREATE INDEX repository_records_expiry ON repository_records (expires_at) WHERE status <> 'expired'`.execute(
    db,
  );

  await sql`
    CREATE TABLE idempotency_keys (
      user_id uuid NOT NULL,
      key text NOT NULL,
      fingerprint text,
      status_code integer,
      response jsonb,
      created_at timestamptz NOT NULL,
      PRIMARY KEY (user_id, key)
    )`.execute(db);

  await sql`
    CREATE TABLE jobs (
      id uuid PRIMARY KEY,
      kind text NOT NULL,
      org_code text NOT NULL,
      payload jsonb NOT NULL,
      state text NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
      attempts integer NOT NULL DEFAULT 0,
      result jsonb,
      error text,
      created_at timestamptz NOT NULL,
      started_at timestamptz,
      finished_at timestamptz,
      lease_until timestamptz
    )`.execute(db);
  await sql`CREATE INDEX jobs_queued ON jobs (state, created_at)`.execute(db);

  // One row per finished item of a bulk job, so a job taken over after a crash resumes where it stopped.
  await sql`
    CREATE TABLE job_items (
      job_id uuid NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
      seq integer NOT NULL,
      result jsonb NOT NULL,
      PRIMARY KEY (job_id, seq)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'job_items',
    'jobs',
    'idempotency_keys',
    'repository_records',
    'transfer_downloads',
    'transfer_files',
  ]) {
    await sql`DROP TABLE IF EXISTS ${sql.table(table)}`.execute(db);
  }
}
