/**
 * New pupils who arrived without a CTF, and the requests s2s sends for their records: to the previous school when
 * it is known, to the school's LA when it is not, when the request goes unanswered or when the previous school holds
 * no record.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE joiners (
      id uuid PRIMARY KEY,
      school_laestab text NOT NULL,
      la_code text NOT NULL,
      surname text NOT NULL,
      forename text NOT NULL,
      date_of_birth date NOT NULL,
      sex text CHECK (sex IN ('M', 'F')),
      upn text,
      previous_laestab text,
      joined_on date NOT NULL,
      registered_by uuid NOT NULL REFERENCES users (id),
      registered_at timestamptz NOT NULL,
      state text NOT NULL CHECK (state IN ('seeking', 'received', 'with-la')),
      with_la_reason text CHECK (with_la_reason IN ('no-previous-school', 'unanswered', 'no-record')),
      with_la_at timestamptz,
      ctf_file_id uuid REFERENCES transfer_files (id),
      received_at timestamptz
    )`.execute(db);
  await sql`CREATE INDEX joiners_school ON joiners (school_laestab, registered_at DESC)`.execute(db);
  await sql`CREATE INDEX joiners_la ON joiners (la_code, state)`.execute(db);

  await sql`
    CREATE TABLE ctf_requests (
      id uuid PRIMARY KEY,
      joiner_id uuid NOT NULL REFERENCES joiners (id),
      requesting_laestab text NOT NULL,
      holder_laestab text NOT NULL,
      requested_at timestamptz NOT NULL,
      due_on date NOT NULL,
      answered_at timestamptz,
      answered_by uuid REFERENCES users (id),
      answer text CHECK (answer IN ('sent', 'no-record')),
      file_id uuid REFERENCES transfer_files (id),
      note text,
      CHECK ((answered_at IS NULL) = (answer IS NULL))
    )`.execute(db);
  await sql`CREATE INDEX ctf_requests_open ON ctf_requests (holder_laestab, due_on) WHERE answered_at IS NULL`.execute(
    db,
  );
  await sql`CREATE UNIQUE INDEX ctf_requests_joiner ON ctf_requests (joiner_id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE ctf_requests`.execute(db);
  await sql`DROP TABLE joiners`.execute(db);
}
