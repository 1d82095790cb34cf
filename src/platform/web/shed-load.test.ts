import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { testDatabases } from '../../../test/support/databases.js';
import { testServices } from '../../../test/support/services.js';
import type { TestServices } from '../../../test/support/world.js';
import { buildApp } from '../../app/app.js';
import { isPressure, SAMPLE_INTERVAL_MS } from './shed-load.js';

describe('shedding load', () => {
  it('takes a second with no delay sample for pressure only when the threshold is a second or less', () => {
    assert.equal(isPressure('eventLoopDelay', Infinity, 60_000), false);
    assert.equal(isPressure('eventLoopDelay', Infinity, SAMPLE_INTERVAL_MS), true);
  });

  it('sheds on a measured delay and on every other kind of pressure', () => {
    assert.equal(isPressure('eventLoopDelay', 70_000, 60_000), true);
    assert.equal(isPressure('heapUsedBytes', 1, 60_000), true);
  });
});

const [database] = await testDatabases();
describe('a node that fell behind', () => {
  let services: TestServices & { close(): Promise<void> };
  let app: FastifyInstance;
  before(async () => {
    services = await testServices(await database!.open(), { env: { S2S_MAX_EVENT_LOOP_DELAY_MS: '1000' } });
    app = await buildApp(services);
    await app.ready();
  });
  after(async () => {
    await app.close();
    await services.close();
  });

  it('answers pages with its own 503 page and Retry-After, and the API with JSON', async () => {
    // Hold the event loop for longer than the threshold; the next sample then finds the node behind.
    const until = Date.now() + 2.5 * SAMPLE_INTERVAL_MS;
    while (Date.now() < until) {
      // busy on purpose
    }
    await sleep(20);
    const page = await app.inject({ url: '/sign-in' });
    const api = await app.inject({ url: '/api/v1/me' });
    assert.equal(page.statusCode, 503, page.body);
    assert.equal(page.headers['retry-after'], '10');
    assert.match(String(page.headers['content-type']), /text\/html/);
    assert.match(page.body, /govuk-heading-l/);
    assert.equal(page.body.includes('Cannot read properties'), false);
    assert.equal(api.statusCode, 503);
    assert.equal(api.json().error.code, 'BUSY');
  });
});
