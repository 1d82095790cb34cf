import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testDatabases } from '../../test/support/databases.js';
import { testServices } from '../../test/support/services.js';
import { HEARTBEAT_MS, jobQueue, LEASE_MS } from './jobs.js';

for (const database of await testDatabases()) {
  describe(`bulk job queue (${database.name})`, () => {
    let services: Awaited<ReturnType<typeof testServices>>;
    before(async () => {
      services = await testServices(await database.open());
    });
    after(() => services.close());

    it('shares workers fairly: a second organisation does not wait behind the first one’s backlog', async () => {
      const queue = jobQueue(services.db, () => new Date());
      const started: string[] = [];
      const releases: Array<() => void> = [];
      queue.register('work', async (job) => {
        started.push(job.payload.name as string);
        await new Promise<void>((resolve) => releases.push(resolve));
        return { name: job.payload.name };
      });
      const ids: string[] = [];
      for (const name of ['A1', 'A2', 'A3', 'A4']) ids.push(await queue.enqueue('work', '823', { name }));
      ids.push(await queue.enqueue('work', '3304101', { name: 'B1' }));
      queue.start(2);
      while (started.length < 2) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.deepEqual(started.sort(), ['A1', 'B1'], 'the second worker takes the other organisation’s job');
      while (started.length < 5 || releases.length > 0) {
        releases.splice(0).forEach((release) => release());
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const finished = await Promise.all(ids.map((id) => queue.waitFor(id)));
      assert.deepEqual(
        finished.map((f) => f.result?.name),
        ['A1', 'A2', 'A3', 'A4', 'B1'],
      );
      await queue.stop();
    });

    it('gives four nodes starting at once one job of each of four organisations, not four of the first', async () => {
      const started: string[] = [];
      const releases: Array<() => void> = [];
      const nodes = [1, 2, 3, 4].map(() => jobQueue(services.db, () => new Date()));
      for (const node of nodes)
        node.register('work', async (job) => {
          started.push(job.orgCode);
          await new Promise<void>((resolve) => releases.push(resolve));
          return {};
        });
      const ids: string[] = [];
      for (const org of ['871', '872', '873', '874'])
        for (let n = 0; n < 3; n++) ids.push(await nodes[0]!.enqueue('work', org, {}));
      for (const node of nodes) node.start(1);
      while (started.length < 4) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.deepEqual(started.toSorted(), ['871', '872', '873', '874']);
      while (started.length < ids.length || releases.length > 0) {
        releases.splice(0).forEach((release) => release());
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await Promise.all(ids.map((id) => nodes[0]!.waitFor(id)));
      await Promise.all(nodes.map((node) => node.stop()));
    });

    it('resumes a job whose node died, skipping the items it had finished', async () => {
      let now = new Date('2026-11-02T09:00:00Z');
      const crashed = jobQueue(services.db, () => now);
      const seen: number[] = [];
      // A crash leaves the job running with a lease; simulate it by claiming without finishing.
      const id = await crashed.enqueue('items', '823', {});
      await services.db
        .updateTable('jobs')
        .set({ state: 'running', lease_until: new Date(now.getTime() + 60_000) })
        .where('id', '=', id)
        .execute();
      await services.db
        .insertInto('job_items')
        .values([
          { job_id: id, seq: 0, result: JSON.stringify({ item: 0 }) },
          { job_id: id, seq: 1, result: JSON.stringify({ item: 1 }) },
        ])
        .execute();
      now = new Date(now.getTime() + 10 * 60_000);
      const survivor = jobQueue(services.db, () => now);
      survivor.register('items', async (_job, context) => {
        for (let seq = 0; seq < 4; seq++) {
          if (context.done.has(seq)) continue;
          seen.push(seq);
          await context.record(seq, { item: seq });
        }
        return { items: 4 };
      });
      survivor.start(1);
      const result = await survivor.waitFor(id);
      await survivor.stop();
      assert.equal(result.state, 'done');
      assert.deepEqual(seen, [2, 3]);
    });

    it('holds a running job by a short lease that its heartbeat renews, so only a dead node’s job is taken over', async () => {
      let now = new Date('2026-11-02T09:00:00Z');
      const working = jobQueue(services.db, () => now);
      let release!: () => void;
      let starts = 0;
      working.register('slow', async () => {
        starts += 1;
        await new Promise<void>((resolve) => (release = resolve));
        return {};
      });
      const id = await working.enqueue('slow', '823', {});
      working.start(1);
      while (starts === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      const lease = async () =>
        (await services.db.selectFrom('jobs').select('lease_until').where('id', '=', id).executeTakeFirstOrThrow())
          .lease_until!;
      assert.ok((await lease()).getTime() - now.getTime() <= LEASE_MS, 'a claim holds for seconds, not minutes');
      // Long past the first lease: the heartbeat has renewed it, so another node leaves the job alone.
      now = new Date(now.getTime() + 10 * LEASE_MS);
      await new Promise((resolve) => setTimeout(resolve, HEARTBEAT_MS + 500));
      assert.ok((await lease()).getTime() > now.getTime(), 'the heartbeat renewed the lease');
      const other = jobQueue(services.db, () => now);
      other.register('slow', async () => {
        starts += 1;
        return {};
      });
      other.start(1);
      await new Promise((resolve) => setTimeout(resolve, 600));
      assert.equal(starts, 1, 'the job runs once');
      release();
      assert.equal((await working.waitFor(id)).state, 'done');
      await Promise.all([working.stop(), other.stop()]);
    });
  });
}
