/**
 * Every answer the API gives carries only what the document declares. Random sequences of calls, valid and not,
 * by every role and by nobody, are answered by an app holding real transfers, leavers, new pupils and enquiries;
 * each JSON answer is checked against its operation's schema for that status, with every object closed to fields
 * it does not name, so a child's detail that leaks into an answer unannounced fails here.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { FastifyInstance, InjectOptions } from 'fastify';
import fc from 'fast-check';
import { apiActor, apiPost, leaverWithCtfSent, type Actor } from '../../../test/support/api.js';
import { testDatabases } from '../../../test/support/databases.js';
import { testServices } from '../../../test/support/services.js';
import { ctfFile, multipart, upload } from '../../../test/support/transfers.js';
import { seedRegister, type TestServices } from '../../../test/support/world.js';
import { servedDocument } from './api-docs.js';
import { buildApp } from '../../app/app.js';
import { openApiPath, type OpenApiDocument } from './openapi.js';

const DOCUMENT_ID = 'https://s2s.test/openapi.json';

type Json = Record<string, unknown>;

/** The document with every object schema closed: no field beyond those it names. */
function closed(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(closed);
  if (value === null || typeof value !== 'object') return value;
  const out: Json = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, closed(v)]));
  if (out.type === 'object' && out.properties) out.additionalProperties = false;
  if (typeof out.$ref === 'string') out.$ref = out.$ref.replace(/^#/, DOCUMENT_ID + '#');
  return out;
}

/** Checks a status and JSON body against the operation's declared answer, by the route Fastify matched. */
function answerChecker(document: OpenApiDocument) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  const strict = closed(document) as OpenApiDocument;
  ajv.addSchema({ $id: DOCUMENT_ID, components: strict.components });
  const compiled = new Map<string, ValidateFunction>();
  return (route: string, method: string, status: number, body: string, contentType: string | undefined) => {
    const operation = strict.paths[openApiPath(route)]?.[method.toLowerCase()] as
      { responses: Record<string, Json> } | undefined;
    assert.ok(operation, `${method} ${route} is not documented`);
    let answer = operation.responses[String(status)];
    assert.ok(answer, `${method} ${route} answered ${status}, which it does not document`);
    if (typeof answer.$ref === 'string') {
      const name = answer.$ref.split('/').pop()!;
      answer = (strict.components.responses as Record<string, Json>)[name]!;
    }
    const content = answer.content as Record<string, { schema: Json }> | undefined;
    if (!content) return assert.equal(body, '', `${method} ${route} ${status} declares no body`);
    if (!contentType?.startsWith('application/json')) {
      return assert.ok(
        Object.keys(content).some((type) => contentType?.startsWith(type)),
        `${method} ${route} ${status} sent ${contentType}`,
      );
    }
    const key = `${method} ${route} ${status}`;
    let validate = compiled.get(key);
    if (!validate) compiled.set(key, (validate = ajv.compile(content['application/json']!.schema)));
    const valid = validate(JSON.parse(body));
    assert.ok(valid, `${key}: ${ajv.errorsText(validate.errors)}`);
  };
}

const [database] = await testDatabases();

