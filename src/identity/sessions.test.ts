import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { testDatabases } from '../../test/support/databases.js';
import { testServices } from '../../test/support/services.js';
import { addUser, Browser, csrfFrom, seedRegister, signIn, type TestServices } from '../../test/support/world.js';
import { housekeeping } from '../app/housekeeping.js';
import { buildApp } from '../app/app.js';

for (const database of await testDatabases()) {
  describe(`sessions and sign-in rate limits (${database.name})`, () => {
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

    it('limits sign-in attempts per address, counted in the database, and recovers after the window', async () => {
      const browser = new Browser(app);
      const token = csrfFrom((await browser.get('/sign-in')).body);
      const statuses: number[] = [];
      for (let i = 0; i < 31; i++) {
        statuses.push(
          (await browser.post('/sign-in', { _csrf: token, email: `nobody${i}@example.org`, password: 'x' })).statusCode,
        );
      }
      assert.deepEqual(statuses.slice(0, 30), Array(30).fill(400));
      assert.equal(statuses[30], 429);
      const counter = await services.db.selectFrom('rate_limits').select(['key', 'count']).execute();
      assert.ok(counter.some((c) => c.key.includes('/sign-in') && c.count === 31));
      services.clock.advance(61_000);
      assert.equal(
        (await browser.post('/sign-in', { _csrf: token, email: 'a@b.example', password: 'x' })).statusCode,
        400,
      );
    });

    it('housekeeping removes expired sessions and leaves live ones', async () => {
      const account = await addUser(services, { role: 'school-user', org: '8232003' });
      await signIn(app, services, account);
      services.clock.advance(31 * 60_000);
      const live = await signIn(app, services, account);
      const { sessions } = await housekeeping(services);
      assert.ok((sessions ?? 0) >= 1);
      assert.equal((await live.get('/')).statusCode, 200);
      const left = await services.db
        .selectFrom('sessions')
        .select('user_id')
        .where('user_id', '=', account.user.id)
        .execute();
      assert.equal(left.length, 1);
    });
  });
}
