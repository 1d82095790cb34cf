/**
 * Search keys hold sound codes of at most a bounded length (`maxSoundCodeLength`), so that no name can make a key
 * too large for its index. Records written before have their keys recomputed when any key is longer than that: a
 * search now cuts its codes the same way, and would miss a record whose key kept the whole code.
 */
import { sql, type Kysely } from 'kysely';
import { maxSearchKeyLength, recordSearchKeys } from '../../repository/search-keys.js';

interface NamesRow {
  id: string;
  surname: string | null;
  forename: string | null;
  middle_names: string | null;
  preferred_surname: string | null;
  preferred_forename: string | null;
  former_surname: string | null;
  former_forename: string | null;
  date_of_birth: string | null;
}

export async function up(db: Kysely<unknown>): Promise<void> {
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const rows = await sql<NamesRow>`
      SELECT id, surname, forename, middle_names, preferred_surname, preferred_forename, former_surname,
             former_forename, date_of_birth::text AS date_of_birth
      FROM repository_records
      WHERE id > ${after}::uuid
        AND EXISTS (SELECT 1 FROM unnest(search_keys) AS k WHERE length(k) > ${maxSearchKeyLength})
      ORDER BY id LIMIT 1000`.execute(db);
    for (const row of rows.rows) {
      const keys = recordSearchKeys(
        {
          surname: row.surname,
          forename: row.forename,
          middleNames: row.middle_names,
          preferredSurname: row.preferred_surname,
          preferredForename: row.preferred_forename,
          formerSurname: row.former_surname,
          formerForename: row.former_forename,
        },
        row.date_of_birth,
      );
      await sql`UPDATE repository_records SET search_keys = ${keys}::text[] WHERE id = ${row.id}`.execute(db);
    }
    const last = rows.rows.at(-1);
    if (!last) return;
    after = last.id;
  }
}

export async function down(): Promise<void> {
  // Bounded keys still find every record the whole codes found; there is nothing to put back.
}
