import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { FastifyInstance } from 'fastify';
import { testDatabases } from '../../../test/support/databases.js';
import { testServices } from '../../../test/support/services.js';
import { buildApp } from '../../app/app.js';
import { answerBody, closeBody } from '../../enquiries/enquiries.js';
import { foundBody, openBody } from '../../repository/record-access.js';
import { servedDocument } from './api-docs.js';
import { openApiPath, type OpenApiDocument } from './openapi.js';

const [database] = await testDatabases();

describe('OpenAPI document', () => {
  let services: Awaited<ReturnType<typeof testServices>>;
  let app: FastifyInstance;
  let document: OpenApiDocument;
  before(async () => {
    services = await testServices(await database!.open());
    app = await buildApp(services);
    await app.ready();
    document = servedDocument(app);
  });
  after(async () => {
    await app.close();
    await services.close();
  });

  const responses = (path: string, method: string) => {
    const operation = document.paths[path]?.[method] as { responses: Record<string, unknown> } | undefined;
    assert.ok(operation, `${method} ${path} is not documented`);
    return operation.responses;
  };

  it('documents every /api route the app serves, and serves every operation it documents', () => {
    const documented = Object.entries(document.paths)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    const served = app.routeTable
      .filter((r) => r.url.startsWith('/api/') && r.url !== '/api/v1/openapi.json')
      .map((r) => `${r.method} ${openApiPath(r.url)}`)
      .sort();
    assert.ok(served.length > 30);
    assert.deepEqual(documented, served);
  });

  it('describes the request-limit, address and conflict answers where the service gives them', () => {
    const text = (value: unknown) => JSON.stringify(value);
    const upload = responses('/api/v1/files', 'post');
    assert.match(text(upload['413']), /TOO_MANY_FILES/);
    assert.match(text(upload['202']), /S2S_ZIP_WAIT_SECONDS[\s\S]*statusUrl/);
    assert.ok((upload['202'] as { headers: Record<string, unknown> }).headers.Location);
    assert.match(text(upload['400']), /MALFORMED_UPLOAD/);
    assert.match(text(upload['422']), /TOO_MANY_PUPILS/);
    assert.match(text(upload['422']), /IDEMPOTENCY_KEY_REUSED/);
    assert.match(text(upload['415']), /NOT_MULTIPART/);
    assert.match(text(responses('/api/v1/repository/search', 'post')['429']), /LookupsRefused/);
    assert.match(text(document.components.responses.LookupsRefused), /SEARCH_RATE_LIMITED/);
    assert.match(text(responses('/api/v1/enquiries/{id}/send', 'post')['409']), /at the same moment/);
    assert.match(text(responses('/api/v1/files/{id}', 'get')['400']), /BadAddress/);
    assert.match(document.info.description, /BAD_ADDRESS/);
  });

  it('says every operation needs a token, and declares the download’s headers', () => {
    for (const [path, ops] of Object.entries(document.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const answers = (op as { responses: Record<string, unknown> }).responses;
        assert.ok(answers['401'], `${method} ${path} does not document 401`);
      }
    }
    const download = responses('/api/v1/files/{id}/content', 'get')['200'] as { headers: Record<string, unknown> };
    assert.deepEqual(Object.keys(download.headers).sort(), ['Content-Disposition', 'X-Content-SHA256']);
  });

  it('passes the OpenAPI linter’s recommended rules without an error or a warning', async () => {
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lintFromString({ source: JSON.stringify(document), absoluteRef: 'openapi.json', config });
    assert.deepEqual(
      problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer ?? ''}`),
      [],
    );
  });

  it('is served as JSON and has a readable page', async () => {
    const doc = await app.inject({ url: '/api/v1/openapi.json' });
    assert.equal(doc.statusCode, 200);
    assert.equal(doc.json().openapi, '3.1.0');
    assert.deepEqual(doc.json(), JSON.parse(JSON.stringify(document)));
    const page = await app.inject({ url: '/api-docs' });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /curl -H "Authorization: Bearer \$S2S_TOKEN" http:\/\/localhost:80\/api\/v1\/me/);
  });

  it('documents a body as the service checks it: each rule a JSON Schema can state, refused by both', () => {
    const ajv = new Ajv2020({ strict: false });
    ajv.addSchema({ $id: 'doc', components: document.components });
    const bodySchema = (path: string) => {
      const operation = document.paths[path]?.post as
        { requestBody: { content: Record<string, { schema: object }> } } | undefined;
      assert.ok(operation, `POST ${path} is not documented`);
      const schema = JSON.stringify(operation.requestBody.content['application/json']!.schema);
      return ajv.compile(JSON.parse(schema.replace(/"#\/components/g, '"doc#/components')));
    };
    const cases: Array<[string, { safeParse(v: unknown): { success: boolean } }, unknown[]]> = [
      [
        '/api/v1/repository/records/{id}/found',
        foundBody,
        [
          { outcome: 'enrolled' },
          { outcome: 'enrolled', laestab: '8232003' },
          { outcome: 'enrolled', laestab: '823200' },
          { outcome: 'known-elsewhere' },
          { outcome: 'known-elsewhere', note: 'Educated at home' },
          { outcome: 'moved' },
          {},
        ],
      ],
      [
        '/api/v1/repository/records/{id}/open',
        openBody,
        [{ reason: 'Joined Year 4 without a CTF' }, { reason: 'short' }, { reason: 'x'.repeat(501) }, {}],
      ],
      [
        '/api/v1/enquiries/{id}/answer',
        answerBody,
        [{ answer: 'not-known' }, { answer: 'maybe' }, { answer: 'checking', detail: 'x'.repeat(2001) }, {}],
      ],
      ['/api/v1/enquiries/{id}/close', closeBody, [{ outcome: 'not-found' }, { outcome: 'lost' }, {}]],
    ];
    for (const [path, schema, bodies] of cases) {
      const documented = bodySchema(path);
      for (const body of bodies)
        assert.equal(documented(body), schema.safeParse(body).success, `${path} ${JSON.stringify(body)}`);
    }
  });
});
