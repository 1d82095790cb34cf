/**
 * "Find a school": search the register by name (tolerating small misspellings, and apostrophes typed or not), by
 * LAEstab (with or without a slash, as printed on letters: 823/2002), by URN, or list an LA's establishments by its
 * 3-digit code.
 */
import { sql } from 'kysely';
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
 * What was typed, for comparing by trigrams: lower case, apostrophes dropped. pg_trgm splits words at every other
 * mark (Pen-y-Bryn is pen, y, bryn) and at an apostrophe too (aidan's is aidan, s), so "St Aidans", typed without
 * its apostrophe, shares the trigrams of "St Aidan's", and "St Aidan’s", typed with a curly one, does too.
 */
function foldedQuery(query: string): string {
  return query
    .trim()
    .toLowerCase()
    .replace(/['’‘`]/g, '');
}

/**
 * Whether a name column matches what was typed, and how well, in terms the trigram index on `lower(name)` serves:
 * it contains the text as typed, or the typed words, apostrophes dropped, are close to a stretch of the name (`<%`,
 * pg_trgm's word similarity at its default threshold of 0.6: "St Aiden's" and "Holins Lane" pass, "St Andrews" for
 * "St Aidans" does not). Names that contain the text come first; the closeness of the others is worked out only for
 * them, since on a national register a common word matches thousands.
 */
export function nameSearch(column: string, query: string) {
  const lowered = query.trim().toLowerCase();
  const pattern = `%${lowered.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const name = sql`lower(${sql.ref(column)})`;
  const folded = foldedQuery(query);
  const contains = sql<boolean>`(${name} like ${pattern})`;
  return {
    matches: sql<boolean>`(${contains} or ${folded} <% ${name})`,
    rank: sql<number>`(case when ${contains} then 2 else word_similarity(${folded}, ${name}) end)`,
  };
}

function byName(db: Db, query: string) {
  const { matches, rank } = nameSearch('e.name', query);
  return baseQuery(db).where(matches).orderBy(rank, 'desc').orderBy('e.name');
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
