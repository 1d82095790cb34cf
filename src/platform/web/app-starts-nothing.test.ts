/**
 * Building the app starts nothing: tests, benchmarks and commands build it freely, and only `s2s serve` starts a
 * node's workers (`startBulkWork`) and housekeeping.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { testDatabases } from '../../../test/support/databases.js';
import { testServices } from '../../../test/support/services.js';
import { waitFor } from '../../../test/support/wait-for.js';
import { buildApp, startBulkWork } from '../../app/app.js';

const [database] = await testDatabases();

const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;

describe('building the app', () => {
  let services: Awaited<ReturnType<typeof testServices>>;
  before(async () => {
    services = await testServices(await database!.open());
  });
  after(() => services.close());

  it('starts no workers and no timers of its own; startBulkWork starts the workers', async () => {
    let ran = 0;
    services.jobs.register('probe', async () => {
      ran += 1;
      return {};
    });
    const id = await services.jobs.enqueue('probe', '823', {});
    await sleep(50);
    const before = timers();
    const app = await buildApp(services);
    await app.ready();
    // Workers poll at once when started: given time, a started worker would have taken the job.
    await sleep(500);
    assert.equal(ran, 0, 'no worker took the job');
    const state = await services.db.selectFrom('jobs').select('state').where('id', '=', id).executeTakeFirstOrThrow();
    assert.equal(state.state, 'queued');
    // The load-shedding sampler is the app's one timer: it measures the event loop for the requests it serves.
    assert.ok(timers() - before <= 1, `${timers() - before} timers started`);

    startBulkWork(app, services);
    await waitFor('the job to run once workers start', () => ran === 1, 20, 20);
    await app.close();
  });
});
