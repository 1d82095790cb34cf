/**
 * Missing-pupil enquiries between LAs, sent only to chosen LAs with a reason each; the likely matches s2s found
 * for each enquiry (in the repository and among new pupils, when it was made and whenever one arrives later); and
 * the in-service notifications that tell people what needs them.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE enquiries (
      id uuid PRIMARY KEY,
      la_code text NOT NULL,
      officer_id uuid NOT NULL REFERENCES users (id),
      surname text NOT NULL,
      forename text NOT NULL,
      date_of_birth date NOT NULL,
      sex text CHECK (sex IN ('M', 'F')),
      upn text,
      last_address text NOT NULL,
      concern text NOT NULL,
      state text NOT NULL CHECK (state IN ('draft', 'awaiting-approval', 'sent', 'closed')),
      created_at timestamptz NOT NULL,
      sent_at timestamptz,
      approved_by uuid REFERENCES users (id),
      closed_at timestamptz,
      outcome text CHECK (outcome IN ('found-in-school', 'found-elsewhere', 'not-found', 'other')),
      outcome_note text
    )`.execute(db);
  await sql`CREATE INDEX enquiries_la ON enquiries (la_code, created_at DESC)`.execute(db);
  await sql`CREATE INDEX enquiries_open_dob ON enquiries (date_of_birth) WHERE state <> 'closed'`.execute(db);

  await sql`
    CREATE TABLE enquiry_recipients (
      enquiry_id uuid NOT NULL REFERENCES enquiries (id),
      la_code text NOT NULL,
      reason text NOT NULL,
      sent_at timestamptz,
      answer text CHECK (answer IN ('known', 'not-known', 'checking')),
      answer_detail text,
      answered_by uuid REFERENCES users (id),
      answered_at timestamptz,
      PRIMARY KEY (enquiry_id, la_code)
    )`.execute(db);
  await sql`CREATE INDEX enquiry_recipients_la ON enquiry_recipients (la_code) WHERE sent_at IS NOT NULL`.execute(db);

  await sql`
    CREATE TABLE enquiry_matches (
      enquiry_id uuid NOT NULL REFERENCES enquiries (id),
      kind text NOT NULL CHECK (kind IN ('repository', 'joiner')),
      ref_id uuid NOT NULL,
      score integer NOT NULL,
      reasons text[] NOT NULL,
      found_at timestamptz NOT NULL,
      PRIMARY KEY (enquiry_id, kind, ref_id)
    )`.execute(db);

  await sql`
    CREATE TABLE notifications (
      id uuid PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users (id),
      kind text NOT NULL,
      message text NOT NULL,
      link text NOT NULL,
      created_at timestamptz NOT NULL,
      read_at timestamptz
    )`.execute(db);
  await sql`CREATE INDEX notifications_user ON notifications (user_id, created_at DESC)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['notifications', 'enquiry_matches', 'enquiry_recipients', 'enquiries'])
    await sql`DROP TABLE ${sql.table(table)}`.execute(db);
}
