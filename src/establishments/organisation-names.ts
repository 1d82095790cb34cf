/** Schools' and LAs' names by their numbers, for pages that list organisations by code (users, the audit trail). */
import type { Db } from '../platform/database.js';

/** Each code the register knows (a LAEstab or an LA code), with its name; 'DFE' is the Department for Education. */
export async function organisationNames(db: Db, codes: Iterable<string | null>): Promise<Map<string, string>> {
  const wanted = [...new Set([...codes].filter((code): code is string => !!code))];
  const names = new Map<string, string>();
  if (wanted.includes('DFE')) names.set('DFE', 'Department for Education');
  const schools = wanted.filter((code) => /^[0-9]{7}$/.test(code));
  const las = wanted.filter((code) => /^[0-9]{3}$/.test(code));
  if (schools.length > 0) {
    const rows = await db
      .selectFrom('establishments')
      .select(['laestab', 'name'])
      .where('laestab', 'in', schools)
      .execute();
    for (const row of rows) names.set(row.laestab, row.name);
  }
  if (las.length > 0) {
    const rows = await db.selectFrom('local_authorities').select(['code', 'name']).where('code', 'in', las).execute();
    for (const row of rows) names.set(row.code, row.name);
  }
  return names;
}
