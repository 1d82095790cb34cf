import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { freshPostgresDatabase } from '../../test/support/databases.js';
import { servingProcessesOf, startServeNode, type ServeNode } from '../../test/support/serve-processes.js';
import { waitFor } from '../../test/support/wait-for.js';
import { restartDelayMs } from './serving-processes.js';

const database = await freshPostgresDatabase();
const METRICS_TOKEN = 'metrics-token-for-tests-0123456789abcdef';

describe('replacing serving processes that keep dying', () => {
  it('replaces the first at once, then waits longer each time, up to 30 s, and never gives up', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 7, 8, 50].map((n) => restartDelayMs(n)),
      [0, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000],
    );
  });
});

describe('s2s serve with several serving processes on PostgreSQL', { skip: database ? false : 'no PostgreSQL' }, () => {
  let node: ServeNode;

  before(async () => {
    node = await startServeNode({ DATABASE_URL: database!.url, S2S_WORKERS: '2', S2S_METRICS_TOKEN: METRICS_TOKEN });
  });

  after(async () => {
    await node?.kill();
    await database?.drop();
  });

  it('counts the whole node in every scrape, whichever serving process answers it', async () => {
    for (let i = 0; i < 20; i++) assert.equal((await fetch(`${node.url}/healthz`)).status, 200);
    const healthChecks =
      /^s2s_http_request_duration_seconds_count\{route="\/healthz",method="GET",status_class="2xx"\} (\d+)$/m;
    // Connections are dealt to the processes in turn, so four scrapes reach both; each must see all twenty.
    for (let i = 0; i < 4; i++) {
      const scrape = await fetch(`${node.url}/metrics`, {
        headers: { authorization: `Bearer ${METRICS_TOKEN}`, connection: 'close' },
      });
      const text = await scrape.text();
      assert.equal(scrape.status, 200, text);
      assert.equal(healthChecks.exec(text)?.[1], '20', 'the health checks of both processes, added up');
      assert.match(text, /^s2s_jobs_queue_read 1$/m, 'the queue read once, by the first process');
    }
  });

  it('answers through two processes, replaces one that dies, and stops them all on SIGTERM', async () => {
    assert.match(
      node.out,
      new RegExp(`s2s is running at http://localhost:${node.port} \\(database: PostgreSQL, 2 serving processes\\)`),
    );
    const serving = servingProcessesOf(node.process.pid!);
    assert.equal(serving.length, 2, 'two serving processes');
    for (let i = 0; i < 10; i++) assert.equal((await fetch(`${node.url}/healthz`)).status, 200);

    process.kill(serving[0]!, 'SIGKILL');
    await waitFor(
      'a replacement',
      () => node.err.includes('starting another') && servingProcessesOf(node.process.pid!).length === 2,
    );
    const replaced = servingProcessesOf(node.process.pid!);
    assert.ok(!replaced.includes(serving[0]!), 'the dead process was replaced by a new one');
    for (let i = 0; i < 10; i++) assert.equal((await fetch(`${node.url}/healthz`)).status, 200);

    node.process.kill('SIGTERM');
    assert.equal(await node.exited, 0);
    for (const pid of replaced) assert.throws(() => process.kill(pid, 0), 'every serving process has stopped');
  });
});