describe('every API answer', () => {
  let services: TestServices & { close(): Promise<void> };
  let app: FastifyInstance;
  let check: ReturnType<typeof answerChecker>;
  const actors: Array<Actor | undefined> = [undefined];
  const ids: string[] = [];
  let answered = 0;

  before(async () => {
    services = await testServices(await database!.open());
    await seedRegister(services);
    app = await buildApp(services);
    await app.ready();
    check = answerChecker(servedDocument(app));
    const school = await apiActor(services, 'school-user', '8232003');
    const receiving = await apiActor(services, 'school-user', '3304101');
    const la = await apiActor(services, 'la-user', '823');
    actors.push(school, receiving, la, await apiActor(services, 'la-admin', '330'));
    actors.push(await apiActor(services, 'dfe-admin', 'DFE'));
    // Something in every list: a file sent and one in the repository, a leaver, a new pupil, an enquiry.
    ids.push(
      await leaverWithCtfSent(app, school, '3304101', {
        surname: 'Marsh',
        forename: 'Toby',
        dateOfBirth: '2016-07-09',
        upn: 'G823200326950',
      }),
    );
    const toRepository = await upload(app, school.token, [ctfFile('8232003', 'XXXXXXX')]);
    ids.push((toRepository.json().files as Array<{ id: string }>)[0]!.id);
    const joiner = await apiPost(app, receiving, '/api/v1/joiners', {
      surname: 'Hartly',
      forename: 'Amelia',
      dateOfBirth: '2016-04-03',
      previousLAEstab: '8232003',
      joinedOn: '2026-11-02',
    });
    ids.push(joiner.json().id);
    const enquiry = await apiPost(app, la, '/api/v1/enquiries', {
      surname: 'Marsh',
      forename: 'Toby',
      dateOfBirth: '2016-07-09',
      lastAddress: '1 High Street',
      concern: 'Not seen since half term',
    });
    ids.push(enquiry.json().id);
  });
  after(async () => {
    await app.close();
    await services.close();
  });

  const anyJson = fc.jsonValue({ maxDepth: 2 });
  const child = fc.record(
    {
      surname: fc.constantFrom('Marsh', 'Hartly', '', 'O’Brien-Smith'),
      forename: fc.constantFrom('Toby', 'Amelia', 'x'.repeat(120)),
      dateOfBirth: fc.constantFrom('2016-07-09', '2016-04-03', '2016-02-30', 'yesterday'),
      upn: fc.constantFrom('G823200326950', 'A123'),
      sex: fc.constantFrom('M', 'F', 'X'),
    },
    { requiredKeys: [] },
  );
  const body = fc.oneof(
    anyJson,
    child,
    fc.tuple(child, fc.dictionary(fc.string(), anyJson)).map(([a, b]) => ({ ...b, ...a })),
  );
  const id = fc.oneof(
    fc.constantFrom(...[0, 1, 2, 3].map((i) => () => ids[i]!)).map((f) => f()),
    fc.uuid(),
    fc.constantFrom('%zz', 'not-an-id'),
  );
  const lists = [
    '/api/v1/inbox',
    '/api/v1/sent',
    '/api/v1/jobs',
    '/api/v1/me',
    '/api/v1/notifications',
    '/api/v1/joiners',
    '/api/v1/joiners/with-la',
    '/api/v1/leavers',
    '/api/v1/ctf-requests',
    '/api/v1/enquiries',
    '/api/v1/enquiries/received',
    '/api/v1/cme-cases',
    '/api/v1/repository/found',
  ];
  const call: fc.Arbitrary<InjectOptions> = fc.oneof(
    fc.constantFrom(...lists).map((url) => ({ method: 'GET' as const, url })),
    fc
      .tuple(
        fc.constantFrom(
          '/api/v1/leavers/at-your-schools?show=',
          '/api/v1/reports/cme?year=',
          '/api/v1/reports/national?year=',
          '/api/v1/establishments?q=',
        ),
        fc.constantFrom(
          '',
          'destination-unknown',
          'without-ctf',
          '2026/27',
          '1999/00',
          'Hollins',
          '%',
          'x'.repeat(101),
        ),
      )
      .map(([url, value]) => ({ method: 'GET' as const, url: url + encodeURIComponent(value) })),
    fc
      .tuple(fc.constantFrom('/api/v1/files/', '/api/v1/jobs/', '/api/v1/enquiries/'), id)
      .map(([url, value]) => ({ method: 'GET' as const, url: url + value })),
    fc
      .tuple(
        fc.constantFrom(
          '/api/v1/repository/search',
          '/api/v1/joiners',
          '/api/v1/leavers',
          '/api/v1/enquiries',
          '/api/v1/cme-cases',
          '/api/v1/notifications/read',
        ),
        body,
      )
      .map(([url, payload]) => ({
        method: 'POST' as const,
        url,
        payload: JSON.stringify(payload),
        headers: { 'content-type': 'application/json' },
      })),
    fc
      .tuple(
        fc.constantFrom(
          '/api/v1/repository/records/{id}/open',
          '/api/v1/enquiries/{id}/send',
          '/api/v1/ctf-requests/{id}/answer',
          '/api/v1/cme-cases/{id}/close',
        ),
        id,
        body,
      )
      .map(([url, value, payload]) => ({
        method: 'POST' as const,
        url: url.replace('{id}', value),
        payload: JSON.stringify(payload),
        headers: { 'content-type': 'application/json' },
      })),
    fc.constantFrom('3304101', 'XXXXXXX', '8232003').map((destination) => {
      const { body: payload, contentType } = multipart([ctfFile('8232003', destination)]);
      return { method: 'POST' as const, url: '/api/v1/files', payload, headers: { 'content-type': contentType } };
    }),
  );

  /** Makes the call as `actor` (nobody when undefined) and checks its answer against the document. */
  const answer = async (actor: Actor | undefined, options: InjectOptions) => {
    const headers = {
      ...(options.headers as Record<string, string> | undefined),
      ...(actor ? { authorization: `Bearer ${actor.token}` } : {}),
    };
    const response = await app.inject({ ...options, headers });
    const route = String(options.url).split('?')[0]!;
    const matched = app.routeTable.find(
      (r) => r.method === options.method && new RegExp(`^${r.url.replace(/:\w+/g, '[^/]+')}$`).test(route),
    );
    assert.ok(matched, `${options.method} ${route} matches a route`);
    check(matched.url, options.method!, response.statusCode, response.body, response.headers['content-type'] as string);
    answered += 1;
  };

  it('of every list, to every role, carries only the fields its operation declares', async () => {
    for (const actor of actors) for (const url of lists) await answer(actor, { method: 'GET', url });
    for (const actor of actors)
      for (const file of ids) await answer(actor, { method: 'GET', url: `/api/v1/files/${file}` });
  });

  it('carries only the fields its operation declares, success or error', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(actors.length - 1), call), { minLength: 1, maxLength: 4 }),
        async (calls) => {
          for (const [who, options] of calls) await answer(actors[who], options);
        },
      ),
      { numRuns: 60 },
    );
    assert.ok(answered >= 60);
  });
});
