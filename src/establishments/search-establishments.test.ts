import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testDatabases } from '../../test/support/databases.js';
import { testServices } from '../../test/support/services.js';
import { seedRegister } from '../../test/support/world.js';
import { searchEstablishments } from './search-establishments.js';

for (const database of await testDatabases()) {
  describe(`finding a school by name (${database.name})`, () => {
    let services: Awaited<ReturnType<typeof testServices>>;
    before(async () => {
      services = await testServices(await database.open());
      await seedRegister(services);
    });
    after(() => services.close());

    const names = async (query: string, limit?: number) =>
      (await searchEstablishments(services.db, query, limit)).map((e) => e.name);

    it('finds a name with an apostrophe however the apostrophe is typed, or left out', async () => {
      for (const query of ["St Aidan's", 'St Aidan’s', 'St Aidans', 'st aidans cofe', 'Aidans']) {
        assert.deepEqual(await names(query), ["St Aidan's CofE Primary School"], query);
      }
    });

    it('finds a name with a small misspelling, and nothing unrelated', async () => {
      const expected: Record<string, string> = {
        "St Aiden's": "St Aidan's CofE Primary School",
        'St Aidens': "St Aidan's CofE Primary School",
        'Holins Lane': 'Hollins Lane Primary School',
        'Hollins Lnae': 'Hollins Lane Primary School',
        'Meadowbank Primry': 'Meadowbank',
      };
      for (const [query, wanted] of Object.entries(expected)) {
        const found = await names(query);
        assert.ok(found.length > 0, `${query} finds something`);
        assert.ok(
          found.every((name) => name.startsWith(wanted)),
          `${query} found ${found.join(', ')}`,
        );
      }
      assert.deepEqual(await names('St Andrews'), []);
    });

    it('treats other punctuation as a space, and punctuation alone as no search', async () => {
      assert.deepEqual(await names('Pen y Bryn'), ['Ysgol Gynradd Pen-y-Bryn']);
      for (const query of ['%', "''", '- -']) assert.deepEqual(await names(query), [], query);
    });

    it('puts names containing what was typed before near misses, and stops at the limit', async () => {
      const primaries = await names('Primary', 3);
      assert.equal(primaries.length, 3);
      assert.ok(primaries.every((name) => name.includes('Primary')));
      assert.equal((await names('St Aid'))[0], "St Aidan's CofE Primary School", 'a name half typed');
    });
  });
}
