import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { testDatabases } from '../../../test/support/databases.js';
import { testServices } from '../../../test/support/services.js';
import { buildApp } from '../../app/app.js';
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

  it('describes the request-limit, address and conflict answers where the service gives them', () => {
    const text = (value: unknown) => JSON.stringify(value);
    const responses = (path: keyof typeof openApiDocument.paths, method: string) =>
      (openApiDocument.paths[path] as Record<string, { responses: Record<string, unknown> }>)[method]!.responses;
    const upload = responses('/api/v1/files', 'post');
    assert.match(text(upload['413']), /TOO_MANY_FILES/);
    assert.match(text(upload['202']), /S2S_ZIP_WAIT_SECONDS[\s\S]*statusUrl/);
    assert.ok((upload['202'] as { headers: Record<string, unknown> }).headers.Location);
    assert.match(text(upload['400']), /MALFORMED_UPLOAD/);
    assert.match(text(upload['422']), /TOO_MANY_PUPILS/);
    assert.match(text(responses('/api/v1/repository/search', 'post')['429']), /LookupsRefused/);
    assert.match(text(openApiDocument.components.responses.LookupsRefused), /SEARCH_RATE_LIMITED/);
    assert.match(text(responses('/api/v1/enquiries/{id}/send', 'post')['409']), /at the same moment/);
    assert.match(text(responses('/api/v1/files/{id}', 'get')['400']), /BadAddress/);
    assert.match(openApiDocument.info.description, /BAD_ADDRESS/);
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
