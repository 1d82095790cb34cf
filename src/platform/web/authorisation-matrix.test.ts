/**
 * Calls every route as every role (and anonymously) and checks the outcome against the permissions map. A route
 * added without an example here fails the suite, so nothing reaches production unchecked.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { testDatabases } from '../../../test/support/databases.js';
import { testServices } from '../../../test/support/services.js';
import {
  addUser,
  Browser,
  csrfFrom,
  seedRegister,
  signIn,
  type TestServices,
  type TestUser,
} from '../../../test/support/world.js';
import { can, roles } from '../permissions.js';
import type { Role } from '../schema.js';
import { buildApp, type RouteEntry } from '../../app/app.js';

const orgFor: Record<Role, string> = {
  'school-user': '8232003',
  'la-user': '823',
  'la-admin': '823',
  'dfe-admin': 'DFE',
};

function allowed(route: RouteEntry, role: Role | null): boolean {
  if (route.access === 'public') return true;
  if (role === null) return false;
  return route.access === 'signed-in' || can(role, route.access);
}

function denied(route: RouteEntry, response: LightMyRequestResponse, anonymous: boolean): boolean {
  if (anonymous)
    return (
      response.statusCode === 401 ||
      (response.statusCode === 303 && /^\/sign-in(\?next=|$)/.test(String(response.headers.location)))
    );
  return response.statusCode === 403 && !/expired or did not come from s2s/.test(response.body);
}

const [database] = await testDatabases();

describe('authorisation matrix', () => {
  let services: TestServices & { close(): Promise<void> };
  let app: FastifyInstance;
  const accounts = new Map<Role, TestUser>();
  const browsers = new Map<Role, Browser>();
  let examples: Record<string, string>;

  before(async () => {
    services = await testServices(await database!.open());
    await seedRegister(services);
    app = await buildApp(services);
    for (const role of roles) {
      const account = await addUser(services, { role, org: orgFor[role] });
      accounts.set(role, account);
      browsers.set(role, await signIn(app, services, account));
    }
    const someone = await addUser(services, { role: 'school-user', org: '8232002' });
    examples = {
      id: someone.user.id,
      tokenId: crypto.randomUUID(),
      token: 'x'.repeat(43),
      change: 'disable',
      kind: 'refusals',
      '*': 'govuk-frontend.min.css',
    };
  });
  after(async () => {
    await app.close();
    await services.close();
  });

  function concreteUrl(route: RouteEntry): string {
    return route.url.replace(/:(\w+)|\*/g, (match, name: string | undefined) => {
      const value = examples[name ?? match];
      assert.ok(value, `no example value for ${match} in ${route.method} ${route.url}: add one to the matrix`);
      return value;
    });
  }

  async function call(route: RouteEntry, role: Role | null): Promise<LightMyRequestResponse> {
    const url = concreteUrl(route);
    const isApi = url.startsWith('/api/');
    const browser = role ? browsers.get(role)! : new Browser(app);
    if (isApi) {
      const headers: Record<string, string> = {};
      if (role) headers.authorization = `Bearer ${await tokenFor(role)}`;
      return app.inject({
        method: route.method as 'GET',
        url: url.includes('establishments') ? `${url}?q=x` : url,
        headers,
      });
    }
    if (route.method === 'GET') return browser.get(url);
    const page = await browser.get(role ? '/' : '/sign-in');
    return browser.post(url, { _csrf: csrfFrom(page.body) });
  }

  const tokens = new Map<Role, string>();
  async function tokenFor(role: Role): Promise<string> {
    if (!tokens.has(role)) {
      const created = await browsers
        .get(role)!
        .submit('/account/api-tokens', '/account/api-tokens', { label: 'matrix' });
      tokens.set(role, /id="token">(s2s_[^<]+)</.exec(created.body)![1]!);
    }
    return tokens.get(role)!;
  }

  it('covers a route table in which every route declares access', () => {
    assert.ok(app.routeTable.length >= 25, `only ${app.routeTable.length} routes`);
    for (const route of app.routeTable) assert.ok(route.access, `${route.method} ${route.url}`);
  });

  it('gives every role exactly what the permissions map allows', async () => {
    const failures: string[] = [];
    // Sign-out is last so that it does not end the sessions the other calls use.
    const routes = [...app.routeTable].sort((a, b) => Number(a.url === '/sign-out') - Number(b.url === '/sign-out'));
    for (const route of routes) {
      if (route.signInStage) continue; // covered below: they belong to a stage of sign-in, not to a role
      for (const role of [null, ...roles]) {
        if (route.url === '/sign-out' && role) continue;
        const response = await call(route, role);
        const expectAllowed = allowed(route, role);
        const wasDenied = denied(route, response, role === null);
        if (expectAllowed === wasDenied) {
          failures.push(
            `${route.method} ${route.url} as ${role ?? 'anonymous'}: expected ${expectAllowed ? 'allowed' : 'denied'}, got ${response.statusCode}`,
          );
        }
        if (response.statusCode >= 500)
          failures.push(`${route.method} ${route.url} as ${role ?? 'anonymous'}: ${response.statusCode}`);
      }
    }
    assert.deepEqual(failures, []);
  });

  it('serves sign-in stage pages only to a session at that stage', async () => {
    for (const route of app.routeTable.filter((r) => r.signInStage)) {
      for (const role of roles) {
        const response = await call(route, role);
        assert.equal(response.headers.location, '/sign-in', `${route.method} ${route.url} as ${role}`);
      }
    }
  });

  it('hides another organisation’s accounts and tokens from the same role (404, not 403)', async () => {
    const otherAdmin = await addUser(services, { role: 'la-admin', org: '330' });
    const otherSchoolUser = await addUser(services, { role: 'school-user', org: '3302101' });
    const admin = browsers.get('la-admin')!;
    for (const url of [`/users/${otherSchoolUser.user.id}`]) assert.equal((await admin.get(url)).statusCode, 404, url);
    for (const change of ['disable', 'enable', 'reset-two-factor', 'reset-password']) {
      const page = await admin.get('/');
      const response = await admin.post(`/users/${otherSchoolUser.user.id}/${change}`, { _csrf: csrfFrom(page.body) });
      assert.equal(response.statusCode, 404, change);
    }
    const other = await signIn(app, services, otherAdmin);
    const created = await other.submit('/account/api-tokens', '/account/api-tokens', { label: 'theirs' });
    assert.match(created.body, /s2s_/);
    const list = await other.get('/account/api-tokens');
    const theirToken = /action="\/account\/api-tokens\/([0-9a-f-]{36})\/revoke"/.exec(list.body)![1]!;
    const page = await admin.get('/');
    assert.equal(
      (await admin.post(`/account/api-tokens/${theirToken}/revoke`, { _csrf: csrfFrom(page.body) })).statusCode,
      404,
    );
  });
});

