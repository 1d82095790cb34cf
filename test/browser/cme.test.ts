/**
 * Browser journey for an LA's CME register and figures, and DfE's national figures: a CME officer adds a child to
 * the register (after the form points out a missing date), sees the school days out against the threshold and
 * records the outcome; the LA's figures and the national figures (with small numbers withheld) show their chart
 * beside their table. Every page is checked with axe.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { browserSkip, browserSuite, expectAccessible, fillDate, signIn } from '../support/browser.js';
import { testDatabases } from '../support/databases.js';
import { addUser } from '../support/world.js';

for (const database of await testDatabases()) {
  describe(`children missing education (browser, ${database.name})`, { skip: browserSkip() }, () => {
    const suite = browserSuite({ database });

    it('an officer keeps the register; the LA and DfE see the figures, charted and tabled', async () => {
      const { services } = suite.running;
      const officer = await addUser(services, { role: 'la-user', org: '330', name: 'Jo Adeyemi' });
      const dfe = await addUser(services, { role: 'dfe-admin', org: 'DFE', name: 'Alex Morgan' });

      const page = await suite.newPage();
      await signIn(page, services, officer);
      await page
        .getByRole('navigation', { name: 'Menu' })
        .getByRole('link', { name: 'Children missing education' })
        .click();
      await page.getByRole('heading', { level: 1, name: 'Children missing education' }).waitFor();
      await expectAccessible(page);
      await page.getByLabel('Surname', { exact: true }).fill('Novak');
      await page.getByLabel('First name', { exact: true }).fill('Ela');
      await fillDate(page, 'Date of birth', '9', '9', '2013');
      await fillDate(page, 'Date last in education', '7', '9', '2026');
      await page.getByRole('button', { name: 'Add to the register' }).click();
      await page.waitForLoadState('load');
      assert.match(
        await page.locator('.govuk-error-summary').innerText(),
        /Enter the date the LA identified the child/,
      );
      await expectAccessible(page);
      await fillDate(page, 'Date your LA identified the child', '5', '10', '2026');
      await page.getByRole('button', { name: 'Add to the register' }).click();
      const row = page.locator('#cases tbody tr', { hasText: 'Ela Novak' });
      await row.waitFor();
      assert.match(await row.innerText(), /40\s+over 20/);
      await row.getByText('Open: record the outcome').click();
      await row.getByLabel('Outcome').selectOption('back-in-school');
      await fillDate(page, 'Date resolved', '20', '10', '2026');
      await row.getByRole('button', { name: 'Close case' }).click();
      await page.waitForLoadState('load');
      assert.match(
        await page.locator('#cases tbody tr', { hasText: 'Ela Novak' }).innerText(),
        /Back in school, 20 October 2026/,
      );

      await page.goto('/reports/cme');
      await page.getByRole('heading', { level: 1, name: 'Children missing education, 2026/27' }).waitFor();
      assert.equal(await page.locator('#chart svg[role="img"]').count(), 1);
      assert.match(await page.locator('#figures').innerText(), /Children identified as missing education\s+1/);
      await expectAccessible(page);

      const national = await suite.newPage();
      await signIn(national, services, dfe);
      await national.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'National figures' }).click();
      await national
        .getByRole('heading', { level: 1, name: 'Children missing education in England, 2026/27' })
        .waitFor();
      assert.match(await national.locator('#national').innerText(), /330\s+Brackenford\s+c\s+c\s+0\s+c/);
      assert.equal((await national.locator('#chart').innerHTML()).includes('withheld (c)'), true);
      await expectAccessible(national);
    });
  });
}
