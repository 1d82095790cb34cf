import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { testDatabases } from '../../../test/support/databases.js';
import { testServices } from '../../../test/support/services.js';
import { ctfFile, makeZip, tokenFor, upload } from '../../../test/support/transfers.js';
import { addUser, seedRegister, signIn, type TestServices } from '../../../test/support/world.js';
import { housekeeping } from '../../app/housekeeping.js';
import { buildApp, startBulkWork } from '../../app/app.js';
import { bearerMatches } from './metrics-route.js';

const TOKEN = 'metrics-token-for-tests-0123456789abcdef';
const DAY = 86_400_000;

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Reads Prometheus's text format: one sample a line, `name{label="value",…} number`. */
function samples(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      assert.ok(match, `not a sample line: ${line}`);
      const labels: Record<string, string> = {};
      for (const [, key, value] of match[2]?.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g) ?? []) {
        labels[key!] = value!;
      }
      return { name: match[1]!, labels, value: Number(match[3]) };
    });
}

/** The sum of the samples of `name` whose labels include `labels`; absent counts as 0. */
function valueOf(all: Sample[], name: string, labels: Record<string, string> = {}): number {
  return all
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

const has = (all: Sample[], name: string) => all.some((s) => s.name === name);

for (const database of await testDatabases()) {
  describe(`Prometheus metrics at /metrics (${database.name})`, () => {
    let services: TestServices & { close(): Promise<void> };
    let app: FastifyInstance;
    let sender: string;
    let searcher: string;
    let la: Awaited<ReturnType<typeof addUser>>;
    const scrape = async () => {
      const response = await app.inject({ url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
      assert.equal(response.statusCode, 200, response.body);
      assert.match(String(response.headers['content-type']), /^text\/plain; version=0\.0\.4/);
      return samples(response.body);
    };

    before(async () => {
      services = await testServices(await database.open(), { env: { S2S_METRICS_TOKEN: TOKEN } });
      await seedRegister(services);
      app = await buildApp(services);
      // A serving node's app, with its share of the bulk work: the zip below is unpacked by its workers.
      startBulkWork(app, services);
      sender = await tokenFor(services, (await addUser(services, { role: 'school-user', org: '8232003' })).user);
      searcher = await tokenFor(services, (await addUser(services, { role: 'school-user', org: '3304101' })).user);
      la = await addUser(services, { role: 'la-user', org: '330' });
    });
    after(async () => {
      await app.close();
      await services.close();
    });

    it('refuses a scrape without the token, or with a wrong one, in constant time', async () => {
      const without = await app.inject({ url: '/metrics' });
      assert.equal(without.statusCode, 401);
      assert.match(String(without.headers['www-authenticate']), /^Bearer/);
      const wrong = await app.inject({ url: '/metrics', headers: { authorization: `Bearer ${TOKEN.slice(0, -1)}x` } });
      assert.equal(wrong.statusCode, 401);
      assert.doesNotMatch(wrong.body, /s2s_/);
      assert.equal(bearerMatches(`bearer ${TOKEN}`, TOKEN), true, 'the scheme is case-insensitive');
      assert.equal(bearerMatches(TOKEN, TOKEN), false, 'a bare token is not a bearer token');
      assert.equal(bearerMatches(undefined, TOKEN), false);
    });

    it('serves the named series, changed by real traffic: uploads, a search, housekeeping and a 503', async () => {
      const before = await scrape();
      const ctf = ctfFile('8232003', '3304101', { seed: 'metrics-delivered' });
      assert.equal((await upload(app, sender, [ctf])).statusCode, 201);
      assert.equal((await upload(app, sender, [ctf])).statusCode, 422, 'the same file again is a duplicate');
      const toRepository = ctfFile('8232003', 'XXXXXXX', { seed: 'metrics-repository' });
      assert.equal((await upload(app, sender, [toRepository])).statusCode, 201);
      // A zip's files are counted as its job unpacks them, each once.
      const inZip = ctfFile('8232003', '3304101', { seed: 'metrics-zipped' });
      const zip = { name: 'leavers.zip', bytes: makeZip([{ name: inZip.name, data: inZip.bytes }]) };
      assert.equal((await upload(app, sender, [zip])).statusCode, 201);
      const notCtf = { name: '8232003_CTF_3304101_777.XML', bytes: Buffer.from('not xml at all') };
      assert.equal((await upload(app, sender, [notCtf])).statusCode, 422);

      const searched = await app.inject({
        method: 'POST',
        url: '/api/v1/repository/search',
        payload: { surname: 'Nobody', dateOfBirth: '2015-01-01' },
        headers: { authorization: `Bearer ${searcher}` },
      });
      assert.equal(searched.statusCode, 200, searched.body);

      // Storage that a write found full refuses uploads before reading them, with 503 STORAGE_FULL.
      services.storage.noteFull('blobs');
      const refused = await upload(app, sender, [ctfFile('8232003', '3304101', { seed: 'metrics-refused' })]);
      services.storage.noteWritten();
      assert.equal(refused.statusCode, 503);
      assert.equal(refused.json().error.code, 'STORAGE_FULL');

      // A session and the two files delivered uncollected, all past their time: housekeeping removes them.
      await signIn(app, services, la);
      services.clock.advance(61 * DAY);
      const report = await housekeeping(services);
      assert.equal(report.files, 2);
      assert.ok((report.sessions ?? 0) >= 1);

      const after = await scrape();
      const change = (name: string, labels: Record<string, string> = {}) =>
        valueOf(after, name, labels) - valueOf(before, name, labels);

      assert.equal(change('s2s_uploads_total', { outcome: 'delivered', file_type: 'CTF' }), 2);
      assert.equal(change('s2s_uploads_total', { outcome: 'duplicate', file_type: 'CTF' }), 1);
      assert.equal(change('s2s_uploads_total', { outcome: 'in-repository', file_type: 'CTF' }), 1);
      assert.equal(change('s2s_uploads_total', { outcome: 'rejected' }), 1);
      assert.equal(change('s2s_repository_searches_total', { outcome: 'no_match' }), 1);
      assert.equal(change('s2s_refusals_total', { code: 'STORAGE_FULL' }), 1);
      assert.equal(change('s2s_purged_total', { kind: 'files' }), 2);
      assert.equal(change('s2s_purged_total', { kind: 'sessions' }), report.sessions);
      assert.equal(change('s2s_purged_total', { kind: 'litter_bodies' }), report.litterBodies);
      assert.equal(change('s2s_purged_total', { kind: 'finished_jobs' }), report.finishedJobs);

      const uploads = { route: '/api/v1/files', method: 'POST' };
      assert.equal(change('s2s_http_request_duration_seconds_count', { ...uploads, status_class: '2xx' }), 3);
      assert.equal(change('s2s_http_request_duration_seconds_count', { ...uploads, status_class: '4xx' }), 2);
      assert.equal(change('s2s_http_request_duration_seconds_count', { ...uploads, status_class: '5xx' }), 1);
      assert.ok(change('s2s_http_request_duration_seconds_sum', uploads) > 0);
      assert.equal(
        change('s2s_http_request_duration_seconds_bucket', { ...uploads, status_class: '2xx', le: '+Inf' }),
        3,
      );

      for (const name of [
        's2s_refusals_total',
        's2s_slow_bodies_disconnected_total',
        's2s_job_polls_failed_total',
        's2s_idempotency_takeovers_total',
        's2s_database_pool_waiting',
        's2s_jobs_queue_read',
        'nodejs_eventloop_lag_seconds',
        'nodejs_eventloop_lag_p99_seconds',
      ]) {
        assert.ok(has(after, name), `${name} is served`);
      }
      for (const code of ['DATABASE_UNAVAILABLE', 'BUSY', 'TOO_MANY_UPLOADS']) {
        assert.ok(
          after.some((s) => s.name === 's2s_refusals_total' && s.labels.code === code),
          code,
        );
      }
    });

    it('labels requests by route pattern, never by the address: no ids, names or tokens in a label', async () => {
      await app.inject({
        url: '/api/v1/files/00000000-0000-4000-8000-000000000000',
        headers: { authorization: `Bearer ${sender}` },
      });
      await app.inject({ url: '/no-such-page?surname=Hartly' });
      const all = await scrape();
      const routes = new Set(all.flatMap((s) => (s.labels.route === undefined ? [] : [s.labels.route])));
      assert.ok(routes.has('/api/v1/files/:id'), [...routes].join(' '));
      assert.ok(routes.has('unmatched'), [...routes].join(' '));
      const labelText = all.flatMap((s) => Object.values(s.labels)).join('\n');
      assert.doesNotMatch(labelText, /00000000-0000|Hartly|no-such-page|8232003_CTF/);
      assert.equal(labelText.includes(sender), false);
      assert.equal(labelText.includes(TOKEN), false);
    });

    it('reports the jobs waiting by kind and the oldest one’s age, read from the queue at the scrape', async () => {
      // With this node's workers stopped, a queued job stays queued.
      await services.jobs.stop();
      await services.jobs.enqueue('metrics-test', '8232003', {});
      services.clock.advance(90_000);
      await services.jobs.enqueue('metrics-test', '8232003', {});
      const all = await scrape();
      assert.equal(valueOf(all, 's2s_jobs_waiting', { kind: 'metrics-test' }), 2);
      assert.equal(valueOf(all, 's2s_jobs_oldest_waiting_seconds', { kind: 'metrics-test' }), 90);
      assert.equal(valueOf(all, 's2s_jobs_queue_read'), 1);
    });
  });
}

describe('the metrics endpoint without S2S_METRICS_TOKEN', () => {
  it('answers 404, so nothing says it is there', async () => {
    const [database] = await testDatabases();
    const services = await testServices(await database!.open());
    const app = await buildApp(services);
    try {
      const response = await app.inject({ url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
      assert.equal(response.statusCode, 404);
      assert.doesNotMatch(response.body, /s2s_|metrics/);
    } finally {
      await app.close();
      await services.close();
    }
  });
});
