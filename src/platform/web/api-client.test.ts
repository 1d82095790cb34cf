/**
 * The API as a supplier's generated client meets it: types made by openapi-typescript from the served document
 * (kept in test/support/openapi-schema.ts, and checked to be current), and openapi-fetch calling a listening app.
 * The calls type-check against the generated types without casts, so a document that mistypes a body, a part or
 * an answer fails the type-check.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import createClient from 'openapi-fetch';
import { apiActor, type Actor } from '../../../test/support/api.js';
import { apiTypesFile, apiTypesSource } from '../../../test/support/api-types.js';
import { testDatabases } from '../../../test/support/databases.js';
import type { paths } from '../../../test/support/openapi-schema.js';
import { testServices } from '../../../test/support/services.js';
import { ctfFile } from '../../../test/support/transfers.js';
import { seedRegister, type TestServices } from '../../../test/support/world.js';
import { servedDocument } from './api-docs.js';
import { buildApp } from '../../app/app.js';

const [database] = await testDatabases();

describe('a client generated from the OpenAPI document', () => {
  let services: TestServices & { close(): Promise<void> };
  let app: FastifyInstance;
  let base: string;
  let sender: Actor;
  let recipient: Actor;
  const clientFor = (who: Actor) =>
    createClient<paths>({ baseUrl: base, headers: { authorization: `Bearer ${who.token}` } });

  before(async () => {
    services = await testServices(await database!.open());
    await seedRegister(services);
    app = await buildApp(services);
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    sender = await apiActor(services, 'school-user', '8232003');
    recipient = await apiActor(services, 'school-user', '3304101');
  });
  after(async () => {
    await app.close();
    await services.close();
  });

  it('is made from the document the app serves now', async () => {
    assert.equal(
      await apiTypesSource(servedDocument(app)),
      fs.readFileSync(apiTypesFile, 'utf8'),
      'test/support/openapi-schema.ts is out of date: run `npx tsx scripts/api-types.ts`',
    );
  });

  it('sends a CTF as multipart, finds it in the recipient’s inbox, collects its exact bytes, and reads an error', async () => {
    const ctf = ctfFile('8232003', '3304101', { pupils: 2 });
    const sent = await clientFor(sender).POST('/api/v1/files', {
      params: { header: { 'Idempotency-Key': crypto.randomUUID() } },
      body: { file: [new Blob([ctf.bytes])] },
      // Each part carries its file name, which says where the file goes.
      bodySerializer: (body) => {
        const form = new FormData();
        for (const part of body.file) form.append('file', part, ctf.name);
        return form;
      },
    });
    assert.equal(sent.response.status, 201, JSON.stringify(sent.error));
    const result = sent.data?.files[0];
    assert.equal(result?.status, 'delivered');
    assert.equal(result?.fileType, 'CTF');

    const inbox = await clientFor(recipient).GET('/api/v1/inbox');
    const waiting = inbox.data?.files.find((f) => f.id === result?.id);
    assert.ok(waiting, 'the file is in the recipient’s inbox');
    assert.equal(waiting.fileName, ctf.name);
    assert.equal(waiting.collectedAt, null);

    const download = await clientFor(recipient).GET('/api/v1/files/{id}/content', {
      params: { path: { id: waiting.id } },
      parseAs: 'arrayBuffer',
    });
    assert.equal(download.response.status, 200);
    const bytes = Buffer.from(download.data!);
    assert.deepEqual(bytes, ctf.bytes);
    const digest = crypto.createHash('sha256').update(bytes).digest('hex');
    assert.equal(download.response.headers.get('x-content-sha256'), digest);
    assert.equal(waiting.sha256, digest);

    const missing = await clientFor(recipient).GET('/api/v1/files/{id}', {
      params: { path: { id: crypto.randomUUID() } },
    });
    assert.equal(missing.response.status, 404);
    assert.equal(missing.error?.error.code, 'NOT_FOUND');

    const refused = await clientFor(recipient).POST('/api/v1/repository/search', {
      body: { surname: 'Hartly', dateOfBirth: 'not a date' },
    });
    assert.equal(refused.response.status, 422);
    assert.equal(refused.error?.error.code, 'INVALID_SEARCH');
    assert.deepEqual(
      refused.error?.error.fields?.map((f) => f.field),
      ['dateOfBirth'],
    );
  });
});
