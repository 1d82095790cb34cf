/** How many rows a query would select: for the counts the home page shows. */
import { sql, type SelectQueryBuilder } from 'kysely';

export async function countRows<DB, TB extends keyof DB, O>(query: SelectQueryBuilder<DB, TB, O>): Promise<number> {
  const row = await query
    .clearSelect()
    .select(sql<string>`count(*)`.as('rows'))
    .executeTakeFirstOrThrow();
  // The selection's type is lost to the query's generic tables; the one column is the count.
  return Number((row as { rows: string | number }).rows);
}
