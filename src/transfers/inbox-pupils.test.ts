import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import yauzl from 'yauzl';
import { testDatabases } from '../../test/support/databases.js';
import { testServices } from '../../test/support/services.js';
import { ctfFile, noOtherNames, tokenFor, upload } from '../../test/support/transfers.js';
import { addUser, csrfFrom, seedRegister, signIn, type Browser, type TestServices } from '../../test/support/world.js';
import { buildApp } from '../app/app.js';
import type { FileResult } from './file-result.js';

const child = (forename: string, surname: string, dateOfBirth = '2015-04-09') => ({
  ...noOtherNames,
  forename,
  surname,
  dateOfBirth,
});

function zipNames(zip: Buffer): Promise<string[]> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (error, archive) => {
      if (error) return reject(error);
      const names: string[] = [];
      archive.on('entry', (entry: yauzl.Entry) => {
        names.push(entry.fileName);
        archive.readEntry();
      });
      archive.on('end', () => resolve(names));
      archive.on('error', reject);
      archive.readEntry();
    });
  });
}

for (const database of await testDatabases()) {
  describe(`the inbox and the sent list name each file’s pupils (${database.name})`, () => {
    let services: TestServices & { close(): Promise<void> };
    let app: FastifyInstance;
    let receiver: Browser; // Elmridge (8232002)
    let sender: Browser; // Hollins Lane Primary (8232003)
    let bystander: Browser; // another school in the LA
    const ids: string[] = [];

    before(async () => {
      services = await testServices(await database.open());
      await seedRegister(services);
      app = await buildApp(services);
      const sending = await addUser(services, { role: 'school-user', org: '8232003' });
      receiver = await signIn(app, services, await addUser(services, { role: 'school-user', org: '8232002' }));
      sender = await signIn(app, services, sending);
      bystander = await signIn(app, services, await addUser(services, { role: 'school-user', org: '8232004' }));
      const token = await tokenFor(services, sending.user);
      const one = ctfFile('8232003', '8232002', { people: [child('Marigold', 'Ashcombe', '2014-01-29')] });
      const many = ctfFile('8232003', '8232002', {
        people: ['Aldous', 'Bettina', 'Cuthbert', 'Dorcas', 'Ephraim', 'Fenella', 'Gideon'].map((n) =>
          child(n, 'Hawksworth'),
        ),
      });
      const response = await upload(app, token, [one, many]);
      assert.equal(response.statusCode, 201, response.body);
      ids.push(...(response.json().files as FileResult[]).map((f) => f.id as string));
    });
    after(async () => {
      await app.close();
      await services.close();
    });

    it('shows the receiving school each file’s pupils, the first five and how many more, audited as a read', async () => {
      const viewed = async () =>
        (
          await services.db
            .selectFrom('audit_events')
            .select('action')
            .where('action', '=', 'pupil-data.viewed')
            .execute()
        ).length;
      const before = await viewed();
      const inbox = await receiver.get('/inbox');
      assert.equal(inbox.statusCode, 200);
      assert.match(inbox.body, /Marigold Ashcombe, born 29 January 2014/);
      for (const name of ['Aldous', 'Bettina', 'Cuthbert', 'Dorcas', 'Ephraim'])
        assert.match(inbox.body, new RegExp(name));
      assert.doesNotMatch(inbox.body, /Fenella|Gideon/);
      assert.match(inbox.body, /and 2 more/);
      assert.equal(await viewed(), before + 1, 'the inbox is audited as a read of pupil data');

      const sent = await sender.get('/sent');
      assert.match(sent.body, /Marigold Ashcombe, born 29 January 2014/);
      assert.doesNotMatch((await bystander.get('/inbox')).body, /Marigold/);
    });

    it('filters the inbox to files not yet downloaded, and downloads two as one zip, each recorded as collected', async () => {
      const notDownloaded = await receiver.get('/inbox?show=not-downloaded');
      assert.match(notDownloaded.body, /2 files not yet downloaded/);

      const none = await receiver.post('/inbox/download', { _csrf: csrfFrom(notDownloaded.body) });
      assert.equal(none.statusCode, 303);
      assert.match((await receiver.get(none.headers.location as string)).body, /Select the files to download/);

      const refused = await bystander.post('/inbox/download', {
        _csrf: csrfFrom((await bystander.get('/inbox')).body),
        file: ids[0]!,
      });
      assert.equal(refused.statusCode, 404, 'another school cannot take the files');

      const form = new URLSearchParams([
        ['_csrf', csrfFrom(notDownloaded.body)] as [string, string],
        ...ids.map((id): [string, string] => ['file', id]),
      ]);
      const zip = await app.inject({
        method: 'POST',
        url: '/inbox/download',
        payload: form.toString(),
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          cookie: [...receiver.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        },
      });
      assert.equal(zip.statusCode, 200, zip.body);
      assert.equal(zip.headers['content-type'], 'application/zip');
      const names = await zipNames(zip.rawPayload);
      assert.equal(names.length, 2);
      assert.ok(
        names.every((n) => /^8232003_CTF_8232002_\d{3}\.XML$/.test(n)),
        names.join(),
      );

      const files = await services.db
        .selectFrom('transfer_files')
        .select(['id', 'collected_at'])
        .where('id', 'in', ids)
        .execute();
      assert.ok(
        files.every((f) => f.collected_at !== null),
        'each file in the zip is collected',
      );
      const downloads = await services.db
        .selectFrom('audit_events')
        .select('target_id')
        .where('action', '=', 'file.downloaded')
        .execute();
      assert.deepEqual(downloads.map((d) => d.target_id).sort(), [...ids].sort(), 'each download audited');
      const after = await receiver.get('/inbox?show=not-downloaded');
      assert.match(after.body, /You have downloaded every file in your inbox/);
    });
  });
}
