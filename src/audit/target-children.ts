/**
 * The child a row is about, for an LA administrator: the new pupil, leaver, CME case, enquiry or repository record
 * the row names. The rows are already only those of the administrator's LA and its schools, so every child named is
 * one their own users acted on, which is what the administrator checks. Reading these names is itself a read of
 * pupil data, and the audit page is marked so.
 */
import type { Db } from '../platform/database.js';

const tables = {
  joiner: 'joiners',
  leaver: 'leavers',
  'cme-case': 'cme_cases',
  enquiry: 'enquiries',
  'repository-record': 'repository_records',
} as const;

type ChildKind = keyof typeof tables;

function isChildKind(kind: string): kind is ChildKind {
  return kind in tables;
}

/** "kind:id" → the child's name, for the rows given. */
export async function childrenOfRows(
  db: Db,
  rows: ReadonlyArray<{ target_kind: string | null; target_id: string | null }>,
): Promise<Record<string, string>> {
  const names: Record<string, string> = {};
  for (const kind of Object.keys(tables) as ChildKind[]) {
    const ids = [...new Set(rows.filter((r) => r.target_kind === kind && r.target_id).map((r) => r.target_id!))].filter(
      (id) => /^[0-9a-f-]{36}$/.test(id),
    );
    if (ids.length === 0 || !isChildKind(kind)) continue;
    const found = await db
      .selectFrom(tables[kind])
      .select(['id', 'forename', 'surname'])
      .where('id', 'in', ids)
      .execute();
    for (const f of found) names[`${kind}:${f.id}`] = [f.forename, f.surname].filter(Boolean).join(' ');
  }
  return names;
}
