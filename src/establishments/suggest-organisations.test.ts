/**
 * The suggestions a school or LA field fetches as its name is typed: the number the field takes with the name to
 * show, a few at a time, for signed-in users only.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { testDatabases } from '../../test/support/databases.js';
import { suiteApp } from '../../test/support/suite-app.js';
import { addUser, Browser, signIn } from '../../test/support/world.js';
import { MAX_SUGGESTIONS, type OrganisationSuggestion } from './suggest-organisations.js';

for (const database of await testDatabases()) {
  describe(`suggesting a school or LA by name (${database.name})`, () => {
    const suite = suiteApp(database, {});

    async function clerk() {
      const account = await addUser(suite.services, { role: 'school-user', org: '8232003' });
      return signIn(suite.app, suite.services, account);
    }
    async function suggest(browser: Browser, query: string): Promise<OrganisationSuggestion[]> {
      const response = await browser.get(`/establishments/suggest?${query}`);
      assert.equal(response.statusCode, 200, response.body);
      return (response.json() as { suggestions: OrganisationSuggestion[] }).suggestions;
    }

    it('answers a school’s name, town and LAEstab, with the LAEstab as the value, misspelt or not', async () => {
      const browser = await clerk();
      const aidans = { value: '8232002', label: "St Aidan's CofE Primary School, Ashdown (8232002)" };
      assert.deepEqual(await suggest(browser, 'kind=school&q=St+Aidans'), [aidans]);
      assert.deepEqual(await suggest(browser, `kind=school&q=${encodeURIComponent("St Aiden's")}`), [aidans]);
      assert.deepEqual(await suggest(browser, 'kind=school&q=823%2F2002'), [aidans], 'by its number too');
      const closed = await suggest(browser, 'kind=school&q=Meadowbank+Primary+School');
      assert.match(closed.find((s) => s.value === '8232001')?.label ?? '', /\(8232001, closed\)$/);
    });

    it('answers at most a handful, however many match', async () => {
      const browser = await clerk();
      const schools = await suggest(browser, 'kind=school&q=School');
      assert.ok(schools.length > 0 && schools.length <= MAX_SUGGESTIONS, `${schools.length} suggestions`);
      const count = await suite.services.db
        .selectFrom('establishments')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('name', 'like', '%School%')
        .executeTakeFirstOrThrow();
      assert.ok(Number(count.n) > MAX_SUGGESTIONS, 'the register has more schools than that to offer');
    });

    it('answers an LA’s name and code, by either', async () => {
      const browser = await clerk();
      assert.deepEqual(await suggest(browser, 'kind=la&q=brackenf'), [{ value: '330', label: 'Brackenford (330)' }]);
      assert.deepEqual(await suggest(browser, 'kind=la&q=Kestral+Moor'), [
        { value: '909', label: 'Kestrel Moor (909)' },
      ]);
      assert.deepEqual(await suggest(browser, 'kind=la&q=94'), [{ value: '940', label: 'Northwold (940)' }]);
      assert.deepEqual(await suggest(browser, 'kind=la&q=%25'), []);
      assert.deepEqual(await suggest(browser, 'kind=la&q=Hollins'), [], 'no schools among LAs');
    });

    it('answers LAs and then schools for a field that takes either', async () => {
      const browser = await clerk();
      const both = await suggest(browser, 'kind=any&q=Kestrel+Moor');
      assert.deepEqual(both[0], { value: '909', label: 'Kestrel Moor (909)' });
      assert.ok(both.slice(1).length > 0 && both.slice(1).every((s) => /^\d{7}$/.test(s.value)), JSON.stringify(both));
    });

    it('refuses a request without a kind or with too long a query, saying which', async () => {
      const browser = await clerk();
      const noKind = await browser.get('/establishments/suggest?q=Hollins');
      assert.equal(noKind.statusCode, 400);
      assert.match(noKind.body, /kind must be school, la or any/);
      const long = await browser.get(`/establishments/suggest?kind=school&q=${'a'.repeat(101)}`);
      assert.equal(long.statusCode, 400);
      assert.match(long.body, /at most 100 characters/);
    });

    it('answers nobody who is not signed in', async () => {
      const response = await new Browser(suite.app).get('/establishments/suggest?kind=school&q=Hollins');
      assert.notEqual(response.statusCode, 200);
      assert.doesNotMatch(response.body, /Hollins Lane/);
    });
  });
}
