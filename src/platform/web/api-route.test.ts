import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import { z } from 'zod';
import { apiRoute, declareApiErrors } from './api-route.js';
import { isApi } from './http-error.js';

/** A bare app with one operation whose handler answers `payload`, as an internal type might grow to. */
async function appAnswering(payload: unknown, faults: string[] = []) {
  const app = Fastify();
  declareApiErrors(app, isApi);
  app.setErrorHandler((error: Error, _request, reply) => {
    faults.push(error.message);
    return reply.code(500).send({ error: { code: 'INTERNAL', message: 'Sorry.' } });
  });
  apiRoute(
    app,
    {
      method: 'GET',
      url: '/api/v1/child',
      access: 'public',
      summary: 'A child',
      responses: {
        200: { description: 'The child.', body: z.object({ id: z.string(), school: z.object({ name: z.string() }) }) },
      },
    },
    async () => payload,
  );
  app.get('/api/v1/untyped', { config: { access: 'public' } }, async (_request, reply) =>
    reply.code(409).send({ error: { code: 'CONFLICT', message: 'No.', upn: 'A123456789012' } }),
  );
  return app;
}

describe('an API operation’s answers', () => {
  it('send only the fields its schema declares, at every depth', async () => {
    const app = await appAnswering({
      id: 'c1',
      upn: 'A123456789012',
      school: { name: 'Hollins Lane', dateOfBirth: '2016-04-03' },
    });
    const answer = await app.inject({ url: '/api/v1/child' });
    assert.equal(answer.statusCode, 200);
    assert.deepEqual(answer.json(), { id: 'c1', school: { name: 'Hollins Lane' } });
  });

  it('refuse to send an answer that does not fit its schema, naming the field but not its value', async () => {
    const errors: string[] = [];
    const app = await appAnswering({ id: 'c1', school: { name: 42 } }, errors);
    const answer = await app.inject({ url: '/api/v1/child' });
    assert.equal(answer.statusCode, 500);
    assert.deepEqual(answer.json(), { error: { code: 'INTERNAL', message: 'Sorry.' } });
    assert.match(errors[0] ?? '', /school\.name: invalid_type/);
    assert.doesNotMatch(errors[0] ?? '', /42/);
  });

  it('send errors from outside any operation through the one error schema', async () => {
    const app = await appAnswering({});
    const answer = await app.inject({ url: '/api/v1/untyped' });
    assert.equal(answer.statusCode, 409);
    assert.deepEqual(answer.json(), { error: { code: 'CONFLICT', message: 'No.' } });
  });
});
