import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { testDatabases } from '../../../test/support/databases.js';
import { testServices } from '../../../test/support/services.js';
import { addUser, Browser, seedRegister, signIn, type TestServices } from '../../../test/support/world.js';
import { buildApp } from '../../app/app.js';

for (const database of await testDatabases()) {
  describe(`web shell (${database.name})`, () => {
    let services: TestServices & { close(): Promise<void> };
    let app: FastifyInstance;
    before(async () => {
      services = await testServices(await database.open());
      await seedRegister(services);
      app = await buildApp(services);
      app.get('/test-only/fault', { config: { access: 'public' } }, async () => {
        throw new Error('connection string postgres://secret@db');
      });
      app.get('/test-only/busy', { config: { access: 'public' } }, async () => {
        throw Object.assign(new Error('pool exhausted'), { statusCode: 503 });
      });
    });
    after(async () => {
      await app.close();
      await services.close();
    });

    it('answers health and readiness', async () => {
      assert.deepEqual((await app.inject({ url: '/healthz' })).json(), { status: 'ok' });
      assert.deepEqual((await app.inject({ url: '/readyz' })).json(), { status: 'ready', database: database.name });
    });

    it('sends a strict CSP with nonces and no inline script, and no-store on pages', async () => {
      const page = await app.inject({ url: '/sign-in' });
      const csp = String(page.headers['content-security-policy']);
      assert.match(csp, /script-src 'self' 'nonce-[0-9a-f]+'/);
      assert.equal(csp.includes('unsafe-inline'), false);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.equal(page.headers['cache-control'], 'no-store');
      const nonce = /'nonce-([0-9a-f]+)'/.exec(csp)![1]!;
      const scripts = [...page.body.matchAll(/<script([^>]*)>/g)].map((m) => m[1]!);
      assert.ok(scripts.length > 0);
      for (const attributes of scripts)
        assert.ok(attributes.includes(`nonce="${nonce}"`), `script without nonce: ${attributes}`);
      const css = await app.inject({ url: '/assets/govuk-frontend.min.css' });
      assert.equal(css.statusCode, 200);
      assert.match(String(css.headers['cache-control']), /max-age/);
      for (const file of ['accessible-autocomplete.min.js', 'accessible-autocomplete.min.css']) {
        const asset = await app.inject({ url: `/assets/${file}` });
        assert.equal(asset.statusCode, 200, file);
        assert.match(asset.body, file.endsWith('.css') ? /autocomplete__input/ : /accessibleAutocomplete/, file);
      }
    });

    it('shows plain error pages that reveal nothing internal', async () => {
      const fault = await app.inject({ url: '/test-only/fault' });
      assert.equal(fault.statusCode, 500);
      assert.match(fault.body, /Sorry, there is a problem with the service/);
      assert.equal(fault.body.includes('postgres://'), false);
      const busy = await app.inject({ url: '/test-only/busy' });
      assert.equal(busy.statusCode, 503);
      assert.equal(busy.headers['retry-after'], '10');
      assert.match(busy.body, /the service is busy/);
      const bad = await app.inject({ url: '/api/v1/establishments', headers: { authorization: 'Bearer s2s_nope' } });
      assert.equal(bad.statusCode, 401);
      const user = await signIn(app, services, await addUser(services, { role: 'school-user', org: '8232003' }));
      const forbidden = await user.get('/users');
      assert.equal(forbidden.statusCode, 403);
      assert.match(forbidden.body, /You do not have permission to see this page/);
      assert.equal((await new Browser(app).get('/nothing-here')).statusCode, 404);
    });

    it('shows navigation by role', async () => {
      const school = await signIn(app, services, await addUser(services, { role: 'school-user', org: '8232003' }));
      const schoolHome = (await school.get('/')).body;
      assert.match(schoolHome, /href="\/find-a-school"/);
      assert.equal(schoolHome.includes('href="/users"'), false);
      const admin = await signIn(app, services, await addUser(services, { role: 'la-admin', org: '823' }));
      const adminHome = (await admin.get('/')).body;
      for (const href of ['/users', '/audit', '/find-a-school', '/account/api-tokens'])
        assert.ok(adminHome.includes(`href="${href}"`), href);
    });

    it('shows an LA admin their own LA’s audit trail only, filterable', async () => {
      const elsewhere = await addUser(services, { role: 'school-user', org: '3302101' });
      const here = await addUser(services, { role: 'school-user', org: '8232002' });
      const admin = await signIn(app, services, await addUser(services, { role: 'la-admin', org: '823' }));
      const trail = (await admin.get('/audit?action=sign-in')).body;
      const cell = (action: string) => `<td class="govuk-table__cell">${action}</td>`;
      assert.ok(trail.includes(cell('Signed in')), 'actions in words');
      assert.equal(trail.includes(cell('Added a user')), false, 'the action filter applies');
      const created = (await admin.get('/audit?action=user.created')).body;
      assert.ok(created.includes(cell('Added a user')));
      assert.ok(created.includes(here.user.id.slice(0, 11)), 'an event of one of the LA’s schools is shown');
      assert.equal(created.includes(elsewhere.user.id.slice(0, 11)), false, 'another LA’s events are not shown');
      const rows = await services.db
        .selectFrom('audit_events')
        .select(['la_code', 'action'])
        .where('action', '=', 'user.created')
        .execute();
      assert.ok(rows.some((r) => r.la_code === '330'));
      const invalid = await admin.get('/audit?from=31-12-2026');
      assert.match(invalid.body, /Check the from filter/);
    });
  });
}
