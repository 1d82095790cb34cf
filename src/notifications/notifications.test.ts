import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { testDatabases } from '../../test/support/databases.js';
import { testServices } from '../../test/support/services.js';
import { ctfFile, tokenFor, upload } from '../../test/support/transfers.js';
import { addUser, seedRegister, signIn, type TestServices } from '../../test/support/world.js';
import { buildApp } from '../app/app.js';

for (const database of await testDatabases()) {
  describe(`the notifications page (${database.name})`, () => {
    let services: TestServices & { close(): Promise<void> };
    let app: FastifyInstance;

    before(async () => {
      services = await testServices(await database.open());
      await seedRegister(services);
      app = await buildApp(services);
    });
    after(async () => {
      await app.close();
      await services.close();
    });

    it('counts the files waiting in the inbox, and those about to expire, as they stand', async () => {
      const sender = await addUser(services, { role: 'school-user', org: '8232003' });
      const receiving = await addUser(services, { role: 'school-user', org: '3304101' });
      const none = await (await signIn(app, services, receiving)).get('/notifications');
      assert.equal(none.statusCode, 200);
      assert.doesNotMatch(none.body, /id="inbox-waiting"/);

      const token = await tokenFor(services, sender.user);
      assert.equal((await upload(app, token, [ctfFile('8232003', '3304101')])).statusCode, 201);
      services.clock.advance(55 * 86_400_000);
      assert.equal((await upload(app, token, [ctfFile('8232003', '3304101')])).statusCode, 201);
      // Sessions do not last 55 days: sign in again.
      const page = await (await signIn(app, services, receiving)).get('/notifications');
      assert.match(page.body, /2 files are waiting in your inbox<\/a>; 1 expires within a week/);

      const la = await signIn(app, services, await addUser(services, { role: 'dfe-admin', org: 'DFE' }));
      assert.doesNotMatch((await la.get('/notifications')).body, /waiting in your inbox/, 'DfE has no inbox');
    });
  });
}
