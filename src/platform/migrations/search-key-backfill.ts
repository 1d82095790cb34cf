/**
 * Recomputes repository records' search keys from their names and date of birth, a batch at a time in id order:
 * for the migrations that change how keys are made. Shared by them, so it must keep giving each the same result:
 * it makes keys with the rules frozen at 0019, never the live search's. 0003 ran the live rules of its day; a database
 * migrated through 0003 now gets 0019's, which are what the search used when migrations stopped following it.
 */
import { sql, type Kysely } from 'kysely';
import { recordSearchKeys } from './search-keys-at-0019.js';

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

/** Every record, or only those with a key longer than `keysLongerThan`. */
export async function recomputeSearchKeys(db: Kysely<unknown>, only: { keysLongerThan?: number } = {}): Promise<void> {
  const filter =
    only.keysLongerThan === undefined
      ? sql``
      : sql`AND EXISTS (SELECT 1 FROM unnest(search_keys) AS k WHERE length(k) > ${only.keysLongerThan})`;
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const rows = await sql<NamesRow>`
      SELECT id, surname, forename, middle_names, preferred_surname, preferred_forename, former_surname,
             former_forename, date_of_birth::text AS date_of_birth
      FROM repository_records WHERE id > ${after}::uuid ${filter} ORDER BY id LIMIT 1000`.execute(db);
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
