import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { testDatabases } from '../../test/support/databases.js';
import { testServices } from '../../test/support/services.js';
import { addUser, Browser, seedRegister, signIn, type TestServices } from '../../test/support/world.js';
import { buildApp } from '../app/app.js';
import { createApiToken } from './api-tokens.js';
import { totpCode } from './two-factor.js';

for (const database of await testDatabases()) {
  describe(`accounts, reach and API tokens (${database.name})`, () => {
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

    it('an LA admin adds a school user, who sets a password once and enrols two-factor', async () => {
      const admin = await signIn(app, services, await addUser(services, { role: 'la-admin', org: '823' }));
      const added = await admin.submit('/users/new', '/users/new', {
        name: 'Dana Price',
        email: 'Dana.Price@hollins.example',
        role: 'school-user',
        org: '8232003',
      });
      assert.equal(added.statusCode, 200);
      const link = /id="setup-link">([^<]+)</.exec(added.body)![1]!;
      const path = new URL(link).pathname;
      const user = await services.db
        .selectFrom('users')
        .selectAll()
        .where('email', '=', 'dana.price@hollins.example')
        .executeTakeFirstOrThrow();
      assert.equal(user.la_code, '823');
      assert.equal(user.setup_token_hash!.length, 64, 'only a hash of the set-up token is stored');
      assert.equal(link.includes(user.setup_token_hash!), false);

      const newcomer = new Browser(app);
      const weak = await newcomer.submit(path, path, { password: 'short', confirm: 'short' });
      assert.equal(weak.statusCode, 400);
      assert.match(weak.body, /12 characters or more/);
      const set = await newcomer.submit(path, path, {
        password: 'plum kettle harbour',
        confirm: 'plum kettle harbour',
      });
      assert.match(set.body, /Your password is set/);
      assert.equal((await newcomer.get(path)).statusCode, 404, 'the link works once');

      const step = await newcomer.submit('/sign-in', '/sign-in', {
        email: 'dana.price@hollins.example',
        password: 'plum kettle harbour',
      });
      assert.equal(step.headers.location, '/two-factor/set-up');
      const page = await newcomer.get('/two-factor/set-up');
      const secret = /id="secret">([A-Z2-7 ]+)</.exec(page.body)![1]!.replace(/ /g, '');
      const done = await newcomer.submit('/two-factor/set-up', '/two-factor/set-up', {
        code: totpCode(secret, services.now()),
      });
      assert.equal(done.headers.location, '/');
      const actions = await services.db
        .selectFrom('audit_events')
        .select('action')
        .where('target_id', '=', user.id)
        .execute();
      assert.deepEqual(
        actions.map((a) => a.action),
        ['user.created', 'user.password-set', 'two-factor.enrolled', 'sign-in'],
      );
    });

    it('keeps each administrator within reach', async () => {
      const laAdmin = await addUser(services, { role: 'la-admin', org: '823' });
      const browser = await signIn(app, services, laAdmin);
      const otherLa = await browser.submit('/users/new', '/users/new', {
        name: 'X Y',
        email: 'x@brackenford.example',
        role: 'school-user',
        org: '3302101',
      });
      assert.equal(otherLa.statusCode, 400);
      assert.match(otherLa.body, /outside the organisations you manage/);
      const peer = await browser.submit('/users/new', '/users/new', {
        name: 'X Y',
        email: 'x2@ashdown.example',
        role: 'la-admin',
        org: '823',
      });
      assert.equal(peer.statusCode, 400, 'an LA admin cannot create another LA admin');
      const closed = await browser.submit('/users/new', '/users/new', {
        name: 'X Y',
        email: 'x3@ashdown.example',
        role: 'school-user',
        org: '8232001',
      });
      assert.match(closed.body, /is closed/);
      // Only the field in error is marked: the organisation, not the name, email or role.
      assert.deepEqual(
        [...closed.body.matchAll(/govuk-form-group--error[\s\S]*?id="(\w+)/g)].map((m) => m[1]),
        ['org'],
      );
      const missing = await browser.submit('/users/new', '/users/new', {
        name: '',
        email: 'not-an-email',
        role: 'school-user',
        org: '8232003',
      });
      assert.match(missing.body, /correct format/);

      const elsewhere = await addUser(services, { role: 'school-user', org: '3302101' });
      assert.equal((await browser.get(`/users/${elsewhere.user.id}`)).statusCode, 404);
      assert.equal((await browser.submit('/', `/users/${elsewhere.user.id}/disable`, {})).statusCode, 404);
      const list = await browser.get('/users');
      assert.equal(list.body.includes(elsewhere.user.email), false);

      const dfe = await signIn(app, services, await addUser(services, { role: 'dfe-admin', org: 'DFE' }));
      const laAdminOfBrackenford = await dfe.submit('/users/new', '/users/new', {
        name: 'B Admin',
        email: 'admin@brackenford.example',
        role: 'la-admin',
        org: '330',
      });
      assert.match(laAdminOfBrackenford.body, /User added/);
      assert.equal(
        (await dfe.get(`/users/${elsewhere.user.id}`)).statusCode,
        404,
        'DfE admins do not manage school users',
      );
    });

    it('disabling ends the user’s sessions; resetting two-factor makes them enrol again', async () => {
      const admin = await signIn(app, services, await addUser(services, { role: 'la-admin', org: '823' }));
      const target = await addUser(services, { role: 'school-user', org: '8232003' });
      const targetBrowser = await signIn(app, services, target);
      const { token } = await createApiToken(services, target.user, 'Office MIS', null);
      const me = () => app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });
      assert.equal((await me()).statusCode, 200, 'the token works, and its check is now remembered');
      // Asked first: the first post changes nothing.
      const asked = await admin.submit(`/users/${target.user.id}`, `/users/${target.user.id}/disable`, {});
      assert.match(asked.body, /Are you sure you want to stop .* signing in\?/);
      assert.equal((await me()).statusCode, 200, 'nothing changed before the answer');
      const disabled = await admin.submit(`/users/${target.user.id}`, `/users/${target.user.id}/disable`, {
        confirmed: 'yes',
      });
      assert.match(disabled.body, /can no longer sign in/);
      assert.equal((await targetBrowser.get('/')).headers.location, '/sign-in');
      assert.equal((await me()).statusCode, 401, 'a disabled user’s token stops working at once');
      const refused = await new Browser(app).submit('/sign-in', '/sign-in', {
        email: target.user.email,
        password: target.password,
      });
      assert.equal(refused.statusCode, 400);
      await admin.submit(`/users/${target.user.id}`, `/users/${target.user.id}/enable`, {});
      const question = await admin.submit(`/users/${target.user.id}`, `/users/${target.user.id}/reset-two-factor`, {});
      assert.match(question.body, /Are you sure you want to reset .* two-factor authentication\?/);
      await admin.submit(`/users/${target.user.id}`, `/users/${target.user.id}/reset-two-factor`, { confirmed: 'yes' });
      const again = await new Browser(app).submit('/sign-in', '/sign-in', {
        email: target.user.email,
        password: target.password,
      });
      assert.equal(again.headers.location, '/two-factor/set-up');
    });

    for (const change of ['reset-password', 'reset-two-factor', 'disable'] as const) {
      it(`${change} ends the user’s sessions and API tokens, for good`, async () => {
        const admin = await signIn(app, services, await addUser(services, { role: 'la-admin', org: '823' }));
        const target = await addUser(services, { role: 'school-user', org: '8232003' });
        const targetBrowser = await signIn(app, services, target);
        const { token } = await createApiToken(services, target.user, 'Office MIS', null);
        const me = () => app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });
        assert.equal((await me()).statusCode, 200, 'the token works before');
        assert.equal((await targetBrowser.get('/')).statusCode, 200, 'the session works before');
        const changed = await admin.submit(`/users/${target.user.id}`, `/users/${target.user.id}/${change}`, {
          confirmed: 'yes',
        });
        assert.equal(changed.statusCode, 200);
        assert.equal((await targetBrowser.get('/')).headers.location, '/sign-in', 'the session is refused after');
        assert.equal((await me()).statusCode, 401, 'the token is refused after');
        if (change === 'disable') await admin.submit(`/users/${target.user.id}`, `/users/${target.user.id}/enable`, {});
        assert.equal((await me()).statusCode, 401, 'the token stays refused');
        const left = await services.db
          .selectFrom('api_tokens')
          .select('revoked_at')
          .where('user_id', '=', target.user.id)
          .execute();
        assert.ok(left.length === 1 && left[0]!.revoked_at !== null, 'the token is recorded as revoked');
      });
    }

    it('administrators list and revoke a user’s API tokens, only within reach', async () => {
      const admin = await signIn(app, services, await addUser(services, { role: 'la-admin', org: '823' }));
      const target = await addUser(services, { role: 'school-user', org: '8232003' });
      const { token, apiToken } = await createApiToken(services, target.user, 'Office MIS', null);
      const me = () => app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });
      assert.equal((await me()).statusCode, 200);
      const page = await admin.get(`/users/${target.user.id}`);
      assert.match(page.body, /Office MIS/);
      assert.match(page.body, new RegExp(apiToken.prefix));
      assert.equal(page.body.includes(token), false, 'the token itself is never shown again');

      const outsider = await signIn(app, services, await addUser(services, { role: 'la-admin', org: '330' }));
      assert.equal((await outsider.get(`/users/${target.user.id}`)).statusCode, 404);
      const path = `/users/${target.user.id}/api-tokens/${apiToken.id}/revoke`;
      assert.equal((await outsider.submit('/', path, {})).statusCode, 404, 'another LA cannot revoke it');
      const schoolUser = await signIn(app, services, await addUser(services, { role: 'school-user', org: '8232003' }));
      assert.equal((await schoolUser.submit('/', path, {})).statusCode, 403, 'a colleague cannot revoke it');
      assert.equal((await me()).statusCode, 200, 'the token still works');

      const revoked = await admin.submit(`/users/${target.user.id}`, path, {});
      assert.equal(revoked.statusCode, 303);
      assert.equal((await me()).statusCode, 401, 'the token is refused at once');
      assert.match((await admin.get(`/users/${target.user.id}`)).body, /Revoked/);
      assert.equal((await admin.submit('/', path, {})).statusCode, 404, 'a revoked token cannot be revoked again');
      const audit = await services.db
        .selectFrom('audit_events')
        .select(['actor_user_id'])
        .where('action', '=', 'token.revoked')
        .where('target_id', '=', apiToken.id)
        .execute();
      assert.equal(audit.length, 1);
    });

    it('API tokens act as their user until revoked; the API ignores cookies', async () => {
      const account = await addUser(services, { role: 'school-user', org: '8232003' });
      const browser = await signIn(app, services, account);
      const created = await browser.submit('/account/api-tokens', '/account/api-tokens', { label: 'Office MIS' });
      const token = /id="token">(s2s_[^<]+)</.exec(created.body)![1]!;
      const me = await app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });
      assert.equal(me.statusCode, 200);
      assert.equal(me.json().organisation.code, '8232003');
      const search = await app.inject({
        url: '/api/v1/establishments?q=Hollins',
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(search.json().establishments[0].laestab, '8232003');
      const withCookie = await browser.get('/api/v1/me');
      assert.equal(withCookie.statusCode, 401);
      assert.equal(withCookie.json().error.code, 'UNAUTHENTICATED');

      const list = await browser.get('/account/api-tokens');
      assert.equal(list.body.includes(token), false, 'the token is shown once only');
      const id = /action="\/account\/api-tokens\/([0-9a-f-]{36})\/revoke"/.exec(list.body)![1]!;
      await browser.submit('/account/api-tokens', `/account/api-tokens/${id}/revoke`, {});
      assert.equal(
        (await app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } })).statusCode,
        401,
      );
      const events = await services.db
        .selectFrom('audit_events')
        .select('action')
        .where('target_id', '=', id)
        .execute();
      assert.deepEqual(
        events.map((e) => e.action),
        ['token.created', 'token.revoked'],
      );
    });

    it('answers unknown pages and bad API queries plainly', async () => {
      const page = await new Browser(app).get('/no-such-page');
      assert.equal(page.statusCode, 404);
      assert.match(page.body, /Page not found/);
      const account = await addUser(services, { role: 'school-user', org: '8232003' });
      const browser = await signIn(app, services, account);
      const created = await browser.submit('/account/api-tokens', '/account/api-tokens', { label: 'x' });
      const token = /id="token">(s2s_[^<]+)</.exec(created.body)![1]!;
      const bad = await app.inject({
        url: `/api/v1/establishments?q=${'a'.repeat(101)}`,
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(bad.statusCode, 400);
      assert.ok(bad.json().error.message.length > 0);
      assert.equal(bad.body.includes('node_modules'), false);
    });
  });
}
