import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testDatabases } from '../../test/support/databases.js';
import { testServices } from '../../test/support/services.js';
import type { TestServices } from '../../test/support/world.js';
import { matchRepository } from '../repository/match-repository.js';
import { demoAccounts, seedDemo } from './seed-demo.js';

const [pglite] = await testDatabases();

describe('the demo', () => {
  let services: TestServices & { close(): Promise<void> };
  before(async () => {
    services = await testServices(await pglite!.open());
  });
  after(() => services.close());

  it('creates one account per role and leavers in the repository, once', async () => {
    const credentials = await seedDemo(services);
    assert.deepEqual(
      credentials.map((c) => c.email),
      demoAccounts.map((a) => a.email),
    );
    const records = await services.db.selectFrom('repository_records').select(['left_laestab', 'status']).execute();
    assert.equal(records.length, 30);
    assert.ok(records.every((r) => r.left_laestab === '8232003' && r.status === 'active'));
    const found = await matchRepository(
      services.db,
      { surname: 'Hartly', forename: 'Amelia', dateOfBirth: '2016-04-03' },
      { now: services.now() },
    );
    assert.deepEqual(
      found.map((r) => [r.forename, r.surname, r.dateOfBirth]),
      [['Amelia', 'Hartley', '2016-03-04']],
    );
    assert.deepEqual(await seedDemo(services), [], 'a second start seeds nothing');
  });
});
