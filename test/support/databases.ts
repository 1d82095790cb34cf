/**
 * Real databases for tests: PGlite always, and the PostgreSQL server when one answers (CI requires it).
 * Each is created once per test run as a migrated template and copied per test file, so no test pays initdb
 * or migrations, and tests never share state.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import {
  fromPGlite,
  migrateToLatest,
  openPostgres,
  pgliteExtensions,
  pgliteParsers,
  type OpenedDatabase,
} from '../../src/platform/database.js';
import { migrations } from '../../src/platform/migrations/index.js';
import { projectRoot } from '../../src/platform/web/project-root.js';

export interface TestDatabase {
  name: 'pglite' | 'postgres';
  open(): Promise<OpenedDatabase>;
}

/**
 * Where a test's file bodies go: in the database on PostgreSQL, as a national deployment keeps them, and on disk
 * with PGlite, as the embedded default does, so that both stores carry real transfers in the suite.
 */
export function blobStoreFor(database: TestDatabase): 'fs' | 'postgres' {
  return database.name === 'postgres' ? 'postgres' : 'fs';
}

const adminUrl = process.env.S2S_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Changes whenever a migration's source changes, so a stale template is never reused. */
function schemaVersion(): string {
  const hash = crypto.createHash('sha256');
  const dir = path.join(projectRoot, 'src', 'platform', 'migrations');
  for (const name of Object.keys(migrations)) hash.update(name).update(fs.readFileSync(path.join(dir, `${name}.ts`)));
  return hash.digest('hex').slice(0, 12);
}

const cacheDir = path.join(projectRoot, 'node_modules', '.cache', 's2s-tests');

async function pgliteTemplate(): Promise<Blob> {
  const file = path.join(cacheDir, `pglite-${schemaVersion()}.tar.gz`);
  if (!fs.existsSync(file)) {
    const pglite = await PGlite.create({ extensions: pgliteExtensions, parsers: pgliteParsers });
    const opened = fromPGlite(pglite);
    await migrateToLatest(opened.db);
    const dump = await pglite.dumpDataDir('gzip');
    await opened.close();
    fs.mkdirSync(cacheDir, { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, Buffer.from(await dump.arrayBuffer()));
    fs.renameSync(temporary, file);
  }
  return new Blob([fs.readFileSync(file)]);
}

async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

async function postgresTemplate(): Promise<string> {
  const template = `s2s_template_${schemaVersion()}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    // Several test files start at once: one builds the template, the others wait for it.
    await client.query('SELECT pg_advisory_lock(724301)');
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
    if (exists.rowCount === 0) {
      const building = `${template}_building`;
      await client.query(`DROP DATABASE IF EXISTS ${building}`);
      await client.query(`CREATE DATABASE ${building}`);
      const opened = openPostgres(withDatabase(building), 2);
      await migrateToLatest(opened.db);
      await opened.close();
      await client.query(`ALTER DATABASE ${building} RENAME TO ${template}`);
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock(724301)').catch(() => undefined);
    await client.end();
  }
  return template;
}

function withDatabase(name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A new PostgreSQL database, migrated, for a test that runs s2s in processes of its own (undefined without one). */
export async function freshPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> } | undefined> {
  if (!(await postgresReachable())) return undefined;
  return createFromTemplate(await postgresTemplate());
}

async function createFromTemplate(template: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `s2s_test_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock(724301)');
    await client.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  } finally {
    await client.query('SELECT pg_advisory_unlock(724301)').catch(() => undefined);
    await client.end();
  }
  return {
    url: withDatabase(name),
    async drop() {
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

async function copyPostgres(template: string): Promise<OpenedDatabase> {
  const created = await createFromTemplate(template);
  const opened = openPostgres(created.url, 5);
  return {
    ...opened,
    async close() {
      await opened.close();
      await created.drop();
    },
  };
}

let cached: Promise<TestDatabase[]> | undefined;

/** The databases every integration test runs against. */
export function testDatabases(): Promise<TestDatabase[]> {
  cached ??= (async () => {
    const list: TestDatabase[] = [];
    const pgliteBlob = pgliteTemplate();
    list.push({
      name: 'pglite',
      open: async () =>
        fromPGlite(
          await PGlite.create({ loadDataDir: await pgliteBlob, extensions: pgliteExtensions, parsers: pgliteParsers }),
        ),
    });
    if (await postgresReachable()) {
      const template = postgresTemplate();
      list.push({ name: 'postgres', open: async () => copyPostgres(await template) });
    } else if (process.env.CI) {
      throw new Error(`CI needs PostgreSQL for the server-mode tests, and none answers at ${adminUrl}`);
    } else {
      console.warn(`PostgreSQL does not answer at ${adminUrl}: server-mode tests are skipped`);
    }
    return list;
  })();
  return cached;
}
