/**
 * Opens the database: PostgreSQL through a `pg` pool when DATABASE_URL is set, otherwise PGlite in the data
 * directory. Both run the same migrations and the same queries; callers never know which they have.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { fuzzystrmatch } from '@electric-sql/pglite/contrib/fuzzystrmatch';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { Kysely, Migrator, PostgresDialect } from 'kysely';
import pg from 'pg';
import { lockDataDir } from './data-dir-lock.js';
import { durableStartParams, syncPath, SyncingNodeFS, syncTree } from './durable-pglite.js';
import { migrationProvider } from './migrations/index.js';
import { pglitePool } from './pglite-pool.js';
import type { Database } from './schema.js';

export type Db = Kysely<Database>;

export interface OpenedDatabase {
  db: Db;
  kind: 'postgres' | 'pglite';
  /** Where a PostgreSQL database is, for a connection of its own beside the pool (the job queue's listener). */
  connectionString?: string;
  close(): Promise<void>;
  /** Queries waiting for a free connection of the pool (PostgreSQL only): a pool too small for the load. */
  poolWaiting?: () => number;
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

/** How long a new connection may take before the request that wanted it is answered 503 instead of waiting on. */
export const CONNECT_TIMEOUT_MS = 5000;

export function openPostgres(connectionString: string, poolSize = 10): OpenedDatabase {
  const pool = new pg.Pool({
    connectionString,
    max: poolSize,
    types: pgTypes as pg.CustomTypesConfig,
    // While the database is away, a request that needs a connection fails within seconds (503 with Retry-After)
    // rather than queueing for as long as the operating system tries to connect.
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    // A connection whose server vanished without closing it (a failover, a network partition) is found dead.
    keepAlive: true,
  });
  // A connection the server drops (a restart, a failover, an administrator ending backends) must not crash the
  // node. Idle, the pool discards it; in use, its query fails (the request answers 503) and, when released, the
  // pool discards it too. Either way the next query opens a new connection, so the node reconnects by itself.
  const dropped = (error: Error) => process.emitWarning(`PostgreSQL closed a connection: ${error.message}`);
  pool.on('error', dropped);
  pool.on('connect', (client) => client.on('error', dropped));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    kind: 'postgres',
    connectionString,
    close: () => db.destroy(),
    poolWaiting: () => pool.waitingCount,
  };
}

const connectionErrorCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
const connectionErrorMessages = [
  /^Connection terminated/, // pg: the server closed the connection, or connecting took longer than allowed
  /^timeout exceeded when trying to connect/, // pg-pool: no connection within connectionTimeoutMillis
  /is not queryable/, // pg: a client whose connection already failed
];

/**
 * Whether an error says the database cannot be reached, rather than that a query was wrong: a refused or reset
 * connection, a server shutting down or starting up (57P01–57P03), any connection exception (class 08), too many
 * connections (53300), or a connection the server closed. These mean "try again shortly", never a fault of ours.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (connectionErrorCodes.has(code) || /^(57P0[123]|08...|53300)$/.test(code)) return true;
    }
    if (e instanceof AggregateError && e.errors.some((inner) => isDatabaseUnavailable(inner))) return true;
    if (connectionErrorMessages.some((pattern) => pattern.test(e.message))) return true;
  }
  return false;
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
    const created = !existsSync(path.join(dir, 'PG_VERSION'));
    const pglite = await PGlite.create({
      fs: new SyncingNodeFS(dir),
      startParams: durableStartParams,
      extensions: pgliteExtensions,
      parsers: pgliteParsers,
    });
    if (created) {
      syncTree(dir);
      syncPath(dataDir);
    }
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
    throw new Error(`Database migration failed${name}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}
