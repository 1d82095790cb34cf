/**
 * The foundation schema: establishment register, identity (users, sessions, tokens), the audit chain,
 * encrypted blob keys and bodies, and shared rate-limit counters. Plain SQL so that it reads the same on
 * PostgreSQL and PGlite.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE EXTENSION IF NOT EXISTS pg_trgm`.execute(db);
  await sql`CREATE EXTENSION IF NOT EXISTS fuzzystrmatch`.execute(db);

  await sql`
    CREATE TABLE local_authorities (
      code text PRIMARY KEY CHECK (code ~ '^[0-9]{3}$'),
      name text NOT NULL,
      nation text NOT NULL CHECK (nation IN ('england', 'wales')),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  await sql`
    CREATE TABLE establishments (
      laestab text PRIMARY KEY CHECK (laestab ~ '^[0-9]{7}$'),
      urn text UNIQUE,
      la_code text NOT NULL REFERENCES local_authorities (code),
      establishment_number text NOT NULL,
      name text NOT NULL,
      type_code text NOT NULL DEFAULT '',
      type_name text NOT NULL DEFAULT '',
      type_group text NOT NULL DEFAULT '',
      phase text NOT NULL DEFAULT '',
      status text NOT NULL,
      open_date date,
      close_date date,
      street text NOT NULL DEFAULT '',
      town text NOT NULL DEFAULT '',
      postcode text NOT NULL DEFAULT '',
      previous_laestab text,
      ukprn text,
      last_changed date,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX establishments_name_trgm ON establishments USING gin (lower(name) gin_trgm_ops)`.execute(db);
  await sql`CREATE INDEX establishments_previous ON establishments (previous_laestab)`.execute(db);
  await sql`CREATE INDEX establishments_la ON establishments (la_code)`.execute(db);

  await sql`
    CREATE TABLE users (
      id uuid PRIMARY KEY,
      email text NOT NULL,
      name text NOT NULL,
      org_kind text NOT NULL CHECK (org_kind IN ('dfe', 'la', 'school')),
      org_code text NOT NULL,
      la_code text,
      role text NOT NULL CHECK (role IN ('school-user', 'la-user', 'la-admin', 'dfe-admin')),
      status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
      password_hash text,
      totp_secret bytea,
      totp_enrolled_at timestamptz,
      totp_last_step bigint,
      failed_sign_ins integer NOT NULL DEFAULT 0,
      locked_until timestamptz,
      setup_token_hash text UNIQUE,
      setup_expires_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      created_by uuid,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE UNIQUE INDEX users_email ON users (lower(email))`.execute(db);
  await sql`CREATE INDEX users_org ON users (org_kind, org_code)`.execute(db);
  await sql`CREATE INDEX users_la ON users (la_code)`.execute(db);

  await sql`
    CREATE TABLE sessions (
      id_hash text PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      stage text NOT NULL CHECK (stage IN ('two-factor', 'enrol', 'active')),
      pending_totp_secret bytea,
      created_at timestamptz NOT NULL,
      last_seen_at timestamptz NOT NULL,
      source_ip text
    )`.execute(db);
  await sql`CREATE INDEX sessions_user ON sessions (user_id)`.execute(db);

  await sql`
    CREATE TABLE api_tokens (
      id uuid PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      label text NOT NULL,
      token_hash text NOT NULL UNIQUE,
      prefix text NOT NULL,
      created_at timestamptz NOT NULL,
      last_used_at timestamptz,
      revoked_at timestamptz
    )`.execute(db);
  await sql`CREATE INDEX api_tokens_user ON api_tokens (user_id)`.execute(db);

  await sql`
    CREATE TABLE audit_events (
      seq bigint PRIMARY KEY,
      at timestamptz NOT NULL,
      actor_user_id uuid,
      actor_email text,
      actor_role text,
      org_kind text,
      org_code text,
      la_code text,
      action text NOT NULL,
      outcome text NOT NULL CHECK (outcome IN ('success', 'failure', 'denied')),
      target_kind text,
      target_id text,
      source_ip text,
      details jsonb NOT NULL DEFAULT '{}',
      prev_hash text NOT NULL,
      hash text NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX audit_events_la ON audit_events (la_code, seq DESC)`.execute(db);
  await sql`CREATE INDEX audit_events_action ON audit_events (action, seq DESC)`.execute(db);
  await sql`CREATE INDEX audit_events_actor ON audit_events (actor_user_id, seq DESC)`.execute(db);

  await sql`
    CREATE TABLE blob_keys (
      blob_id uuid PRIMARY KEY,
      wrapped_key bytea NOT NULL,
      store text NOT NULL CHECK (store IN ('fs', 'postgres')),
      size bigint,
      sha256 text,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  await sql`
    CREATE TABLE blob_chunks (
      blob_id uuid NOT NULL,
      seq integer NOT NULL,
      data bytea NOT NULL,
      PRIMARY KEY (blob_id, seq)
    )`.execute(db);

  await sql`
    CREATE TABLE rate_limits (
      key text PRIMARY KEY,
      window_start timestamptz NOT NULL,
      count integer NOT NULL
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'rate_limits',
    'blob_chunks',
    'blob_keys',
    'audit_events',
    'api_tokens',
    'sessions',
    'users',
    'establishments',
    'local_authorities',
  ]) {
    await sql`DROP TABLE IF EXISTS ${sql.table(table)}`.execute(db);
  }
}
