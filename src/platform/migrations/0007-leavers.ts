/**
 * Pupils leaving a school, and whether their CTF has been sent: the duty is to send it within 15 school days, to the
 * new school or, when the destination is not known or outside the maintained sector, to XXXXXXX or MMMMMMM. To see
 * whether a leaver's CTF has gone, s2s keeps for each CTF a keyed digest of each pupil's UPN (never the UPN itself),
 * so it is no index of children's movements to anyone without the master key.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE leavers (
      id uuid PRIMARY KEY,
      school_laestab text NOT NULL,
      la_code text NOT NULL,
      surname text NOT NULL,
      forename text NOT NULL,
      date_of_birth date NOT NULL,
      sex text CHECK (sex IN ('M', 'F')),
      upn text NOT NULL,
      left_on date NOT NULL,
      destination text NOT NULL CHECK (destination IN ('school', 'unknown', 'outside-maintained-sector')),
      destination_laestab text,
      reason text CHECK (reason IN (
        'moved-address-unknown', 'not-returned', 'independent-school', 'abroad', 'scotland-or-northern-ireland', 'other'
      )),
      reason_note text,
      recorded_by uuid NOT NULL REFERENCES users (id),
      recorded_at timestamptz NOT NULL,
      ctf_due_on date NOT NULL,
      next_reminder_on date,
      ctf_file_id uuid REFERENCES transfer_files (id),
      ctf_sent_to text,
      ctf_sent_at timestamptz,
      CHECK ((destination = 'school') = (destination_laestab IS NOT NULL)),
      CHECK ((destination = 'school') = (reason IS NULL)),
      CHECK ((ctf_file_id IS NULL) = (ctf_sent_at IS NULL))
    )`.execute(db);
  await sql`CREATE UNIQUE INDEX leavers_once ON leavers (school_laestab, upn, left_on)`.execute(db);
  await sql`CREATE INDEX leavers_school ON leavers (school_laestab, recorded_at DESC)`.execute(db);
  await sql`CREATE INDEX leavers_awaiting_ctf ON leavers (school_laestab, upn) WHERE ctf_file_id IS NULL`.execute(db);
  await sql`CREATE INDEX leavers_la ON leavers (la_code, left_on)`.execute(db);
  await sql`CREATE INDEX leavers_reminders ON leavers (next_reminder_on) WHERE ctf_file_id IS NULL`.execute(db);

  await sql`
    CREATE TABLE ctf_pupils_sent (
      file_id uuid NOT NULL REFERENCES transfer_files (id),
      source_laestab text NOT NULL,
      upn_digest bytea NOT NULL,
      sent_at timestamptz NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX ctf_pupils_sent_lookup ON ctf_pupils_sent (source_laestab, upn_digest)`.execute(db);
  await sql`CREATE INDEX ctf_pupils_sent_age ON ctf_pupils_sent (sent_at)`.execute(db);

  await sql`ALTER TABLE cme_cases ADD COLUMN leaver_id uuid REFERENCES leavers (id)`.execute(db);
  await sql`ALTER TABLE cme_cases DROP CONSTRAINT cme_cases_source_check`.execute(db);
  await sql`
    ALTER TABLE cme_cases ADD CONSTRAINT cme_cases_source_check
      CHECK (source IN ('enquiry', 'new-pupil', 'by-hand', 'leaver'))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DELETE FROM cme_cases WHERE source = 'leaver'`.execute(db);
  await sql`ALTER TABLE cme_cases DROP CONSTRAINT cme_cases_source_check`.execute(db);
  await sql`
    ALTER TABLE cme_cases ADD CONSTRAINT cme_cases_source_check
      CHECK (source IN ('enquiry', 'new-pupil', 'by-hand'))`.execute(db);
  await sql`ALTER TABLE cme_cases DROP COLUMN leaver_id`.execute(db);
  await sql`DROP TABLE ctf_pupils_sent`.execute(db);
  await sql`DROP TABLE leavers`.execute(db);
}
