import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { testDatabases } from '../../../test/support/databases.js';
import { testServices } from '../../../test/support/services.js';
import { buildApp } from './app.js';
import { openApiDocument } from './openapi.js';

const [database] = await testDatabases();

describe('OpenAPI document', () => {
  let services: Awaited<ReturnType<typeof testServices>>;
  let app: FastifyInstance;
  before(async () => {
    services = await testServices(await database!.open());
    app = await buildApp(services);
  });
  after(async () => {
    await app.close();
    await services.close();
  });

  it('describes every /api/v1 route the app serves', () => {
    const documented = new Set(
      Object.entries(openApiDocument.paths).flatMap(([path, ops]) =>
        Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
      ),
    );
    const served = app.routeTable
      .filter((r) => r.url.startsWith('/api/v1/') && r.url !== '/api/v1/openapi.json')
      .map((r) => `${r.method} ${r.url.replace(/:(\w+)/g, '{$1}')}`);
    assert.ok(served.length > 0);
    for (const route of served) assert.ok(documented.has(route), `${route} is not in the OpenAPI document`);
  });

  it('is served as JSON and has a readable page', async () => {
    const doc = await app.inject({ url: '/api/v1/openapi.json' });
    assert.equal(doc.statusCode, 200);
    assert.equal(doc.json().openapi, '3.1.0');
    const page = await app.inject({ url: '/api-docs' });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /curl -H "Authorization: Bearer \$S2S_TOKEN" http:\/\/localhost:80\/api\/v1\/me/);
  });
});
