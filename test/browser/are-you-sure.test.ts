/**
 * "Are you sure?" before what cannot be undone, and a success banner after: a school removes a file it sent (after
 * cancelling once), an LA administrator resets a colleague's two-factor authentication. Both at desktop width with
 * JavaScript and at 320 px without it; every page is checked with axe and none may scroll sideways.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { browserSkip, browserSuite, expectAccessible, goTo, signIn } from '../support/browser.js';
import { testDatabases } from '../support/databases.js';
import { ctfFile, tokenFor, upload } from '../support/transfers.js';
import { addUser } from '../support/world.js';

async function checked(page: Page) {
  await expectAccessible(page);
  const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
  assert.equal(overflow, 0, `${page.url()} scrolls sideways by ${overflow} px`);
  assert.equal((await page.title()).match(/Error:/g)?.length ?? 0, 0);
}

for (const database of await testDatabases()) {
  describe(`are you sure, and what happened (browser, ${database.name})`, { skip: browserSkip() }, () => {
    const suite = browserSuite({ database });

    for (const screen of [
      { name: 'desktop, with JavaScript', width: 1200, javaScriptEnabled: true },
      { name: '320 px, without JavaScript', width: 320, javaScriptEnabled: false },
    ]) {
      it(`a school removes a file it sent only once it has said yes (${screen.name})`, async () => {
        const { services, app } = suite.running;
        const school = await addUser(services, { role: 'school-user', org: '8232003' });
        const sent = await upload(app, await tokenFor(services, school.user), [ctfFile('8232003', '3304101')]);
        const file = sent.json().files[0] as { id: string; fileName: string };
        const page = await suite.newPage({ width: screen.width, javaScriptEnabled: screen.javaScriptEnabled });
        await signIn(page, services, school);
        await page.goto(`${suite.running.baseUrl}/files/${file.id}`);
        await page.getByRole('button', { name: 'Remove file' }).click();
        await page.getByRole('heading', { level: 1, name: 'Are you sure you want to remove this file?' }).waitFor();
        assert.match(await page.locator('.govuk-summary-list').innerText(), /Brackenford High School \(3304101\)/);
        await checked(page);
        await page.getByRole('link', { name: 'Cancel' }).click();
        await page.getByRole('heading', { level: 1, name: file.fileName }).waitFor();
        const row = await services.db
          .selectFrom('transfer_files')
          .select('status')
          .where('id', '=', file.id)
          .executeTakeFirstOrThrow();
        assert.equal(row.status, 'delivered', 'asking removes nothing');
        await page.getByRole('button', { name: 'Remove file' }).click();
        await page.getByRole('button', { name: 'Yes, remove the file' }).click();
        await page.getByRole('heading', { level: 1, name: 'Sent files' }).waitFor();
        assert.match(
          await page.locator('#confirmation').innerText(),
          new RegExp(`${file.fileName} has been removed: Brackenford High School \\(3304101\\) can no longer`),
        );
        await checked(page);
        await page.reload();
        assert.equal(await page.locator('#confirmation').count(), 0, 'the banner is shown once');
      });

      it(`an LA administrator resets two-factor authentication after saying yes (${screen.name})`, async () => {
        const { services } = suite.running;
        const admin = await addUser(services, { role: 'la-admin', org: '823' });
        const colleague = await addUser(services, { role: 'school-user', org: '8232003', name: 'Pat Morgan' });
        const page = await suite.newPage({ width: screen.width, javaScriptEnabled: screen.javaScriptEnabled });
        await signIn(page, services, admin);
        await goTo(page, 'Users', 'Users');
        await page.goto(`${suite.running.baseUrl}/users/${colleague.user.id}`);
        await page.getByRole('button', { name: 'Reset two-factor authentication' }).click();
        await page
          .getByRole('heading', {
            level: 1,
            name: 'Are you sure you want to reset Pat Morgan’s two-factor authentication?',
          })
          .waitFor();
        await checked(page);
        await page.getByRole('button', { name: 'Yes, reset two-factor authentication' }).click();
        await page.getByText('Pat Morgan will set up two-factor authentication again at their next sign-in.').waitFor();
        await checked(page);
      });
    }
  });
}
