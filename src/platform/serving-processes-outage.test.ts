/**
 * Fault test: a node with two serving processes loses its database, and one of its processes dies while it is
 * away. The replacement waits for the database instead of failing (and never migrates), the node does not stop,
 * and it serves again once the database is back. On a PostgreSQL cluster the test starts itself.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { ownPostgresUnavailable, startOwnPostgres, type OwnPostgres } from '../../test/support/own-postgres.js';
import { servingProcessesOf, startServeNode, type ServeNode } from '../../test/support/serve-processes.js';
import { waitFor } from '../../test/support/wait-for.js';
import { migrateToLatest, openPostgres } from './database.js';

const unavailable = ownPostgresUnavailable();
if (unavailable && process.env.CI) throw new Error(`CI needs a PostgreSQL cluster of the test's own: ${unavailable}`);

describe(
  'a node with several serving processes while its database is away',
  { skip: unavailable ? `no PostgreSQL cluster of its own: ${unavailable}` : false },
  () => {
    let cluster: OwnPostgres;
    let node: ServeNode;
    let url: string;
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 's2s-node-outage-'));

    const readiness = async () => {
      try {
        return (await fetch(`${node.url}/readyz`, { signal: AbortSignal.timeout(10_000) })).status;
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
      node = await startServeNode({ DATABASE_URL: url, S2S_DATA_DIR: dataDir, S2S_WORKERS: '2' });
    });

    after(async () => {
      await node?.kill();
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
          const [first] = servingProcessesOf(node.process.pid!);
          process.kill(first!, 'SIGKILL');
          await waitFor('the replacement to wait for the database', () =>
            node.err.includes('waiting for the database: the database cannot be reached') ? true : undefined,
          );
          assert.equal(node.process.exitCode, null, 'the node is still running');
        } finally {
          await cluster.start();
        }
        await waitFor(
          'two serving processes again',
          () => servingProcessesOf(node.process.pid!).length === 2 || undefined,
        );
        // Both processes answer readiness once the database is back: ask often enough to reach each.
        for (let i = 0; i < 10; i++) {
          await waitFor('the node to be ready', async () => ((await readiness()) === 200 ? true : undefined), 30);
        }
        assert.doesNotMatch(node.err, /migration failed/i);
        assert.equal(node.process.exitCode, null, 'the node is still running');

        node.process.kill('SIGTERM');
        assert.equal(await node.exited, 0);
      },
    );
  },
);
