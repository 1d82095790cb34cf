/**
 * "Find a school": search the register by name (tolerating small misspellings, and apostrophes typed or not), by
 * LAEstab (with or without a slash, as printed on letters: 823/2002), by URN, or list an LA's establishments by its
 * 3-digit code.
 */
import { sql, type Expression, type RawBuilder } from 'kysely';
import type { Db } from '../platform/database.js';

export interface EstablishmentSummary {
  laestab: string;
  urn: string | null;
  name: string;
  laCode: string;
  laName: string;
  type: string;
  phase: string;
  status: string;
  town: string;
  postcode: string;
  closeDate: string | null;
  previousLaestab: string | null;
}

export const MAX_RESULTS = 50;

function baseQuery(db: Db) {
  return db
    .selectFrom('establishments as e')
    .innerJoin('local_authorities as la', 'la.code', 'e.la_code')
    .select([
      'e.laestab',
      'e.urn',
      'e.name',
      'e.la_code',
      'la.name as la_name',
      'e.type_name',
      'e.phase',
      'e.status',
      'e.town',
      'e.postcode',
      'e.close_date',
      'e.previous_laestab',
    ]);
}

/**
 * A name as people type it, for comparing: lower case, apostrophes dropped (St Aidan's, St Aidans and St Aidan’s
 * are one school) and every other run of punctuation a single space ("Cwm-Derwen", "Cwm Derwen"). Done in SQL,
 * on the query and the names alike, so both are folded by the same rules.
 */
export function foldedName(value: Expression<string>): RawBuilder<string> {
  return sql<string>`regexp_replace(regexp_replace(lower(${value}), ${apostrophes}, '', 'g'), ${punctuation}, ' ', 'g')`;
}
const apostrophes = "['’‘`]";
const punctuation = '[^[:alnum:]]+';

/**
 * How closely the typed name must match a stretch of the school's name (pg_trgm's word similarity, 0 to 1) for a
 * misspelling to count: "St Aiden's" and "Holins Lane" pass, "St Andrew's" for "St Aidans" does not.
 */
export const NAME_SIMILARITY = 0.5;

function byName(db: Db, query: string) {
  const typed = foldedName(sql.val(query.trim()));
  const name = foldedName(sql.ref('e.name'));
  const contained = sql<boolean>`(strpos(${name}, trim(${typed})) > 0)`;
  return baseQuery(db)
    .where((eb) =>
      eb.or([
        contained,
        eb(sql`word_similarity(trim(${typed}), ${name})`, '>=', NAME_SIMILARITY),
        eb(sql`lower(e.name)`, sql`%`, query.trim().toLowerCase()),
      ]),
    )
    .orderBy(contained, 'desc')
    .orderBy(sql`word_similarity(trim(${typed}), ${name})`, 'desc')
    .orderBy('e.name');
}

type Row = Awaited<ReturnType<ReturnType<typeof baseQuery>['execute']>>[number];

function toSummary(r: Row): EstablishmentSummary {
  return {
    laestab: r.laestab,
    urn: r.urn,
    name: r.name,
    laCode: r.la_code,
    laName: r.la_name,
    type: r.type_name,
    phase: r.phase,
    status: r.status,
    town: r.town,
    postcode: r.postcode,
    closeDate: r.close_date,
    previousLaestab: r.previous_laestab,
  };
}

export async function searchEstablishments(
  db: Db,
  query: string,
  limit: number = MAX_RESULTS,
): Promise<EstablishmentSummary[]> {
  const q = query.trim().slice(0, 100);
  if (q.length === 0) return [];
  const digits = q.replace(/[\s/]/g, '');
  let rows: Row[];
  if (/^\d{7}$/.test(digits)) {
    // A renumbered school is found by its old number too.
    rows = await baseQuery(db)
      .where((eb) => eb.or([eb('e.laestab', '=', digits), eb('e.previous_laestab', '=', digits)]))
      .orderBy('e.status')
      .execute();
  } else if (/^\d{5,6}$/.test(digits)) {
    rows = await baseQuery(db).where('e.urn', '=', digits).execute();
  } else if (/^\d{3}$/.test(digits)) {
    rows = await baseQuery(db).where('e.la_code', '=', digits).orderBy('e.name').limit(limit).execute();
  } else if (q.replace(/[^\p{L}\p{N}]/gu, '').length < 2) {
    // Punctuation alone folds away to nothing, which every name would contain.
    return [];
  } else {
    rows = await byName(db, q).limit(limit).execute();
  }
  return rows.map(toSummary);
}

export async function getEstablishment(db: Db, laestab: string): Promise<EstablishmentSummary | undefined> {
  if (!/^\d{7}$/.test(laestab)) return undefined;
  const row = await baseQuery(db).where('e.laestab', '=', laestab).executeTakeFirst();
  return row ? toSummary(row) : undefined;
}
