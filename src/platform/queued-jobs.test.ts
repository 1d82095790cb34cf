/**
 * A job written by its cause, in the cause's own transaction: it exists exactly when the cause committed, wakes the
 * workers when announced, and a command or test can run what waits without starting workers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testDatabases } from '../../test/support/databases.js';
import { testServices } from '../../test/support/services.js';
import { waitFor } from '../../test/support/wait-for.js';
import { jobQueue, queuedJob } from './jobs.js';

for (const database of await testDatabases()) {
  describe(`jobs written by their cause (${database.name})`, () => {
    let services: Awaited<ReturnType<typeof testServices>>;
    before(async () => {
      services = await testServices(await database.open());
    });
    after(() => services.close());

    it('exist only when their cause committed, and run in-process until none waits', async () => {
      const queue = jobQueue(services.db, () => new Date());
      const ran: string[] = [];
      queue.register('follow', async (job) => {
        ran.push(job.payload.cause as string);
        return {};
      });
      await services.db.transaction().execute((trx) =>
        trx
          .insertInto('jobs')
          .values(queuedJob('follow', '823', { cause: 'kept' }, new Date()))
          .execute(),
      );
      await assert.rejects(
        services.db.transaction().execute(async (trx) => {
          await trx
            .insertInto('jobs')
            .values(queuedJob('follow', '823', { cause: 'undone' }, new Date()))
            .execute();
          throw new Error('the cause failed');
        }),
      );
      assert.equal(await queue.runQueued(), 1);
      assert.deepEqual(ran, ['kept']);
      assert.equal(await queue.runQueued(), 0, 'nothing is left');
    });

    it('wakes idle workers when announced', async () => {
      // Workers that would otherwise poll only once a minute.
      const queue = jobQueue(services.db, () => new Date(), {
        pauses: { idleMs: 60_000, firstRetryMs: 500, longestRetryMs: 1_000 },
      });
      let ran = 0;
      queue.register('announced', async () => {
        ran++;
        return {};
      });
      queue.start(1);
      try {
        await new Promise((resolve) => setTimeout(resolve, 200));
        await services.db
          .insertInto('jobs')
          .values(queuedJob('announced', '823', {}, new Date()))
          .execute();
        await queue.announce();
        await waitFor('the announced job to run', () => ran === 1 || undefined, 10);
      } finally {
        await queue.stop();
      }
    });
  });
}
