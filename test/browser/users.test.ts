/**
 * Browser journey for account management: a local authority administrator adds a school user (after correcting
 * the form), the new user follows the set-up link in their own browser, chooses a password, enrols two-factor
 * and reaches home, and the administrator's audit trail shows the account being created.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import {
  browserSkip,
  enrolTwoFactor,
  expectAccessible,
  signIn,
  submitPassword,
  browserSuite,
} from '../support/browser.js';
import { addUser } from '../support/world.js';

describe('managing users (browser)', { skip: browserSkip() }, () => {
  const suite = browserSuite();
  const newPage = () => suite.newPage();

  async function expectError(page: Page, message: string, href: string): Promise<void> {
    const summary = page.locator('.govuk-error-summary');
    await summary.waitFor();
    assert.match(await summary.innerText(), new RegExp(`There is a problem[\\s\\S]*${message}`));
    assert.equal(await summary.getByRole('link', { name: message }).getAttribute('href'), href);
    assert.match(await page.title(), /^Error: /);
    await expectAccessible(page);
  }

  it('lets an LA administrator add a school user, who then sets up their account', async () => {
    const { services } = suite.running;
    const admin = await addUser(services, { role: 'la-admin', org: '823', name: 'Priya Shah' });
    const adminPage = await newPage();
    await signIn(adminPage, services, admin, { check: true });

    await adminPage.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'Users' }).click();
    await adminPage.waitForURL(`${suite.running.baseUrl}/users`);
    assert.equal(await adminPage.getByRole('heading', { level: 1 }).innerText(), 'Users');
    await expectAccessible(adminPage);

    await adminPage.getByRole('button', { name: 'Add a user' }).click();
    await adminPage.waitForURL(`${suite.running.baseUrl}/users/new`);
    await expectAccessible(adminPage);

    // An empty form first, then one with a malformed email: each says what to fix.
    const addUserButton = adminPage.getByRole('button', { name: 'Add user' });
    await addUserButton.click();
    await expectError(adminPage, 'Select the user’s role', '#role');

    await adminPage.getByLabel('Full name').fill('Jo Bloggs');
    await adminPage.getByLabel('Email address').fill('jo.bloggs-at-hollins-lane.example');
    await adminPage.getByRole('radio', { name: 'School user' }).check();
    await adminPage.getByLabel('Organisation').fill('8232003');
    await addUserButton.click();
    await expectError(adminPage, 'Enter an email address in the correct format, like name@school.org.uk', '#email');
    assert.equal(await adminPage.getByLabel('Full name').inputValue(), 'Jo Bloggs', 'what was typed is kept');

    await adminPage.getByLabel('Email address').fill('jo.bloggs@hollins-lane.example');
    await adminPage.getByRole('radio', { name: 'School user' }).check();
    await adminPage.getByLabel('Organisation').fill('8232003');
    await addUserButton.click();
    const panel = adminPage.locator('.govuk-panel');
    await panel.waitFor();
    assert.match(await panel.innerText(), /User added\s+Jo Bloggs \(jo\.bloggs@hollins-lane\.example\)/);
    const setupLink = (await adminPage.locator('#setup-link').innerText()).trim();
    assert.match(setupLink, /^http:\/\/s2s\.test\/set-up\/\S+$/, 'the link uses the public address');
    await expectAccessible(adminPage);

    // The new user, in a browser of their own, opens the link on this test's server.
    const userPage = await newPage();
    await userPage.goto(new URL(setupLink).pathname);
    assert.equal(await userPage.getByRole('heading', { level: 1 }).innerText(), 'Create your password');
    assert.match(await userPage.locator('main').innerText(), /Your account is jo\.bloggs@hollins-lane\.example/);
    await expectAccessible(userPage);

    await userPage.getByLabel('Password', { exact: true }).fill('too short');
    await userPage.getByLabel('Type the password again').fill('too short');
    await userPage.getByRole('button', { name: 'Create password' }).click();
    const problem = userPage.locator('.govuk-error-summary');
    await problem.waitFor();
    assert.equal(await problem.getByRole('link').getAttribute('href'), '#password');
    await expectAccessible(userPage);

    const password = 'purple tractor orchard';
    await userPage.getByLabel('Password', { exact: true }).fill(password);
    await userPage.getByLabel('Type the password again').fill(password);
    await userPage.getByRole('button', { name: 'Create password' }).click();
    await userPage.getByRole('heading', { level: 1, name: 'Your password is set' }).waitFor();
    await expectAccessible(userPage);

    await userPage.getByRole('link', { name: 'Sign in' }).click();
    await userPage.waitForURL(`${suite.running.baseUrl}/sign-in`);
    await submitPassword(userPage, 'jo.bloggs@hollins-lane.example', password);
    assert.equal(
      new URL(userPage.url()).pathname,
      '/two-factor/set-up',
      'the first sign-in asks for two-factor set-up',
    );
    await expectAccessible(userPage);
    await enrolTwoFactor(userPage, services);
    assert.equal(
      await userPage.getByRole('heading', { level: 1 }).innerText(),
      'Hollins Lane Primary School (8232003)',
    );
    await expectAccessible(userPage);

    await adminPage.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'Audit trail' }).click();
    await adminPage.waitForURL(`${suite.running.baseUrl}/audit`);
    const created = adminPage
      .getByRole('row')
      .filter({ has: adminPage.getByRole('cell', { name: 'Added a user', exact: true }) });
    assert.ok((await created.count()) >= 1, 'the audit trail lists the user’s creation, in words');
    await expectAccessible(adminPage);
  });
});
