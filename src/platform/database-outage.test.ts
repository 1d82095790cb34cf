/**
 * Fault tests: the database drops the service's connections, or goes away altogether, under a running service on
 * a PostgreSQL cluster the test starts itself. The service must answer 503 with Retry-After throughout, never
 * exit, and serve again by itself once the database is back.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import pg from 'pg';
import { metricValue } from '../../test/support/metrics.js';
import { testServices, TEST_MASTER_KEY } from '../../test/support/services.js';
import { ownPostgresUnavailable, startOwnPostgres, type OwnPostgres } from '../../test/support/own-postgres.js';
import { ctfFile, tokenFor, upload } from '../../test/support/transfers.js';
import { addUser, seedRegister, signIn, type TestServices, type TestUser } from '../../test/support/world.js';
import { loadConfig } from './config.js';
import { isDatabaseUnavailable, openPostgres } from './database.js';
import { createServices } from './services.js';
import { buildApp, startBulkWork } from '../app/app.js';

/**
 * How long the database stays away: longer than a failover takes, and past the 8 s after which a node used to give
 * up for good (restarted workers migrating, failing, and the supervisor stopping after five exits in a minute).
 */
const OUTAGE_MS = 20_000;

const unavailable = ownPostgresUnavailable();
const METRICS_TOKEN = 'metrics-token-for-tests-0123456789abcdef';
if (unavailable && process.env.CI) throw new Error(`CI needs a PostgreSQL cluster of the test's own: ${unavailable}`);

