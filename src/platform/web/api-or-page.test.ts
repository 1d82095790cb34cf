import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { apiActor, type Actor } from '../../../test/support/api.js';
import { testDatabases } from '../../../test/support/databases.js';
import { testServices } from '../../../test/support/services.js';
import { addUser, type Browser, seedRegister, signIn, type TestServices } from '../../../test/support/world.js';
import { buildApp } from '../../app/app.js';

// The router decodes and normalises an address before it matches a route; whether a call is to the API or to a
// page must follow the route it reached, or another spelling of /api/ lets a browser's cookie call the API.
const [database] = await testDatabases();

describe('the API and the pages are told apart by the matched route', () => {
  let services: TestServices & { close(): Promise<void> };
  let app: FastifyInstance;
  let browser: Browser;
  let caller: Actor;
  before(async () => {
    services = await testServices(await database!.open());
    await seedRegister(services);
    app = await buildApp(services);
    browser = await signIn(app, services, await addUser(services, { role: 'school-user', org: '8232003' }));
    caller = await apiActor(services, 'school-user', '8232003');
  });
  after(async () => {
    await app.close();
    await services.close();
  });

  it('answers a percent-encoded API address with only a browser cookie 401, as the API without a token', async () => {
    const plain = await browser.get('/api/v1/me');
    assert.equal(plain.statusCode, 401);
    const encoded = await browser.get('/%61pi/v1/me');
    assert.equal(encoded.statusCode, 401);
    assert.match(String(encoded.headers['content-type']), /application\/json/);
    assert.equal(encoded.json().error.code, 'UNAUTHENTICATED');
  });

  it('does not let another spelling of an API address reach it with a cookie', async () => {
    for (const url of ['/%61pi/v1/me', '/%61%70%69/v1/me', '/api/v1/me/', '/API/v1/me', '//api/v1/me', '/api//v1/me']) {
      const response = await browser.get(url);
      assert.notEqual(response.statusCode, 200, `${url} answered with the cookie's account`);
      assert.doesNotMatch(response.body, /"email"/, `${url} answered the API's account details`);
    }
  });

  it('refuses a form-less cookie POST to an encoded API address as unauthenticated, not as a page', async () => {
    const response = await browser.post('/%61pi/v1/notifications/read', {});
    assert.equal(response.statusCode, 401);
    assert.equal(response.json().error.code, 'UNAUTHENTICATED');
  });

  it('accepts a token at an encoded API address, since it is the API route', async () => {
    const response = await app.inject({ url: '/%61pi/v1/me', headers: { authorization: `Bearer ${caller.token}` } });
    assert.equal(response.statusCode, 200);
    assert.equal(response.json().email, caller.account.user.email);
  });

  it('does not let a token open a page, however the address is spelt', async () => {
    for (const url of [
      '/account/api-tokens',
      '/%61ccount/api-tokens',
      '/account/api-tokens/',
      '//account/api-tokens',
    ]) {
      const response = await app.inject({ url, headers: { authorization: `Bearer ${caller.token}` } });
      assert.notEqual(response.statusCode, 200, `${url} opened a page with an API token`);
    }
    const page = await app.inject({
      url: '/%61ccount/api-tokens',
      headers: { authorization: `Bearer ${caller.token}` },
    });
    assert.equal(page.statusCode, 303);
    assert.match(String(page.headers.location), /^\/sign-in(\?next=|$)/);
  });
});
