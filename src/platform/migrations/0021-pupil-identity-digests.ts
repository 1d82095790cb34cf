/**
 * A UPN that arrives with another name or date of birth than s2s saw with it before is worth a warning: one of the
 * two files may be for the wrong child. Beside each sent pupil's keyed UPN digest, a keyed digest of who the pupil
 * is (surname and date of birth, normalised), so the two can be compared without either being readable; pupils sent
 * before this have none, and are not compared. A file carries what was found on arrival (`cautions`), for both ends.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE ctf_pupils_sent ADD COLUMN identity_digest bytea`.execute(db);
  // The comparison looks a UPN up whoever sent it; the existing index leads with the sending school.
  await sql`CREATE INDEX ctf_pupils_sent_upn ON ctf_pupils_sent (upn_digest)`.execute(db);
  await sql`ALTER TABLE transfer_files ADD COLUMN cautions jsonb NOT NULL DEFAULT '[]'::jsonb`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE transfer_files DROP COLUMN cautions`.execute(db);
  await sql`DROP INDEX ctf_pupils_sent_upn`.execute(db);
  await sql`ALTER TABLE ctf_pupils_sent DROP COLUMN identity_digest`.execute(db);
}