async function eventually<T>(what: string, attempt: () => Promise<T | undefined>, seconds = 30): Promise<T> {
  const until = Date.now() + seconds * 1000;
  for (;;) {
    const value = await attempt();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

function assertDatabaseUnavailable(response: LightMyRequestResponse) {
  assert.equal(response.statusCode, 503, response.body);
  assert.ok(Number(response.headers['retry-after']) > 0, 'Retry-After names a number of seconds');
  assert.equal(response.json().error.code, 'DATABASE_UNAVAILABLE');
}

describe(
  'a PostgreSQL outage',
  { skip: unavailable ? `no PostgreSQL cluster of its own: ${unavailable}` : false },
  () => {
    let cluster: OwnPostgres;
    let services: TestServices & { close(): Promise<void> };
    let app: FastifyInstance;
    let token: string;
    let account: TestUser;
    const database = 's2s_outage';

    const send = () => upload(app, token, [ctfFile('8232003', '3304101', { pupils: 1 })]);

    /** Ends every connection the service has open, as an administrator or a failing-over proxy does. */
    async function terminateBackends(): Promise<number> {
      const admin = new pg.Client({ connectionString: cluster.adminUrl });
      await admin.connect();
      try {
        const ended = await admin.query(
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
          [database],
        );
        return ended.rowCount ?? 0;
      } finally {
        await admin.end();
      }
    }

    before(async () => {
      cluster = await startOwnPostgres();
      const url = await cluster.createDatabase(database);
      services = await testServices(openPostgres(url, 5), {
        env: { DATABASE_URL: url, S2S_BLOB_STORE: 'postgres', S2S_METRICS_TOKEN: METRICS_TOKEN },
      });
      await seedRegister(services);
      account = await addUser(services, { role: 'school-user', org: '8232003' });
      token = await tokenFor(services, account.user);
      app = await buildApp(services);
      // Served as a node serves, with bulk workers polling the queue through the outage.
      startBulkWork(app, services);
    });

    after(async () => {
      await app?.close();
      await services?.close().catch(() => undefined);
      await cluster?.destroy();
    });

    it(
      'fails a query whose connection drops without a word, and the process carries on',
      { timeout: 60_000 },
      async () => {
        const sleeping = sql`SELECT pg_sleep(20)`.execute(services.db).then(
          () => undefined,
          (error: unknown) => error,
        );
        const backend = await eventually('the query to be running', async () => {
          const admin = new pg.Client({ connectionString: cluster.adminUrl });
          await admin.connect();
          const running = await admin.query<{ pid: number }>(
            "SELECT pid FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep%'",
          );
          await admin.end();
          return running.rows[0]?.pid;
        });
        // A backend that dies (or a network that drops) closes the socket with no error message first: the client
        // raises an 'error' event while its query is still running. Without a listener on every client, that event
        // ended the process here. (The server then restarts its other backends, as after any backend crash.)
        process.kill(backend, 'SIGKILL');
        assert.ok(isDatabaseUnavailable(await sleeping), 'the query failed as the database being unavailable');
        // Other connections, ended at the same moment, may be handed out before the pool has heard they closed, and
        // the server refuses new ones while it recovers: those queries fail as unavailable too (a request would
        // answer 503), until the pool's new connections are accepted.
        const one = await eventually('a query to succeed again', async () => {
          try {
            return (await sql<{ one: number }>`SELECT 1 AS one`.execute(services.db)).rows;
          } catch (error) {
            assert.ok(isDatabaseUnavailable(error), String(error));
            return undefined;
          }
        });
        assert.deepEqual(one, [{ one: 1 }]);
      },
    );

    it(
      'answers 503, never 500, when its connections are ended mid-load, then 201 again',
      { timeout: 60_000 },
      async (t) => {
        const statuses = new Map<number, number>();
        let loading = true;
        const uploader = async () => {
          while (loading) {
            const response = await send();
            statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
            if (response.statusCode === 503) assertDatabaseUnavailable(response);
          }
        };
        const load = Array.from({ length: 6 }, uploader);
        await eventually('uploads to be accepted', async () => ((statuses.get(201) ?? 0) >= 10 ? true : undefined));
        let ended = 0;
        for (let i = 0; i < 10; i++) {
          ended += await terminateBackends();
          await sleep(50);
        }
        loading = false;
        await Promise.all(load);
        const seen = Object.fromEntries(statuses);
        t.diagnostic(`answers while connections were ended: ${JSON.stringify(seen)}; connections ended: ${ended}`);
        assert.ok(ended > 0, 'connections were ended');
        assert.deepEqual(
          [...statuses.keys()].filter((status) => status !== 201 && status !== 503),
          [],
          `answers: ${JSON.stringify(seen)}`,
        );
        assert.ok((statuses.get(503) ?? 0) > 0, `some uploads met an ended connection: ${JSON.stringify(seen)}`);
        assert.equal((await send()).statusCode, 201);
        assert.equal((await app.inject('/readyz')).statusCode, 200);
      },
    );

    it(
      'answers 503 with Retry-After while the database is stopped, and serves again by itself',
      { timeout: 90_000 },
      async (t) => {
        assert.equal((await send()).statusCode, 201);
        const browser = await signIn(app, services, account);
        const refusedBefore = await metricValue(services.metrics, 's2s_refusals_total', {
          code: 'DATABASE_UNAVAILABLE',
        });
        const pollsBefore = await metricValue(services.metrics, 's2s_job_polls_failed_total');
        await cluster.stop();
        let answered = 0;
        let scrapedDuringOutage: LightMyRequestResponse | undefined;
        try {
          const until = Date.now() + OUTAGE_MS;
          while (Date.now() < until) {
            assertDatabaseUnavailable(await send());
            const ready = await app.inject('/readyz');
            assert.equal(ready.statusCode, 503);
            assert.equal(ready.json().status, 'unavailable');
            const page = await browser.get('/');
            assert.equal(page.statusCode, 503);
            assert.ok(Number(page.headers['retry-after']) > 0);
            assert.match(page.body, /cannot reach its database/);
            answered += 1;
            scrapedDuringOutage ??= await app.inject({
              url: '/metrics',
              headers: { authorization: `Bearer ${METRICS_TOKEN}` },
            });
            await sleep(200);
          }
        } finally {
          await cluster.start();
        }
        assert.ok(answered > 5, 'requests were answered throughout the outage');
        // Each round's upload and page were refused as DATABASE_UNAVAILABLE; the job workers' polls failed; and a
        // scrape during the outage still answered, saying it could not read the queue.
        assert.ok(
          (await metricValue(services.metrics, 's2s_refusals_total', { code: 'DATABASE_UNAVAILABLE' })) >=
            refusedBefore + 2 * answered,
        );
        assert.ok((await metricValue(services.metrics, 's2s_job_polls_failed_total')) > pollsBefore);
        assert.equal(scrapedDuringOutage?.statusCode, 200);
        assert.match(scrapedDuringOutage?.body ?? '', /^s2s_jobs_queue_read 0$/m);
        const back = Date.now();
        // The same service, its pool reconnecting by itself: no restart, no migration.
        await eventually('an upload to be accepted again', async () =>
          (await send()).statusCode === 201 ? true : undefined,
        );
        t.diagnostic(`${answered} rounds answered 503 while stopped; first 201 ${Date.now() - back} ms after start`);
        assert.equal((await app.inject('/readyz')).statusCode, 200);
      },
    );

    it(
      'waits for the database at start, saying so at each attempt, then migrates once it answers',
      { timeout: 90_000 },
      async () => {
        const url = await cluster.createDatabase('s2s_outage_fresh');
        const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 's2s-outage-'));
        await cluster.stop();
        let stopped = true;
        const lines: string[] = [];
        try {
          const config = loadConfig({
            DATABASE_URL: url,
            S2S_MASTER_KEY: TEST_MASTER_KEY,
            S2S_DATA_DIR: dataDir,
            LOG_LEVEL: 'silent',
            S2S_DEMO: 'false',
          });
          const starting = createServices(config, { onWaitingForDatabase: (line) => lines.push(line) });
          starting.catch(() => undefined);
          await eventually('two attempts to fail', async () => (lines.length >= 2 ? true : undefined));
          await cluster.start();
          stopped = false;
          const started = await starting;
          const migrated = await started.db
            .selectFrom('kysely_migration' as never)
            .select(sql`count(*)`.as('n'))
            .execute();
          await started.close();
          assert.ok(Number((migrated[0] as { n: number }).n) > 0, 'migrations ran');
          assert.match(
            lines[0]!,
            /the database cannot be reached \(.*ECONNREFUSED.*\): attempt 1 failed, trying again in 1 s/,
          );
          assert.match(lines[1]!, /attempt 2 failed, trying again in 2 s/);
        } finally {
          if (stopped) await cluster.start();
          fs.rmSync(dataDir, { recursive: true, force: true });
        }
      },
    );
  },
);
