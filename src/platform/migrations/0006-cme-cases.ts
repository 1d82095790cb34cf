/**
 * Each LA's register of children missing education: when each child was last in education and identified as
 * missing it, where the case came from, and how it ended. The figures DfE could not give in 2012 come from here.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE cme_cases (
      id uuid PRIMARY KEY,
      la_code text NOT NULL,
      opened_by uuid NOT NULL REFERENCES users (id),
      opened_at timestamptz NOT NULL,
      source text NOT NULL CHECK (source IN ('enquiry', 'new-pupil', 'by-hand')),
      enquiry_id uuid REFERENCES enquiries (id),
      surname text NOT NULL,
      forename text NOT NULL,
      date_of_birth date NOT NULL,
      sex text CHECK (sex IN ('M', 'F')),
      upn text,
      last_in_education_on date NOT NULL,
      identified_on date NOT NULL,
      state text NOT NULL CHECK (state IN ('open', 'closed')),
      outcome text CHECK (outcome IN ('back-in-school', 'educated-otherwise', 'left-the-area', 'other')),
      resolved_on date,
      outcome_note text,
      CHECK ((state = 'closed') = (outcome IS NOT NULL AND resolved_on IS NOT NULL))
    )`.execute(db);
  await sql`CREATE INDEX cme_cases_la ON cme_cases (la_code, identified_on)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE cme_cases`.execute(db);
}
