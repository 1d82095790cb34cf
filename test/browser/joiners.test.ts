/**
 * Browser journey for a new pupil without a CTF: a school registers the pupil (after correcting a mistake the form
 * points out), sees the repository record that matches and what happens next; the previous school answers the
 * request, saying it holds no record; the new school's LA sees the pupil with what was tried. Every page is
 * checked with axe.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { browserSkip, browserSuite, expectAccessible, fillDate, goTo, signIn } from '../support/browser.js';
import { testDatabases } from '../support/databases.js';
import { ctfFile, tokenFor, upload } from '../support/transfers.js';
import { addUser } from '../support/world.js';

for (const database of await testDatabases()) {
  describe(`a new pupil without a CTF (browser, ${database.name})`, { skip: browserSkip() }, () => {
    const suite = browserSuite({ database });

    before(async () => {
      const { services, app } = suite.running;
      const leaver = await addUser(services, { role: 'school-user', org: '8232003' });
      const file = ctfFile('8232003', 'XXXXXXX', {
        people: [
          {
            forename: 'Amelia',
            surname: 'Hartley',
            middleNames: null,
            preferredSurname: null,
            preferredForename: null,
            formerSurname: null,
            formerForename: null,
            formerUpns: [],
            dateOfBirth: '2016-03-04',
            sex: 'F',
          },
        ],
      });
      const response = await upload(app, await tokenFor(services, leaver.user), [file]);
      assert.equal(response.statusCode, 201, response.body);
    });

    it('a school registers a joiner, sees the match; the previous school answers; the LA takes over', async () => {
      const { services } = suite.running;
      const newSchool = await addUser(services, { role: 'school-user', org: '3304101', name: 'Sam Patel' });
      const previousSchool = await addUser(services, { role: 'school-user', org: '8232003', name: 'Lee Grant' });
      const la = await addUser(services, { role: 'la-user', org: '330', name: 'Jo Adeyemi' });

      const page = await suite.newPage();
      await signIn(page, services, newSchool);
      await goTo(page, 'New pupils', 'New pupils without a CTF');
      await expectAccessible(page);
      await page.getByRole('button', { name: 'Register a new pupil' }).click();
      await page.getByRole('heading', { level: 1, name: 'Register a new pupil' }).waitFor();
      assert.equal(await page.locator('.govuk-form-group--error').count(), 0, 'a fresh form shows no field in error');
      await expectAccessible(page);

      await page.getByLabel('Surname', { exact: true }).fill('Hartly');
      await page.getByLabel('First name', { exact: true }).fill('Amelia');
      await fillDate(page, 'Date of birth', '3', '4', '2016');
      await page.getByLabel('Female').check();
      await page.getByLabel('Previous school’s LAEstab (optional)').fill('3304101');
      await fillDate(page, 'Date the pupil joined', '2', '11', '2026');
      await page.getByRole('button', { name: 'Register and look for the record' }).click();
      await page.waitForLoadState('load');
      const summary = page.locator('.govuk-error-summary');
      assert.match(await summary.innerText(), /cannot be your own school/);
      assert.match(await page.title(), /^Error: /);
      await expectAccessible(page);

      await page.getByLabel('Previous school’s LAEstab (optional)').fill('8232003');
      await page.getByRole('button', { name: 'Register and look for the record' }).click();
      await page.locator('.govuk-panel', { hasText: 'New pupil registered' }).waitFor();
      assert.match(await page.locator('#next').innerText(), /asked school 8232003 for the CTF/);
      const row = page.locator('#results tbody tr', { hasText: 'Amelia Hartley' });
      assert.equal(await row.count(), 1, 'the repository record is shown');
      assert.ok((await row.locator('li').allInnerTexts()).includes('Day and month of birth swapped'));
      await expectAccessible(page);

      const previous = await suite.newPage();
      await signIn(previous, services, previousSchool);
      await goTo(previous, 'CTF requests', 'Requests for CTFs');
      const request = previous.locator('#requests tbody tr', { hasText: 'Amelia Hartly' });
      assert.equal(await request.count(), 1);
      assert.match(await request.innerText(), /3 April 2016[\s\S]*\(3304101\)/);
      await expectAccessible(previous);
      await request.getByLabel('Note (optional)').fill('No pupil of this name has been on roll here.');
      await request.getByRole('button', { name: 'No record held for Amelia Hartly' }).click();
      await previous.locator('#no-requests').waitFor();

      await goTo(page, 'New pupils', 'New pupils without a CTF');
      assert.match(
        await page.locator('#joiners tbody tr', { hasText: 'Amelia Hartly' }).innerText(),
        /Passed to the LA: Hollins Lane Primary School holds no record/,
      );

      const laPage = await suite.newPage();
      await signIn(laPage, services, la);
      await goTo(laPage, 'New pupils not found', 'New pupils whose records were not found');
      const passed = laPage.locator('#joiners tbody tr', { hasText: 'Amelia Hartly' });
      assert.match(await passed.innerText(), /No pupil of this name has been on roll here/);
      await expectAccessible(laPage);
    });
  });
}