describe('route rules', () => {
  it('refuses to start with a route that declares no access rule', async () => {
    const services = await testServices(await database!.open());
    const app = await buildApp(services);
    assert.throws(() => app.get('/unguarded', async () => 'hello'), /declares no access rule/);
    await app.close();
    await services.close();
  });

  it('pins the permissions map, so that widening a role is a deliberate change', async () => {
    const { permissions } = await import('../permissions.js');
    assert.deepEqual(permissions, {
      'establishments:search': ['school-user', 'la-user', 'la-admin', 'dfe-admin'],
      'transfers:send': ['school-user', 'la-user', 'la-admin'],
      'transfers:receive': ['school-user', 'la-user', 'la-admin'],
      'transfers:oversee': ['la-user', 'la-admin'],
      'repository:search': ['school-user', 'la-user', 'la-admin'],
      'repository:oversee': ['la-user', 'la-admin'],
      'repository:alerts': ['la-admin'],
      'joiners:register': ['school-user'],
      'ctf-requests:answer': ['school-user'],
      'joiners:oversee': ['la-user', 'la-admin'],
      'leavers:record': ['school-user'],
      'leavers:oversee': ['la-user', 'la-admin'],
      'enquiries:make': ['la-user', 'la-admin'],
      'enquiries:approve': ['la-admin'],
      'reports:la': ['la-user', 'la-admin'],
      'cme:cases': ['la-user', 'la-admin'],
      'reports:national': ['dfe-admin'],
      'account:tokens': ['school-user', 'la-user', 'la-admin', 'dfe-admin'],
      'users:manage': ['la-admin', 'dfe-admin'],
      'audit:view': ['la-admin', 'dfe-admin'],
    });
  });
});
