/**
 * When the child left, as the school recorded it: a CTF's own leaving date can be missing or differ from the day
 * the school entered for the leaver, and the record and the leaver must tell one story. The leaver's date, where
 * the school recorded the child as a leaver with the CTF that became the record, wins.
 */
import type { Db } from '../platform/database.js';

/** For each record id given, the leaving date the school recorded for it, where there is one. */
export async function leftOnAsRecorded(db: Db, recordIds: readonly string[]): Promise<Map<string, string>> {
  if (recordIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('repository_records as r')
    .innerJoin('leavers as l', (join) => join.onRef('l.ctf_file_id', '=', 'r.file_id').onRef('l.upn', '=', 'r.upn'))
    .select(['r.id', 'l.left_on'])
    .where('r.id', 'in', [...recordIds])
    .execute();
  return new Map(rows.map((r) => [r.id, r.left_on]));
}

/** The records with their leaving dates as the school recorded them. */
export async function withLeftOnAsRecorded<T extends { id: string; leftOn: string | null }>(
  db: Db,
  records: T[],
): Promise<T[]> {
  const recorded = await leftOnAsRecorded(
    db,
    records.map((r) => r.id),
  );
  return records.map((r) => (recorded.has(r.id) ? { ...r, leftOn: recorded.get(r.id)! } : r));
}
