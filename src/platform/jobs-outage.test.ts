/**
 * Fault test: the bulk-job workers while their database is away, on a PostgreSQL cluster the test stops itself.
 * They must wait longer after each failed poll, up to a cap, report the outage once and its end once, however many
 * workers and polls, and take jobs again once it is back.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ownPostgresUnavailable, startOwnPostgres, type OwnPostgres } from '../../test/support/own-postgres.js';
import { waitFor } from '../../test/support/wait-for.js';
import { migrateToLatest, openPostgres, type OpenedDatabase } from './database.js';
import { jobQueue } from './jobs.js';

const unavailable = ownPostgresUnavailable();
if (unavailable && process.env.CI) throw new Error(`CI needs a PostgreSQL cluster of the test's own: ${unavailable}`);

describe(
  'bulk-job workers while the database is away',
  { skip: unavailable ? `no PostgreSQL cluster of its own: ${unavailable}` : false },
  () => {
    let cluster: OwnPostgres;
    let opened: OpenedDatabase;
    before(async () => {
      cluster = await startOwnPostgres();
      opened = openPostgres(await cluster.createDatabase('s2s_jobs_outage'), 4);
      await migrateToLatest(opened.db);
    });
    after(async () => {
      await opened?.close();
      await cluster?.destroy();
    });

    it('back off to a cap, say so once each way, and take jobs again', { timeout: 120_000 }, async () => {
      // Short pauses keep the test quick; the doubling and the cap are what it checks.
      const queue = jobQueue(opened.db, () => new Date(), {
        pauses: { idleMs: 50, firstRetryMs: 100, longestRetryMs: 800 },
      });
      queue.register('work', async () => ({ ok: true }));
      const pauses: number[] = [];
      const lost: unknown[] = [];
      const back: number[] = [];
      // Stopped however the test ends: workers left polling would keep the test process alive for ever.
      try {
        queue.start(2, {
          onPollFailed: (_error, pauseMs) => pauses.push(pauseMs),
          onPollingLost: (error) => lost.push(error),
          onPollingBack: (afterMs) => back.push(afterMs),
        });
        await sleep(200);
        assert.deepEqual([lost, pauses], [[], []], 'polls succeed while the database is up');

        await cluster.stop();
        try {
          await waitFor('the workers to reach the cap', () => pauses.filter((p) => p === 800).length >= 4);
        } finally {
          await cluster.start();
        }
        await waitFor('the workers to poll again', () => back.length > 0);
        // Each worker doubles its pause from 100 ms and stays at 800 ms: some ten polls in three seconds, where two
        // workers polling at their idle pace of 50 ms would have made over a hundred.
        const counts = (pause: number) => pauses.filter((p) => p === pause).length;
        assert.deepEqual([counts(100), counts(200), counts(400)], [2, 2, 2]);
        assert.ok(
          pauses.every((p) => [100, 200, 400, 800].includes(p)),
          String(pauses),
        );
        assert.equal(lost.length, 1, 'the outage is reported once');
        // Refused, reset mid-read or terminated: whichever way the connection went, it is the one outage.
        assert.match(String(lost[0]), /ECONNREFUSED|ECONNRESET|connect|terminat/i);

        const id = await queue.enqueue('work', '823', {});
        assert.equal((await queue.waitFor(id, 30_000)).state, 'done');
        await sleep(300);
        assert.equal(back.length, 1, 'its end is reported once');
        assert.equal(lost.length, 1);
      } finally {
        await queue.stop();
      }
    });

    it(
      'keeps a worker whose job could not record its end, and the job is taken over',
      { timeout: 120_000 },
      async () => {
        const queue = jobQueue(opened.db, () => new Date(), {
          pauses: { idleMs: 50, firstRetryMs: 100, longestRetryMs: 800 },
        });
        const errors: unknown[] = [];
        let started!: () => void;
        const running = new Promise<void>((resolve) => (started = resolve));
        let databaseAway!: () => void;
        const away = new Promise<void>((resolve) => (databaseAway = resolve));
        queue.register('work', async (job, context) => {
          if (job.attempts === 1) {
            started();
            await away;
            // Fails: the database is away. So does recording that the job failed, after it.
            await context.record(1, { step: 'one' });
          }
          return { attempts: job.attempts };
        });
        const id = await queue.enqueue('work', '823', {});
        const requeued: unknown[] = [];
        queue.start(1, { onError: (error) => errors.push(error), onRequeued: (_job, error) => requeued.push(error) });
        await running;
        await cluster.stop();
        databaseAway();
        try {
          // The job is not reported as failed (the database went away under it); putting it back fails too.
          await waitFor('the job to be put back, and that to fail', () =>
            requeued.length >= 1 && errors.length >= 1 ? true : undefined,
          );
        } finally {
          await cluster.start();
        }
        // Once its lease has run out the same worker, still polling, takes the job over.
        const finished = await queue.waitFor(id, 60_000);
        assert.deepEqual([finished.state, finished.result], ['done', { attempts: 2 }]);
        await queue.stop();
      },
    );
  },
);
