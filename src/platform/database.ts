/**
 * Opens the database: PostgreSQL through a `pg` pool when DATABASE_URL is set, otherwise PGlite in the data
 * directory. Both run the same migrations and the same queries; callers never know which they have.
 */
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { fuzzystrmatch } from '@electric-sql/pglite/contrib/fuzzystrmatch';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { Kysely, Migrator, PostgresDialect } from 'kysely';
import pg from 'pg';
import { lockDataDir } from './data-dir-lock.js';
import { migrationProvider } from './migrations/index.js';
import { pglitePool } from './pglite-pool.js';
import type { Database } from './schema.js';

export type Db = Kysely<Database>;

export interface OpenedDatabase {
  db: Db;
  kind: 'postgres' | 'pglite';
  close(): Promise<void>;
}

// node-postgres returns int8 and numeric as strings; PGlite returns numbers. Counts and sizes fit in a double.
// DATE columns stay 'YYYY-MM-DD' strings on both: a calendar date has no time zone to shift it.
const DATE_OID = 1082;
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20 || oid === 1700) return (value: string) => Number(value);
    if (oid === DATE_OID) return (value: string) => value;
    return pg.types.getTypeParser(oid, format);
  },
};

export function openPostgres(connectionString: string, poolSize = 10): OpenedDatabase {
  const pool = new pg.Pool({ connectionString, max: poolSize, types: pgTypes as pg.CustomTypesConfig });
  // An idle connection the server drops (a restart, a failover, an administrator) must not crash the node: the
  // pool discards it and the next query opens a new one.
  pool.on('error', (error) => process.emitWarning(`PostgreSQL closed an idle connection: ${error.message}`));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, kind: 'postgres', close: () => db.destroy() };
}

export const pgliteExtensions = { pg_trgm, fuzzystrmatch };
export const pgliteParsers = { [DATE_OID]: (value: string) => value };

/** Wraps an open PGlite instance (a data directory, or an in-memory copy of a template in tests). */
export function fromPGlite(pglite: PGlite, onClose?: () => void): OpenedDatabase {
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: pglitePool(pglite) as unknown as pg.Pool }),
  });
  return {
    db,
    kind: 'pglite',
    async close() {
      await db.destroy();
      onClose?.();
    },
  };
}

export async function openPGlite(dataDir: string, purpose: string): Promise<OpenedDatabase> {
  const dir = path.join(dataDir, 'pglite');
  const unlock = lockDataDir(dataDir, purpose);
  try {
    const pglite = await PGlite.create({ dataDir: dir, extensions: pgliteExtensions, parsers: pgliteParsers });
    return fromPGlite(pglite, unlock);
  } catch (error) {
    unlock();
    throw error;
  }
}

export async function openDatabase(
  options: { databaseUrl?: string | undefined; dataDir: string; poolSize?: number },
  purpose: string,
): Promise<OpenedDatabase> {
  return options.databaseUrl
    ? openPostgres(options.databaseUrl, options.poolSize)
    : openPGlite(options.dataDir, purpose);
}

export async function migrateToLatest(db: Db): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    const name = failed ? ` (${failed.migrationName})` : '';
    throw new Error(`Database migration failed${name}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
