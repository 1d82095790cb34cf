/**
 * The footer's pages (help and contact, accessibility, privacy, cookies) are reached by their links from the
 * sign-in page, pass the accessibility checks, and do not scroll sideways on a 320-pixel screen.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { browserSkip, browserSuite, expectAccessible } from '../support/browser.js';

const links = {
  'Help and contact': 'Help and contact',
  'Accessibility statement': 'Accessibility statement for School to school (s2s)',
  Privacy: 'Privacy notice',
  Cookies: 'Cookies',
};

describe('help, accessibility, privacy and cookies pages (browser)', { skip: browserSkip() }, () => {
  const suite = browserSuite();

  for (const javaScriptEnabled of [true, false]) {
    it(`follows each footer link from the sign-in page at 320 px, JavaScript ${javaScriptEnabled ? 'on' : 'off'}`, async () => {
      const page = await suite.newPage({ javaScriptEnabled, width: 320, height: 640 });
      for (const [link, heading] of Object.entries(links)) {
        await page.goto('/sign-in');
        await page.getByRole('contentinfo').getByRole('link', { name: link, exact: true }).click();
        await page.getByRole('heading', { level: 1, name: heading }).waitFor();
        await expectAccessible(page);
        const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
        assert.ok(overflow <= 0, `${heading} scrolls sideways by ${overflow} px at 320 px`);
      }
    });
  }
});
