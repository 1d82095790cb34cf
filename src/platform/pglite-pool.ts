/**
 * Lets Kysely's PostgresDialect drive PGlite. PGlite has a single session, so the pool hands out one connection
 * at a time: a second caller waits until the first releases it, otherwise two transactions would interleave.
 */
import type { PGlite } from '@electric-sql/pglite';

interface QueryResult {
  command: string;
  rowCount: number;
  rows: unknown[];
}

export interface PGlitePoolClient {
  query(sql: string, parameters?: readonly unknown[]): Promise<QueryResult>;
  release(): void;
}

export function pglitePool(pglite: PGlite) {
  let queue: Promise<void> = Promise.resolve();

  const client = (done: () => void): PGlitePoolClient => ({
    async query(sql, parameters) {
      const result = await pglite.query(sql, parameters as unknown[] | undefined, { rowMode: 'object' });
      const command = (result as { command?: string }).command ?? sql.trimStart().split(/\s/, 1)[0]!.toUpperCase();
      return { command, rowCount: result.affectedRows ?? result.rows.length, rows: result.rows.map(normaliseRow) };
    },
    release: done,
  });

  return {
    async connect(): Promise<PGlitePoolClient> {
      let release!: () => void;
      const turn = new Promise<void>((resolve) => (release = resolve));
      const previous = queue;
      queue = previous.then(() => turn);
      await previous;
      let released = false;
      return client(() => {
        if (released) return;
        released = true;
        release();
      });
    },
    async end(): Promise<void> {
      await queue;
      await pglite.close();
    },
  };
}

// PGlite returns bytea as Uint8Array where node-postgres returns Buffer; the rest of s2s expects Buffer.
function normaliseRow(row: unknown): unknown {
  if (row === null || typeof row !== 'object') return row;
  const record = row as Record<string, unknown>;
  for (const [key, value] of Object.entries(record)) {
    if (value instanceof Uint8Array && !Buffer.isBuffer(value)) {
      record[key] = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    }
  }
  return record;
}
