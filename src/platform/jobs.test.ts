import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testDatabases } from '../../test/support/databases.js';
import { testServices } from '../../test/support/services.js';
import { waitFor } from '../../test/support/wait-for.js';
import { housekeeping } from '../app/housekeeping.js';
import { inProcessWakeups } from './job-wakeups.js';
import { abandonedError, HEARTBEAT_MS, jobQueue, LEASE_MS, type Job } from './jobs.js';

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
    it('gives up a job whose every attempt stops its node, and says why, however late a stopped node comes back', async () => {
      const start = new Date('2026-11-02T09:00:00Z').getTime();
      // Each node keeps its own clock: a node that has stopped renews nothing, and the next node sees its lease
      // run out. Each attempt "stops its node" by never finishing: the handler hangs until the test lets it go.
      const hung: Array<() => void> = [];
      let attempts = 0;
      const abandoned: Job[] = [];
      const node = (at: number) => {
        const queue = jobQueue(services.db, () => new Date(at), { maxAttempts: 3 });
        queue.register(
          'crashes',
          async () => {
            attempts += 1;
            await new Promise<void>((resolve) => hung.push(resolve));
            return { finished: true };
          },
          { onAbandoned: async (job) => void abandoned.push(job) },
        );
        return queue;
      };
      const first = node(start);
      const id = await first.enqueue('crashes', '823', {});
      const nodes = [first, node(start + 2 * LEASE_MS), node(start + 4 * LEASE_MS)];
      for (const [n, queue] of nodes.entries()) {
        queue.start(1);
        await waitFor(`attempt ${n + 1}`, () => attempts === n + 1, 10, 20);
      }
      const errors: unknown[] = [];
      const last = node(start + 6 * LEASE_MS);
      last.start(1, { onError: (error) => errors.push(error) });
      const status = await last.waitFor(id, 10_000);
      assert.equal(attempts, 3, 'the fourth node does not start the job again');
      assert.deepEqual(status, { state: 'failed', result: null, error: abandonedError(3) });
      assert.match(status.error!, /^Given up after 3 attempts: each time, the server working on it stopped/);
      assert.deepEqual(
        abandoned.map((job) => job.id),
        [id],
        'what the job left behind is tidied away once',
      );
      assert.match(String(errors[0]), /given up after 3 attempts/);
      // The stopped nodes come back and finish: the job stays as it was given up.
      hung.forEach((resolve) => resolve());
      await Promise.all([...nodes, last].map((queue) => queue.stop()));
      const row = await services.db
        .selectFrom('jobs')
        .select(['state', 'error', 'attempts'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      assert.deepEqual(row, { state: 'failed', error: abandonedError(3), attempts: 3 });
    });

    it('puts a job the database went away under back in the queue, its attempt not counted, and finishes it', async () => {
      const queue = jobQueue(services.db, () => new Date(), { maxAttempts: 1 });
      let runs = 0;
      queue.register('blip', async (_job, context) => {
        runs += 1;
        await context.record(runs, { run: runs });
        // What node-postgres throws for a query whose connection the server dropped.
        if (runs === 1) throw Object.assign(new Error('Connection terminated unexpectedly'), { code: undefined });
        return { done: [...context.done.keys()] };
      });
      const id = await queue.enqueue('blip', '823', {});
      queue.start(1);
      const finished = await queue.waitFor(id);
      await queue.stop();
      assert.equal(finished.state, 'done', finished.error ?? '');
      assert.deepEqual(finished.result, { done: [1] }, 'the second run resumed after the item the first recorded');
      const row = await services.db
        .selectFrom('jobs')
        .select('attempts')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      assert.equal(row.attempts, 1, 'the interrupted attempt was not counted against a cap of one');
    });

    it('deletes finished jobs and their items after their retention, counted in housekeeping’s report', async () => {
      const now = services.now().getTime();
      const day = 86_400_000;
      const job = async (state: 'done' | 'failed' | 'running', finishedDaysAgo: number | null) => {
        const id = crypto.randomUUID();
        await services.db
          .insertInto('jobs')
          .values({
            id,
            kind: 'retention',
            org_code: '823',
            payload: '{}',
            state,
            created_at: new Date(now - 40 * day),
            finished_at: finishedDaysAgo === null ? null : new Date(now - finishedDaysAgo * day),
            lease_until: state === 'running' ? new Date(now + LEASE_MS) : null,
          })
          .execute();
        await services.db.insertInto('job_items').values({ job_id: id, seq: 0, result: '{}' }).execute();
        return id;
      };
      const old = [await job('done', 31), await job('failed', 30.5)];
      const kept = [await job('done', 29), await job('failed', 1), await job('running', null)];
      const report = await housekeeping(services);
      assert.equal(report.finishedJobs, 2);
      const left = await services.db.selectFrom('jobs').select('id').where('kind', '=', 'retention').execute();
      assert.deepEqual(left.map((j) => j.id).sort(), kept.toSorted());
      const items = await services.db.selectFrom('job_items').select('job_id').where('job_id', 'in', old).execute();
      assert.deepEqual(items, [], 'their items go with them');
    });

    it('wakes an idle worker when a job is queued, though it polls only once a minute', async () => {
      const wakeups = inProcessWakeups();
      const idle = { idleMs: 60_000, firstRetryMs: 500, longestRetryMs: 10_000 };
      const worker = jobQueue(services.db, () => new Date(), { pauses: idle, wakeups });
      worker.register('prompt', async () => ({ ran: true }));
      let polls = 0;
      worker.start(2, { onPollFailed: () => polls++ });
      // Long enough for both workers to have polled, found nothing and gone idle.
      await new Promise((resolve) => setTimeout(resolve, 300));
      // Queued through another handle on the same process (a request's transaction does this), not the worker's.
      const sender = jobQueue(services.db, () => new Date(), { wakeups });
      const id = await sender.enqueue('prompt', '823', {});
      const status = await worker.waitFor(id, 20_000);
      assert.equal(status.state, 'done', 'run well before the next poll, a minute away');
      assert.equal(polls, 0);
      await worker.stop();
    });
  });
}
