/**
 * The audit trail reads as what people did: actions in words, the reason they gave, and, for the LA administrator
 * who oversees them, the child each row is about, with a link to its page. DfE administrators see no child.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { apiActor, apiPost } from '../../test/support/api.js';
import { testDatabases } from '../../test/support/databases.js';
import { testServices } from '../../test/support/services.js';
import { ctfFile, upload } from '../../test/support/transfers.js';
import { addUser, seedRegister, signIn, type TestServices } from '../../test/support/world.js';
import { buildApp } from '../app/app.js';

for (const database of await testDatabases()) {
  describe(`the audit trail in words (${database.name})`, () => {
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

    it('names the action, the reason and, to the LA administrator, the child', async () => {
      // A Hollins Lane pupil left for an unknown destination; a Brackenford school opens her record.
      const leaving = await apiActor(services, 'school-user', '8232003');
      const pupil = { surname: 'Thornbury', forename: 'Wren', dateOfBirth: '2014-07-07' };
      assert.equal(
        (await upload(app, leaving.token, [ctfFile('8232003', 'XXXXXXX', { people: [pupil] })])).statusCode,
        201,
      );
      const school = await apiActor(services, 'school-user', '3304101');
      const search = await apiPost(app, school, '/api/v1/repository/search', pupil);
      const record = (search.json().results as Array<{ id: string }>)[0]!.id;
      const reason = 'Joined Year 7 on 2 November without a CTF';
      assert.equal(
        (await apiPost(app, school, `/api/v1/repository/records/${record}/open`, { reason })).statusCode,
        200,
      );
      const officer = await apiActor(services, 'la-user', '330');
      const opened = await apiPost(app, officer, '/api/v1/cme-cases', {
        surname: 'Fenwick',
        forename: 'Jude',
        dateOfBirth: '2013-03-03',
        lastInEducationOn: '2026-09-30',
        identifiedOn: '2026-10-20',
      });
      assert.equal(opened.statusCode, 201, opened.body);

      const admin = await signIn(app, services, await addUser(services, { role: 'la-admin', org: '330' }));
      const trail = (await admin.get('/audit')).body;
      assert.match(
        trail,
        /Opened a repository record<br><span class="govuk-body-s">Reason given: “Joined Year 7 on 2 November without a CTF”/,
      );
      assert.match(trail, /Wren Thornbury/);
      assert.match(trail, /Added a child to the CME register/);
      assert.match(
        trail,
        new RegExp(`Jude Fenwick<br><a class="govuk-link govuk-body-s" href="/cme-cases/${opened.json().id}">`),
      );
      const cells = [...trail.matchAll(/<td class="govuk-table__cell">([a-z-]+\.[a-z.-]+)</g)].map((m) => m[1]);
      assert.deepEqual(cells, [], 'no action codes as the words');

      const dfe = await signIn(app, services, await addUser(services, { role: 'dfe-admin', org: 'DFE' }));
      const national = (await dfe.get('/audit')).body;
      assert.match(national, /Opened a repository record/);
      assert.equal(national.includes('Wren Thornbury'), false, 'DfE sees no child');
    });
  });
}
