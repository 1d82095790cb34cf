/**
 * Pages that list organisations by code show each by name and number: an LA administrator's users list and audit
 * trail say "Hollins Lane Primary School (8232003)", not a bare number.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { testDatabases } from '../../test/support/databases.js';
import { suiteApp } from '../../test/support/suite-app.js';
import { addUser, signIn } from '../../test/support/world.js';
import { organisationNames } from './organisation-names.js';

const [database] = await testDatabases();
describe(`organisations by name (${database!.name})`, () => {
  const suite = suiteApp(database!, {});

  it('finds schools, LAs and the DfE by their codes, and leaves unknown codes out', async () => {
    const names = await organisationNames(suite.services.db, ['8232003', '823', 'DFE', '9999999', null, '8232003']);
    assert.equal(names.get('8232003'), 'Hollins Lane Primary School');
    assert.match(names.get('823') ?? '', /Ashdown Vale/);
    assert.equal(names.get('DFE'), 'Department for Education');
    assert.equal(names.has('9999999'), false);
  });

  it('names the organisations on the users list and in the audit trail', async () => {
    const sam = await addUser(suite.services, { role: 'school-user', org: '8232003', name: 'Sam Office' });
    const admin = await signIn(
      suite.app,
      suite.services,
      await addUser(suite.services, { role: 'la-admin', org: '823' }),
    );
    const users = (await admin.get('/users')).body;
    assert.match(users, /<td class="govuk-table__cell">Hollins Lane Primary School \(8232003\)<\/td>/);
    const user = (await admin.get(`/users/${sam.user.id}`)).body;
    assert.match(user, /Hollins Lane Primary School \(8232003\)/, 'and on the user’s own page');
    const audit = (await admin.get('/audit')).body;
    assert.match(audit, /<span class="govuk-body-s">Ashdown Vale[^<(]*\(823\)<\/span>/);
  });
});
