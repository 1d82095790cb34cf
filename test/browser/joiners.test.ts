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
      assert.match(await previous.locator('#confirmation').innerText(), /told that you hold no record/);
      await expectAccessible(previous);

      await goTo(page, 'New pupils', 'New pupils without a CTF');
      assert.match(
        await page.locator('#joiners tbody tr', { hasText: 'Amelia Hartly' }).innerText(),
        /Passed to the LA: Hollins Lane Primary School \(8232003\) holds no record/,
      );

      const laPage = await suite.newPage();
      await signIn(laPage, services, la);
      await goTo(laPage, 'New pupils not found', 'New pupils whose records were not found');
      const passed = laPage.locator('#joiners tbody tr', { hasText: 'Amelia Hartly' });
      assert.match(await passed.innerText(), /No pupil of this name has been on roll here/);
      await expectAccessible(laPage);
    });

    it('a request is answered by the CTF that carries the pupil, not by the previous school’s click', async () => {
      const { services, app } = suite.running;
      const newSchool = await addUser(services, { role: 'school-user', org: '3304101' });
      const previousSchool = await addUser(services, { role: 'school-user', org: '8232003' });
      const page = await suite.newPage();
      await signIn(page, services, newSchool);
      await page.goto(`${suite.running.baseUrl}/joiners/new`);
      await page.getByLabel('Surname', { exact: true }).fill('Okafor');
      await page.getByLabel('First name', { exact: true }).fill('Chidi');
      await fillDate(page, 'Date of birth', '9', '9', '2014');
      await page.getByLabel('Male', { exact: true }).check();
      await page.getByLabel('Previous school’s LAEstab (optional)').fill('8232003');
      await fillDate(page, 'Date the pupil joined', '2', '11', '2026');
      await page.getByRole('button', { name: 'Register and look for the record' }).click();
      await page.locator('.govuk-panel', { hasText: 'New pupil registered' }).waitFor();

      // The previous school sends another pupil's CTF and says "sent".
      const token = await tokenFor(services, previousSchool.user);
      assert.equal((await upload(app, token, [ctfFile('8232003', '3304101', { pupils: 1 })])).statusCode, 201);
      const previous = await suite.newPage();
      await signIn(previous, services, previousSchool);
      await goTo(previous, 'CTF requests', 'Requests for CTFs');
      const request = previous.locator('#requests tbody tr', { hasText: 'Chidi Okafor' });
      await request.getByRole('button', { name: 'CTF sent for Chidi Okafor' }).click();
      await previous.locator('#confirmation').waitFor();
      assert.match(
        await previous.locator('#confirmation').innerText(),
        /None of the CTFs you have sent the new school carries this pupil yet/,
      );
      assert.match(
        await previous.locator('#requests tbody tr', { hasText: 'Chidi Okafor' }).innerText(),
        /You said you have sent it/,
      );
      await expectAccessible(previous);
      await services.jobs.runQueued();
      await goTo(page, 'New pupils', 'New pupils without a CTF');
      assert.match(
        await page.locator('#joiners tbody tr', { hasText: 'Chidi Okafor' }).innerText(),
        /Hollins Lane Primary School \(8232003\) says it has sent the CTF; not yet received/,
      );

      // His CTF arrives: the request is answered, and the new school can open the file.
      const chidi = {
        forename: 'Chidi',
        surname: 'Okafor',
        middleNames: null,
        preferredSurname: null,
        preferredForename: null,
        formerSurname: null,
        formerForename: null,
        formerUpns: [],
        dateOfBirth: '2014-09-09',
        sex: 'M' as const,
      };
      assert.equal((await upload(app, token, [ctfFile('8232003', '3304101', { people: [chidi] })])).statusCode, 201);
      await services.jobs.runQueued();
      await goTo(page, 'New pupils', 'New pupils without a CTF');
      const row = page.locator('#joiners tbody tr', { hasText: 'Chidi Okafor' });
      assert.match(await row.innerText(), /CTF received/);
      await row.getByRole('link', { name: 'open the file for Chidi Okafor' }).click();
      await page
        .getByRole('button', { name: /Download/ })
        .or(page.getByRole('link', { name: /Download/ }))
        .first()
        .waitFor();
      await expectAccessible(page);
    });

    it('a strong match in the repository waits for the school to look at it', async () => {
      const { services } = suite.running;
      const newSchool = await addUser(services, { role: 'school-user', org: '3304101' });
      const page = await suite.newPage();
      await signIn(page, services, newSchool);
      await page.goto(`${suite.running.baseUrl}/joiners/new`);
      await page.getByLabel('Surname', { exact: true }).fill('Hartley');
      await page.getByLabel('First name', { exact: true }).fill('Amelia');
      await fillDate(page, 'Date of birth', '4', '3', '2016');
      await page.getByLabel('Female').check();
      await fillDate(page, 'Date the pupil joined', '2', '11', '2026');
      await page.getByRole('button', { name: 'Register and look for the record' }).click();
      await page.locator('.govuk-panel', { hasText: 'New pupil registered' }).waitFor();
      assert.match(await page.locator('#next').innerText(), /very likely this pupil’s/);
      await page.locator('#next').getByRole('link').click();
      await page.getByRole('heading', { level: 1, name: 'Is this your new pupil?' }).waitFor();
      assert.equal(await page.locator('input[name=verdict]:checked').count(), 0, 'no answer is chosen for the school');
      await expectAccessible(page);
      await page.getByRole('button', { name: 'Continue' }).click();
      assert.match(await page.locator('.govuk-error-summary').innerText(), /Select whether the record is/);
      await expectAccessible(page);
      await page.getByLabel('No, none of these is our pupil').check();
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByRole('heading', { level: 1, name: 'New pupils without a CTF' }).waitFor();
      assert.match(
        await page.locator('#confirmation').innerText(),
        /The search for the pupil’s record has passed to your LA/,
      );
      await expectAccessible(page);
    });
  });
}
