import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { testDatabases } from '../../test/support/databases.js';
import { testServices } from '../../test/support/services.js';
import { ctfFile, tokenFor, upload } from '../../test/support/transfers.js';
import { addUser, seedRegister, signIn, type TestServices } from '../../test/support/world.js';
import { housekeeping, scheduleHousekeeping } from '../app/housekeeping.js';
import { buildApp } from '../app/app.js';
import { purgeExpired } from './retention.js';

const DAY = 86_400_000;

for (const database of await testDatabases()) {
  describe(`retention (${database.name})`, () => {
    let services: TestServices & { close(): Promise<void> };
    let app: FastifyInstance;
    let sender: string;
    let receiver: string;
    let la: Awaited<ReturnType<typeof addUser>>;
    const get = (token: string, url: string) => app.inject({ url, headers: { authorization: `Bearer ${token}` } });

    before(async () => {
      services = await testServices(await database.open());
      await seedRegister(services);
      app = await buildApp(services);
      sender = await tokenFor(services, (await addUser(services, { role: 'school-user', org: '8232003' })).user);
      receiver = await tokenFor(services, (await addUser(services, { role: 'school-user', org: '3304101' })).user);
      la = await addUser(services, { role: 'la-user', org: '330' });
    });
    after(async () => {
      await app.close();
      await services.close();
    });

    it('destroys an uncollected file after 60 days, warning the sender and the LA in the last week', async () => {
      const sent = await upload(app, sender, [ctfFile('8232003', '3304101', { seed: 'uncollected' })]);
      const id = sent.json().files[0].id as string;
      const blob = await services.db
        .selectFrom('transfer_files')
        .select('blob_id')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();

      services.clock.advance(52 * DAY);
      const early = (await (await signIn(app, services, la)).get('/files-within-la')).body;
      assert.match(early, /3304101/);
      assert.equal(early.includes('will be deleted within a week'), false);
      services.clock.advance(2 * DAY);
      const laPage = (await (await signIn(app, services, la)).get('/files-within-la')).body;
      assert.match(laPage, /1 file has not been collected and will be deleted within a week/);
      assert.equal((await purgeExpired(services)).files, 0);

      services.clock.advance(6 * DAY + 1000);
      const report = await housekeeping(services);
      assert.equal(report.files, 1);
      assert.equal((await get(receiver, `/api/v1/files/${id}/content`)).statusCode, 404);
      assert.equal((await get(sender, '/api/v1/sent')).json().files[0].state, 'expired');
      const key = await services.db
        .selectFrom('blob_keys')
        .select('blob_id')
        .where('blob_id', '=', blob.blob_id)
        .executeTakeFirst();
      assert.equal(key, undefined, 'the data key is destroyed');
      const audit = await services.db
        .selectFrom('audit_events')
        .select('details')
        .where('action', '=', 'retention.purged')
        .execute();
      assert.ok(audit.some((a) => (a.details.ids as string[]).includes(id)));
    });

    it('keeps a collected file 30 days after its first collection', async () => {
      const id = (await upload(app, sender, [ctfFile('8232003', '3304101', { seed: 'collected' })])).json().files[0]
        .id as string;
      services.clock.advance(10 * DAY);
      await get(receiver, `/api/v1/files/${id}/content`);
      services.clock.advance(29 * DAY);
      await purgeExpired(services);
      assert.equal((await get(receiver, `/api/v1/files/${id}/content`)).statusCode, 200);
      services.clock.advance(2 * DAY);
      await purgeExpired(services);
      assert.equal((await get(receiver, `/api/v1/files/${id}/content`)).statusCode, 404);
    });

    it('keeps unknown-destination files and their records for 12 months', async () => {
      const id = (await upload(app, sender, [ctfFile('8232003', 'XXXXXXX', { seed: 'lost' })])).json().files[0]
        .id as string;
      services.clock.advance(364 * DAY);
      await purgeExpired(services);
      const active = await services.db
        .selectFrom('repository_records')
        .select('status')
        .where('file_id', '=', id)
        .executeTakeFirstOrThrow();
      assert.equal(active.status, 'active');
      services.clock.advance(2 * DAY);
      const report = await purgeExpired(services);
      assert.equal(report.repositoryRecords, 1);
      const expired = await services.db
        .selectFrom('repository_records')
        .select('status')
        .where('file_id', '=', id)
        .executeTakeFirstOrThrow();
      assert.equal(expired.status, 'expired');
    });

    it('purges what is already past its retention as soon as a node starts, not after the first interval', async () => {
      const id = (await upload(app, sender, [ctfFile('8232003', '3304101', { seed: 'while-down' })])).json().files[0]
        .id as string;
      services.clock.advance(61 * DAY);
      const stop = scheduleHousekeeping(services, (error) => assert.fail(error as Error), 10);
      try {
        const state = async () => (await get(sender, `/api/v1/files/${id}`)).json().state as string;
        for (let waited = 0; (await state()) !== 'expired' && waited < 10_000; waited += 50)
          await new Promise((resolve) => setTimeout(resolve, 50));
        assert.equal(await state(), 'expired');
      } finally {
        stop();
      }
    });

    it('lets several nodes purge at once without doing any file twice', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 12; i++)
        ids.push(
          (await upload(app, sender, [ctfFile('8232003', '9092201', { seed: `many-${i}` })])).json().files[0].id,
        );
      services.clock.advance(61 * DAY);
      const reports = await Promise.all([purgeExpired(services), purgeExpired(services), purgeExpired(services)]);
      assert.equal(
        reports.reduce((sum, r) => sum + r.files, 0),
        12,
      );
    });
  });
}
