/**
 * The pages must work without JavaScript (GOV.UK progressive enhancement): with scripts turned off in the browser,
 * a user signs in with their TOTP code and finds a school.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { browserSkip, expectAccessible, searchForSchool, signIn, browserSuite } from '../support/browser.js';
import { addUser } from '../support/world.js';

describe('pages without JavaScript (browser)', { skip: browserSkip() }, () => {
  const suite = browserSuite();

  it('signs in and finds a school with JavaScript turned off', async () => {
    const { services } = suite.running;
    const account = await addUser(services, { role: 'school-user', org: '3304101', name: 'Alex Morgan' });
    const page = await suite.newPage({ javaScriptEnabled: false });

    await page.goto('/sign-in');
    // The GOV.UK template marks the body once its inline script runs: proof that scripts really are off.
    assert.doesNotMatch((await page.locator('body').getAttribute('class')) ?? '', /js-enabled/);
    await expectAccessible(page);
    await signIn(page, services, account, { check: true });
    assert.match(await page.getByRole('heading', { level: 1 }).innerText(), /\(3304101\)$/);
    await expectAccessible(page);

    await page.goto('/find-a-school');
    await expectAccessible(page);
    const rows = await searchForSchool(page, 'Hollins');
    const hollins = rows.filter({ hasText: 'Hollins Lane Primary School' });
    assert.equal(await hollins.count(), 1);
    assert.equal(await hollins.getByRole('cell').nth(1).innerText(), '8232003');
    await expectAccessible(page);
  });
});
