/**
 * Browser journeys for signing in: password then TOTP code, a wrong code, signing out, enrolling two-factor at
 * the first sign-in, and the page-not-found page. Every page visited must pass axe.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { totpCode } from '../../src/identity/two-factor.js';
import {
  browserSkip,
  expectAccessible,
  nextCode,
  secretOnEnrolmentPage,
  submitPassword,
  browserSuite,
} from '../support/browser.js';
import { addUser } from '../support/world.js';

describe('signing in (browser)', { skip: browserSkip() }, () => {
  const suite = browserSuite();
  const newPage = () => suite.newPage();

  it('signs in with a TOTP code, rejects a wrong one, and signs out', async () => {
    const { services } = suite.running;
    const account = await addUser(services, { role: 'la-admin', org: '823', name: 'Priya Shah' });
    const page = await newPage();

    await page.goto('/');
    assert.equal(new URL(page.url()).pathname, '/sign-in', 'an anonymous visitor is sent to sign in');
    await expectAccessible(page);

    await submitPassword(page, account.user.email, account.password);
    assert.equal(new URL(page.url()).pathname, '/sign-in/two-factor');
    await expectAccessible(page);

    // A wrong code: computed from the right one so that it can never be right by chance.
    services.clock.advance(30_000);
    const right = totpCode(account.totpSecret!, services.now());
    const wrong = right === '000000' ? '111111' : '000000';
    await page.getByLabel('Enter your security code').fill(wrong);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const summary = page.locator('.govuk-error-summary');
    await summary.waitFor();
    assert.match(
      await summary.innerText(),
      /There is a problem[\s\S]*Enter the 6-digit code shown in your authenticator app/,
    );
    assert.match(await page.title(), /^Error: /);
    // The summary's link takes the user to the field, as the GOV.UK pattern requires.
    assert.equal(await summary.getByRole('link').getAttribute('href'), '#code');
    await expectAccessible(page);

    await page.getByLabel('Enter your security code').fill(nextCode(services, account.totpSecret!));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${suite.running.baseUrl}/`);
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Ashdown Vale (823)');
    assert.match(
      await page.locator('main').innerText(),
      /You are signed in as Priya Shah \(local authority administrator\)/,
    );
    await expectAccessible(page);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${suite.running.baseUrl}/signed-out`);
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'You have signed out');
    await expectAccessible(page);

    await page.goto('/');
    assert.equal(new URL(page.url()).pathname, '/sign-in', 'after signing out, home asks to sign in again');
  });

  it('sets up two-factor authentication at the first sign-in', async () => {
    const { services } = suite.running;
    const account = await addUser(services, {
      role: 'school-user',
      org: '8232003',
      name: 'Sam Okafor',
      enrolled: false,
    });
    const page = await newPage();

    await submitPassword(page, account.user.email, account.password);
    assert.equal(new URL(page.url()).pathname, '/two-factor/set-up');
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Set up two-factor authentication');
    assert.equal(await page.locator('.s2s-qr svg').count(), 1, 'the QR code is an inline SVG');
    await expectAccessible(page);

    // Someone who cannot scan the code opens the details and types the key instead.
    await page.getByText('I cannot scan the QR code').click();
    await page.locator('#secret').waitFor({ state: 'visible' });
    const secret = await secretOnEnrolmentPage(page);
    assert.match(secret, /^[A-Z2-7]{16,}$/, 'the key is base32');
    await expectAccessible(page);

    await page.getByLabel('Code from the app').fill(nextCode(services, secret));
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(`${suite.running.baseUrl}/`);
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Hollins Lane Primary School (8232003)');
    await expectAccessible(page);
  });

  it('shows a GOV.UK page-not-found page', async () => {
    const page = await newPage();
    const response = await page.goto('/no-such-page');
    assert.equal(response?.status(), 404);
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Page not found');
    assert.match(await page.title(), /^Page not found – School to school \(s2s\)$/);
    await expectAccessible(page);
  });
});
