/**
 * "Find a school": search the register by name (tolerating small misspellings), by LAEstab (with or without
 * a slash, as printed on letters: 823/2002), by URN, or list an LA's establishments by its 3-digit code.
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

export async function searchEstablishments(db: Db, query: string): Promise<EstablishmentSummary[]> {
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
    rows = await baseQuery(db).where('e.la_code', '=', digits).orderBy('e.name').limit(MAX_RESULTS).execute();
  } else if (q.length < 2) {
    return [];
  } else {
    const lowered = q.toLowerCase();
    const pattern = `%${lowered.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    rows = await baseQuery(db)
      .where((eb) => eb.or([eb(sql`lower(e.name)`, 'like', pattern), eb(sql`lower(e.name)`, sql`%`, lowered)]))
      .orderBy(sql`lower(e.name) like ${pattern}`, 'desc')
      .orderBy(sql`similarity(lower(e.name), ${lowered})`, 'desc')
      .orderBy('e.name')
      .limit(MAX_RESULTS)
      .execute();
  }
  return rows.map(toSummary);
}

export async function getEstablishment(db: Db, laestab: string): Promise<EstablishmentSummary | undefined> {
  if (!/^\d{7}$/.test(laestab)) return undefined;
  const row = await baseQuery(db).where('e.laestab', '=', laestab).executeTakeFirst();
  return row ? toSummary(row) : undefined;
}
