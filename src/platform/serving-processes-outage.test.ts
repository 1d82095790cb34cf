/**
 * Fault test: a node with two serving processes loses its database, and one of its processes dies while it is
 * away. The replacement waits for the database instead of failing (and never migrates), the node does not stop,
 * and it serves again once the database is back. On a PostgreSQL cluster the test starts itself.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { TEST_MASTER_KEY } from '../../test/support/services.js';
import { waitFor } from '../../test/support/wait-for.js';
import {
  freePort,
  ownPostgresUnavailable,
  startOwnPostgres,
  type OwnPostgres,
} from '../../test/support/own-postgres.js';
import { migrateToLatest, openPostgres } from './database.js';
import { projectRoot } from './web/project-root.js';

const unavailable = ownPostgresUnavailable();
if (unavailable && process.env.CI) throw new Error(`CI needs a PostgreSQL cluster of the test's own: ${unavailable}`);

/** The serving processes of the node whose first process is `pid`, read from /proc. */
function servingProcessesOf(pid: number): number[] {
  return fs
    .readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
        const isChild = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
        return isChild && fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('s2s-command');
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe(
  'a node with several serving processes while its database is away',
  { skip: unavailable ? `no PostgreSQL cluster of its own: ${unavailable}` : false },
  () => {
    let cluster: OwnPostgres;
    let service: ChildProcess;
    let url: string;
    let port: number;
    let out = '';
    let err = '';
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 's2s-node-outage-'));

    const readiness = async () => {
      try {
        return (await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(10_000) })).status;
      } catch {
        return 0;
      }
    };

    before(async () => {
      cluster = await startOwnPostgres();
      url = await cluster.createDatabase('s2s_node');
      const opened = openPostgres(url, 2);
      await migrateToLatest(opened.db);
      await opened.close();
      port = await freePort();
      service = spawn(
        process.execPath,
        ['--import', 'tsx', path.join(projectRoot, 'test', 'support', 's2s-command.ts'), 'serve'],
        {
          cwd: projectRoot,
          env: {
            ...process.env,
            DATABASE_URL: url,
            S2S_MASTER_KEY: TEST_MASTER_KEY,
            S2S_DATA_DIR: dataDir,
            S2S_WORKERS: '2',
            S2S_DEMO: 'false',
            PORT: String(port),
            HOST: '127.0.0.1',
            LOG_LEVEL: 'error',
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      service.stdout!.on('data', (d) => (out += String(d)));
      service.stderr!.on('data', (d) => (err += String(d)));
      await waitFor('the service to start', () => out.includes('2 serving processes'));
    });

    after(async () => {
      if (service && service.exitCode === null) service.kill('SIGKILL');
      await cluster?.destroy();
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    it(
      'replaces a process that dies, which waits without migrating, and serves again',
      { timeout: 120_000 },
      async () => {
        assert.equal(await readiness(), 200);
        // Were a serving process to migrate, it would try the newest migration again and fail on what it made.
        const admin = new pg.Client({ connectionString: url });
        await admin.connect();
        await admin.query('DELETE FROM kysely_migration WHERE name = (SELECT max(name) FROM kysely_migration)');
        await admin.end();

        await cluster.stop();
        try {
          await waitFor('readiness to fail', async () => ((await readiness()) === 503 ? true : undefined));
          const [first] = servingProcessesOf(service.pid!);
          process.kill(first!, 'SIGKILL');
          await waitFor('the replacement to wait for the database', () =>
            err.includes('waiting for the database: the database cannot be reached') ? true : undefined,
          );
          assert.equal(service.exitCode, null, 'the node is still running');
        } finally {
          await cluster.start();
        }
        await waitFor('two serving processes again', () => servingProcessesOf(service.pid!).length === 2 || undefined);
        // Both processes answer readiness once the database is back: ask often enough to reach each.
        for (let i = 0; i < 10; i++) {
          await waitFor('the node to be ready', async () => ((await readiness()) === 200 ? true : undefined), 30);
        }
        assert.doesNotMatch(err, /migration failed/i);
        assert.equal(service.exitCode, null, 'the node is still running');

        const exited = new Promise<number | null>((resolve) => service.once('exit', (code) => resolve(code)));
        service.kill('SIGTERM');
        assert.equal(await exited, 0);
      },
    );
  },
);
