/**
 * All-or-nothing work built from functions that open transactions of their own: `inOneTransaction` hands the work a
 * database handle whose every statement runs in one outer transaction, each inner transaction becoming a savepoint.
 * A crash or an error part-way leaves the database as it was, on PGlite as on PostgreSQL.
 */
import {
  CompiledQuery,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  sql,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
} from 'kysely';
import type { Db } from './database.js';
import type { Database } from './schema.js';

const SAVEPOINT = 'inner_transaction';

/**
 * One connection, handed out one caller at a time: two inner transactions interleaved on one session would share a
 * savepoint. Work must therefore use the handle it is given, never the outer one, or it waits for itself.
 */
function savepointDriver(outer: Kysely<Database>): Driver {
  let queue: Promise<void> = Promise.resolve();
  const releases = new WeakMap<DatabaseConnection, () => void>();
  const run = (statement: string) => outer.executeQuery(CompiledQuery.raw(statement)).then(() => undefined);
  return {
    async init() {},
    async acquireConnection() {
      let release!: () => void;
      const turn = new Promise<void>((resolve) => (release = resolve));
      const previous = queue;
      queue = previous.then(() => turn);
      await previous;
      const connection: DatabaseConnection = {
        executeQuery: <R>(query: CompiledQuery) => outer.executeQuery(query) as Promise<QueryResult<R>>,
        streamQuery: () => {
          throw new Error('streaming is not available inside one transaction');
        },
      };
      releases.set(connection, release);
      return connection;
    },
    beginTransaction: () => run(`SAVEPOINT ${SAVEPOINT}`),
    commitTransaction: () => run(`RELEASE SAVEPOINT ${SAVEPOINT}`),
    rollbackTransaction: async () => {
      await run(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}`);
      await run(`RELEASE SAVEPOINT ${SAVEPOINT}`);
    },
    async releaseConnection(connection) {
      releases.get(connection)?.();
    },
    async destroy() {},
  };
}

/** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
export async function inOneTransaction<T>(db: Db, work: (db: Db) => Promise<T>): Promise<T> {
  return db.connection().execute(async (connection) => {
    await sql`BEGIN`.execute(connection);
    const inner = new Kysely<Database>({
      dialect: {
        createAdapter: () => new PostgresAdapter(),
        createDriver: () => savepointDriver(connection),
        createIntrospector: (k) => new PostgresIntrospector(k),
        createQueryCompiler: () => new PostgresQueryCompiler(),
      },
    });
    try {
      const result = await work(inner);
      await sql`COMMIT`.execute(connection);
      return result;
    } catch (error) {
      // The connection may be the thing that failed; the error that matters is the work's.
      await sql`ROLLBACK`.execute(connection).catch(() => undefined);
      throw error;
    } finally {
      await inner.destroy();
    }
  });
}
