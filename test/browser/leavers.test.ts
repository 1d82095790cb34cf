/**
 * Browser journey for a leaver: a school records a pupil who left with their destination not known (after the form
 * points out the question left unanswered), and is told where and by when to send the CTF; the LA sees the leaver without a CTF
 * and puts the child on its CME register; when the school sends the CTF to XXXXXXX, its leavers page says so. Every
 * page is checked with axe.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeUpn } from '../../src/ctf/upn.js';
import { browserSkip, browserSuite, expectAccessible, fillDate, goTo, signIn } from '../support/browser.js';
import { testDatabases } from '../support/databases.js';
import { ctfFile, tokenFor, upload } from '../support/transfers.js';
import { addUser } from '../support/world.js';

const upn = makeUpn('823200377001');

for (const database of await testDatabases()) {
  describe(`a leaver and their CTF (browser, ${database.name})`, { skip: browserSkip() }, () => {
    const suite = browserSuite({ database });

    it('a school records a leaver; the LA sees no CTF sent and opens a CME case; the CTF is then recognised', async () => {
      const { services, app } = suite.running;
      const school = await addUser(services, { role: 'school-user', org: '8232003', name: 'Lee Grant' });
      const officer = await addUser(services, { role: 'la-user', org: '823', name: 'Priya Shah' });

      const page = await suite.newPage();
      await signIn(page, services, school);
      await goTo(page, 'Leavers', 'Leavers');
      await expectAccessible(page);
      await page.getByRole('button', { name: 'Record a leaver' }).click();
      await page.getByRole('heading', { level: 1, name: 'Record a leaver' }).waitFor();
      assert.equal(await page.locator('.govuk-form-group--error').count(), 0, 'a fresh form shows no field in error');
      await expectAccessible(page);

      await page.getByLabel('Surname', { exact: true }).fill('Okafor');
      await page.getByLabel('First name', { exact: true }).fill('Chidi');
      await fillDate(page, 'Date of birth', '14', '2', '2015');
      await page.getByLabel('Male', { exact: true }).check();
      await page.getByLabel('UPN', { exact: true }).fill(upn);
      await fillDate(page, 'Date the pupil left', '30', '10', '2026');
      await page.getByRole('button', { name: 'Record the leaver' }).click();
      await page.waitForLoadState('load');
      const summary = page.locator('.govuk-error-summary');
      assert.match(await summary.innerText(), /Choose where the pupil went/);
      assert.match(await page.title(), /^Error: /);
      assert.equal(await page.getByLabel('Surname', { exact: true }).inputValue(), 'Okafor', 'what was typed is kept');
      await expectAccessible(page);

      await page.getByLabel('Not known: did not return to school; whereabouts not known').check();
      await page.getByRole('button', { name: 'Record the leaver' }).click();
      await page.locator('.govuk-notification-banner', { hasText: 'Chidi Okafor' }).waitFor();
      assert.match(
        await page.locator('.govuk-notification-banner').innerText(),
        /Send their CTF by 20 November 2026 to XXXXXXX/,
      );
      const row = page.locator('#leavers tbody tr', { hasText: 'Chidi Okafor' });
      assert.match(await row.innerText(), /Not known \(XXXXXXX\)[\s\S]*CTF due by 20 November 2026/);
      await expectAccessible(page);

      const laPage = await suite.newPage();
      await signIn(laPage, services, officer);
      await goTo(laPage, 'Leavers', 'Leavers from your schools');
      assert.match(
        await laPage.locator('#without-ctf tbody tr', { hasText: 'Chidi Okafor' }).innerText(),
        /Hollins Lane Primary School \(8232003\)/,
      );
      const unknown = laPage.locator('#destination-unknown tbody tr', { hasText: 'Chidi Okafor' });
      assert.match(await unknown.innerText(), /Did not return to school/);
      await expectAccessible(laPage);
      await unknown.getByRole('button', { name: 'Add Chidi Okafor to the register' }).click();
      await laPage.getByRole('heading', { level: 1, name: 'Children missing education' }).waitFor();
      assert.match(
        await laPage.locator('#cases tbody tr', { hasText: 'Chidi Okafor' }).innerText(),
        /30 October 2026/,
        'the day the child left is the day last in education',
      );
      await goTo(laPage, 'Leavers', 'Leavers from your schools');
      assert.equal(await unknown.getByRole('link', { name: /On your register/ }).count(), 1);

      // The school's MIS sends the CTF to XXXXXXX; s2s recognises it by the UPN.
      const file = ctfFile('8232003', 'XXXXXXX', {
        people: [{ surname: 'Okafor', forename: 'Chidi', dateOfBirth: '2015-02-14', sex: 'M', upn }],
      });
      const sent = await upload(app, await tokenFor(services, school.user), [file]);
      assert.equal(sent.statusCode, 201, sent.body);
      await page.reload();
      assert.match(await row.innerText(), /CTF sent to XXXXXXX on 2 November 2026/);
      await laPage.reload();
      assert.equal(await laPage.locator('#without-ctf tbody tr', { hasText: 'Chidi Okafor' }).count(), 0);
    });
  });
}
