import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { testDatabases } from '../../test/support/databases.js';
import { testServices } from '../../test/support/services.js';
import { ctfFile } from '../../test/support/transfers.js';
import { addUser, csrfFrom, seedRegister, signIn, type Browser, type TestServices } from '../../test/support/world.js';
import { buildApp } from '../app/app.js';

function form(fields: Array<[string, string] | [string, string, Buffer]>): { body: Buffer; type: string } {
  const boundary = '----s2s-page-test';
  const parts: Buffer[] = [];
  for (const [name, value, bytes] of fields) {
    const disposition = bytes ? `form-data; name="${name}"; filename="${value}"` : `form-data; name="${name}"`;
    parts.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n\r\n`),
      bytes ?? Buffer.from(value),
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), type: `multipart/form-data; boundary=${boundary}` };
}

const [database] = await testDatabases();

describe('transfer pages', () => {
  let services: TestServices & { close(): Promise<void> };
  let app: FastifyInstance;
  let sender: Browser;
  const post = (browser: Browser, url: string, payload: { body: Buffer; type: string }) =>
    app.inject({
      method: 'POST',
      url,
      payload: payload.body,
      headers: { 'content-type': payload.type, cookie: [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    });

  before(async () => {
    services = await testServices(await database!.open());
    await seedRegister(services);
    app = await buildApp(services);
    sender = await signIn(app, services, await addUser(services, { role: 'la-admin', org: '823' }));
  });
  after(async () => {
    await app.close();
    await services.close();
  });

  it('sends files from the form, checking the CSRF token before reading any file', async () => {
    const file = ctfFile('8232003', '3304101', { seed: 'page' });
    const token = csrfFrom((await sender.get('/send')).body);
    const ok = await post(
      sender,
      '/send',
      form([
        ['_csrf', token],
        ['file', file.name, file.bytes],
      ]),
    );
    assert.equal(ok.statusCode, 200);
    assert.match(ok.body, /Files sent/);
    assert.match(ok.body, /1 of 1 file accepted/);

    const forged = await post(sender, '/send', form([['file', file.name, file.bytes]]));
    assert.equal(forged.statusCode, 403);
    const wrong = await post(
      sender,
      '/send',
      form([
        ['_csrf', 'x'.repeat(43)],
        ['file', file.name, file.bytes],
      ]),
    );
    assert.equal(wrong.statusCode, 403);
    const files = await services.db.selectFrom('transfer_files').select('id').execute();
    assert.equal(files.length, 1, 'nothing from a forged form is stored');
  });

  it('names the schools a file went between, not just their numbers', async () => {
    const school = await signIn(app, services, await addUser(services, { role: 'school-user', org: '8232003' }));
    const token = csrfFrom((await school.get('/send')).body);
    const toSchool = ctfFile('8232003', '3304101', { seed: 'named' });
    const unknown = ctfFile('8232003', 'XXXXXXX', { seed: 'named-unknown' });
    const sent = await post(
      school,
      '/send',
      form([
        ['_csrf', token],
        ['file', toSchool.name, toSchool.bytes],
        ['file', unknown.name, unknown.bytes],
      ]),
    );
    assert.equal(sent.statusCode, 200);
    const list = (await school.get('/sent')).body;
    assert.match(list, /<td class="govuk-table__cell">Brackenford High School \(3304101\)/);
    assert.match(list, /<td class="govuk-table__cell">Unknown-destination repository \(XXXXXXX\)/);

    const receiver = await signIn(app, services, await addUser(services, { role: 'school-user', org: '3304101' }));
    const inbox = (await receiver.get('/inbox')).body;
    assert.match(inbox, /<td class="govuk-table__cell">Hollins Lane Primary School \(8232003\)<\/td>/);
    const id = /href="\/files\/([0-9a-f-]{36})"/.exec(inbox)?.[1];
    assert.ok(id, 'the inbox links to the file');
    const page = (await receiver.get(`/files/${id}`)).body;
    assert.match(page, /Hollins Lane Primary School \(8232003\)/);
    assert.match(page, /Brackenford High School \(3304101\)/);
  });

  it('still requires the CSRF token when other forms are sent as multipart', async () => {
    const target = await addUser(services, { role: 'school-user', org: '8232002' });
    const response = await post(sender, `/users/${target.user.id}/disable`, form([['reason', 'x']]));
    assert.equal(response.statusCode, 403);
    const row = await services.db
      .selectFrom('users')
      .select('status')
      .where('id', '=', target.user.id)
      .executeTakeFirstOrThrow();
    assert.equal(row.status, 'active');
  });

  it('asks for a file when none was chosen', async () => {
    const token = csrfFrom((await sender.get('/send')).body);
    const empty = await post(
      sender,
      '/send',
      form([
        ['_csrf', token],
        ['file', '', Buffer.alloc(0)],
      ]),
    );
    assert.equal(empty.statusCode, 400);
    assert.match(empty.body, /Choose one or more files to send/);
  });
});
