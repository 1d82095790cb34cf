/**
 * The pages must work without JavaScript (GOV.UK progressive enhancement): with scripts turned off in the browser,
 * a user signs in with their TOTP code and finds a school.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  browserSkip,
  closePage,
  expectAccessible,
  launchBrowser,
  openPage,
  searchForSchool,
  signIn,
  startApp,
  type RunningApp,
} from '../support/browser.js';
import { addUser } from '../support/world.js';

describe('pages without JavaScript (browser)', { skip: browserSkip() }, () => {
  let running: RunningApp;
  let browser: Browser;
  let page: Page | undefined;

  before(async () => {
    browser = await launchBrowser();
    running = await startApp();
  });

  after(async () => {
    if (page) await closePage(page);
    await browser?.close();
    await running?.close();
  });

  it('signs in and finds a school with JavaScript turned off', async () => {
    const { services } = running;
    const account = await addUser(services, { role: 'school-user', org: '3304101', name: 'Alex Morgan' });
    page = await openPage(browser, running.baseUrl, { javaScriptEnabled: false });

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
