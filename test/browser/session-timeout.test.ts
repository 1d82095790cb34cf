/**
 * The GOV.UK session timeout warning: two minutes before the 30-minute idle limit a dialog says the user is about
 * to be signed out; "Stay signed in" renews the session and closes it; at the limit the page reloads, so that the
 * service (not the script) decides whether to ask for sign-in again. The page's clock is the browser's, run fast.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { browserSkip, browserSuite, expectAccessible, signIn } from '../support/browser.js';
import { addUser } from '../support/world.js';

describe('session timeout warning (browser)', { skip: browserSkip() }, () => {
  const suite = browserSuite();

  it('warns before the idle limit, keeps the user signed in on request, and reloads at the limit', async () => {
    const { services } = suite.running;
    const account = await addUser(services, { role: 'school-user', org: '8232003' });
    const page = await suite.newPage();
    await page.clock.install();
    await page.goto('/sign-in');
    assert.equal(await page.locator('#session-timeout').count(), 0, 'no warning before signing in');
    await signIn(page, services, account);

    const warning = page.getByRole('dialog', { name: 'You’re about to be signed out' });
    await page.clock.fastForward('27:50');
    assert.equal(await warning.isVisible(), false, 'no warning until two minutes before the limit');
    await page.clock.fastForward('00:20');
    await warning.waitFor();
    assert.match(await warning.innerText(), /sign you out in 2 minutes/);
    await expectAccessible(page);

    const renewed = page.waitForResponse((response) => new URL(response.url()).pathname === '/session/alive');
    await warning.getByRole('button', { name: 'Stay signed in' }).click();
    assert.equal((await renewed).status(), 204);
    await warning.waitFor({ state: 'hidden' });

    // A full idle period later, with no answer to the next warning, the page reloads itself.
    const reloaded = page.waitForEvent('framenavigated', (frame) => frame === page.mainFrame());
    await page.clock.fastForward('30:01');
    await reloaded;
    assert.equal(new URL(page.url()).pathname, '/');
  });
});
