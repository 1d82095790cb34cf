/**
 * Workers on PostgreSQL hear of jobs queued by other nodes through LISTEN/NOTIFY, so they can poll only rarely; the
 * listening connection comes back by itself after the server drops it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { testDatabases } from '../../test/support/databases.js';
import { waitFor } from '../../test/support/wait-for.js';
import { openPostgres, type OpenedDatabase } from './database.js';
import { postgresWakeups } from './job-wakeups.js';
import { jobQueue, POLL_PAUSES } from './jobs.js';

const postgres = (await testDatabases()).find((database) => database.name === 'postgres');

describe('bulk workers woken across nodes', { skip: postgres ? false : 'no PostgreSQL server' }, () => {
  let worker: OpenedDatabase;
  let otherNode: OpenedDatabase;
  before(async () => {
    worker = await postgres!.open();
    otherNode = openPostgres(worker.connectionString!, 2);
  });
  after(async () => {
    await otherNode?.close();
    await worker?.close();
  });

  it('run a job queued by another node at once, though idle workers poll once a minute, even after a drop', async () => {
    let listening = 0;
    const lost: unknown[] = [];
    let back = 0;
    const wakeups = postgresWakeups(
      worker.connectionString!,
      { onListening: () => listening++, onLost: (error) => lost.push(error), onBack: () => back++ },
      { firstMs: 100, longestMs: 1000 },
    );
    const pauses = { ...POLL_PAUSES, idleMs: 60_000 };
    const queue = jobQueue(worker.db, () => new Date(), { pauses, wakeups });
    const ran: string[] = [];
    queue.register('prompt', async (job) => {
      ran.push(job.id);
      return {};
    });
    queue.start(2);
    const sender = jobQueue(otherNode.db, () => new Date(), { wakeups: postgresWakeups(worker.connectionString!) });
    const idleThenSend = async () => {
      // The workers polled when the listener connected, found nothing, and wait a minute for the next poll.
      await sleep(500);
      const id = await sender.enqueue('prompt', '823', {});
      await waitFor('the job to run', () => ran.includes(id), 20, 20);
    };

    await waitFor('the listener', () => listening === 1, 20, 20);
    await idleThenSend();

    // The server drops the listening connection (a restart, a failover, an administrator): it comes back.
    const ended = await sql<{ ended: boolean }>`
      SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity
      WHERE application_name = 's2s job wakeups' AND datname = current_database()`.execute(worker.db);
    assert.deepEqual(
      ended.rows.map((row) => row.ended),
      [true],
    );
    await waitFor('the listener to come back', () => listening === 2, 20, 20);
    assert.deepEqual([lost.length, back], [1, 1], 'the drop and the return are told once each');
    await idleThenSend();
    await queue.stop();
    const left = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM pg_stat_activity
      WHERE application_name = 's2s job wakeups' AND datname = current_database()`.execute(worker.db);
    assert.equal(left.rows[0]!.n, 0, 'stopped workers listen no more');
  });
});
