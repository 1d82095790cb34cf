/**
 * After signing in, a visitor lands on the page they asked for, through the password, two-factor and enrolment
 * steps; the `next` address is followed only within the service, so a crafted sign-in link cannot send anyone away.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { testDatabases } from '../../test/support/databases.js';
import { suiteApp } from '../../test/support/suite-app.js';
import { addUser, Browser, type TestServices, type TestUser } from '../../test/support/world.js';
import { totpCode } from './two-factor.js';
import { safeNextPage } from './next-page.js';

describe('the page asked for before signing in', () => {
  it('follows only addresses on this service that are not sign-in steps', () => {
    for (const fine of ['/inbox', '/files/1c7d/download?x=1', '/repository/records/abc#reason'])
      assert.equal(safeNextPage(fine), fine);
    for (const away of [
      'https://evil.example/',
      '//evil.example/inbox',
      '/\\evil.example',
      '\\\\evil.example',
      '/inbox\\..',
      'inbox',
      '/inbox\r\nSet-Cookie: x=1',
      '/sign-in',
      '/sign-in/two-factor',
      '/two-factor/set-up',
      '/sign-out',
      '/',
      '',
      `/${'a'.repeat(2001)}`,
      42,
      undefined,
    ])
      assert.equal(safeNextPage(away), undefined, String(away));
  });
});

/** Each code is accepted once: a fresh time step for each sign-in. */
function freshCode(services: TestServices, account: TestUser): string {
  services.clock.advance(30_000);
  return totpCode(account.totpSecret!, services.now());
}

const [database] = await testDatabases();
describe(`signing in lands on the page asked for (${database!.name})`, () => {
  const suite = suiteApp(database!, {});

  it('sends an anonymous visitor to sign in with the page, and there after two-factor', async () => {
    const account = await addUser(suite.services, { role: 'school-user', org: '8232003' });
    const browser = new Browser(suite.app);
    const asked = await browser.get('/sent?page=2');
    assert.equal(asked.statusCode, 303);
    assert.equal(asked.headers.location, '/sign-in?next=%2Fsent%3Fpage%3D2');
    const signInPage = await browser.get(String(asked.headers.location));
    assert.match(signInPage.body, /name="next" value="\/sent\?page=2"/);
    const afterPassword = await browser.submit('/sign-in?next=%2Fsent%3Fpage%3D2', '/sign-in', {
      email: account.user.email,
      password: account.password,
      next: '/sent?page=2',
    });
    assert.equal(afterPassword.headers.location, '/sign-in/two-factor?next=%2Fsent%3Fpage%3D2');
    const twoFactorPage = await browser.get(String(afterPassword.headers.location));
    assert.match(twoFactorPage.body, /name="next" value="\/sent\?page=2"/);
    const afterCode = await browser.submit(String(afterPassword.headers.location), '/sign-in/two-factor', {
      code: freshCode(suite.services, account),
      next: '/sent?page=2',
    });
    assert.equal(afterCode.statusCode, 303);
    assert.equal(afterCode.headers.location, '/sent?page=2');
  });

  it('goes home instead of to another site', async () => {
    const account = await addUser(suite.services, { role: 'school-user', org: '8232003' });
    const browser = new Browser(suite.app);
    const afterPassword = await browser.submit('/sign-in', '/sign-in', {
      email: account.user.email,
      password: account.password,
      next: '//evil.example/',
    });
    assert.equal(afterPassword.headers.location, '/sign-in/two-factor');
    const afterCode = await browser.submit('/sign-in/two-factor?next=%2F%2Fevil.example', '/sign-in/two-factor', {
      code: freshCode(suite.services, account),
      next: 'https://evil.example/',
    });
    assert.equal(afterCode.headers.location, '/');
  });
});
