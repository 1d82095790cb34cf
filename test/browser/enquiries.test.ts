/**
 * Browser journey for a missing-pupil enquiry: a CME officer describes a missing child in a draft, which shows no
 * matches, is told to give a reason before sending, sends to one LA and then sees the new pupil at a school in that
 * LA that matches; the other LA's officer is notified, answers "known" with where; the first officer is notified,
 * sees the answer and closes the enquiry with its outcome. Every page is checked with axe.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { browserSkip, browserSuite, expectAccessible, goTo, signIn } from '../support/browser.js';
import { testDatabases } from '../support/databases.js';
import { tokenFor } from '../support/transfers.js';
import { addUser } from '../support/world.js';

for (const database of await testDatabases()) {
  describe(`a missing-pupil enquiry between LAs (browser, ${database.name})`, { skip: browserSkip() }, () => {
    const suite = browserSuite({ database });

    before(async () => {
      // Kyle has joined a Kestrel Moor school (909) without a CTF.
      const { services, app } = suite.running;
      const school = await addUser(services, { role: 'school-user', org: '9092201' });
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/joiners',
        headers: { authorization: `Bearer ${await tokenFor(services, school.user)}` },
        payload: { surname: 'Brennan', forename: 'Kyle', dateOfBirth: '2015-06-12', joinedOn: '2026-10-19' },
      });
      assert.equal(response.statusCode, 201, response.body);
    });

    it('an officer asks one chosen LA about a missing child, is answered, and records the outcome', async () => {
      const { services } = suite.running;
      const officer = await addUser(services, { role: 'la-user', org: '823', name: 'Ruth Ellis' });
      const kestrelOfficer = await addUser(services, { role: 'la-user', org: '909', name: 'Dan Hughes' });

      const page = await suite.newPage();
      await signIn(page, services, officer);
      await goTo(page, 'Missing-pupil enquiries', 'Missing-pupil enquiries');
      await expectAccessible(page);
      await page.getByRole('button', { name: 'Start an enquiry' }).click();
      await page.getByRole('heading', { level: 1, name: 'Start a missing-pupil enquiry' }).waitFor();
      await expectAccessible(page);
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.waitForLoadState('load');
      assert.match(await page.title(), /^Error: /);
      assert.equal(
        await page.locator('.govuk-form-group--error').count(),
        await page.locator('.govuk-error-summary').getByRole('listitem').count(),
      );
      await expectAccessible(page);

      await page.getByLabel('Surname', { exact: true }).fill('Brennan');
      await page.getByLabel('First name', { exact: true }).fill('Kyle');
      await page.getByLabel('Day').fill('12');
      await page.getByLabel('Month').fill('6');
      await page.getByLabel('Year').fill('2015');
      await page.getByLabel('Male', { exact: true }).check();
      await page.getByLabel('Last known address').fill('3 Orchard Close, Ashdown Vale');
      await page.getByLabel('Why you are concerned').fill('Not seen since 2 October; neighbours say the family moved.');
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByRole('heading', { level: 1, name: 'Kyle Brennan' }).waitFor();
      await page.locator('#not-yet-matched').waitFor();
      assert.equal(await page.locator('#matches').count(), 0, 'a draft shows no matches');
      await expectAccessible(page);

      await page.locator('#la-0').selectOption('909');
      await page.getByRole('button', { name: 'Send enquiry' }).click();
      await page.waitForLoadState('load');
      assert.match(await page.locator('.govuk-error-summary').innerText(), /Give the reason for sending to LA 909/);
      await expectAccessible(page);
      await page.locator('#reason-0').fill('His aunt lives in Kestrel Moor, known from the 2025 assessment');
      await page.getByRole('button', { name: 'Send enquiry' }).click();
      await page.locator('#recipients').waitFor();
      assert.match(await page.locator('#state').innerText(), /Sent; 0 of 1 answered/);
      assert.match(await page.locator('#matches').innerText(), /Joined .* \(9092201\)/);

      const other = await suite.newPage();
      await signIn(other, services, kestrelOfficer);
      await goTo(other, 'Notifications', 'Notifications');
      assert.match(
        await other.locator('#notifications').innerText(),
        /Another LA has sent you a missing-pupil enquiry/,
      );
      assert.equal((await other.locator('#notifications').innerText()).includes('Brennan'), false);
      await expectAccessible(other);
      await other.getByRole('link', { name: 'Another LA has sent you a missing-pupil enquiry.' }).click();
      await other.getByRole('heading', { level: 1, name: 'Enquiries sent to your LA' }).waitFor();
      const enquiry = other.locator('section', { hasText: 'Kyle Brennan' });
      assert.match(await enquiry.innerText(), /His aunt lives in Kestrel Moor/);
      await expectAccessible(other);
      await enquiry.getByLabel('Known to us', { exact: true }).check();
      await enquiry
        .getByRole('textbox', { name: /Where the child is known/ })
        .fill('On roll at Kestrel Moor Primary (9092201)');
      await enquiry.getByRole('button', { name: 'Send answer about Kyle Brennan' }).click();
      await other.waitForLoadState('load');

      await goTo(page, 'Notifications', 'Notifications');
      await page.getByRole('link', { name: 'LA 909 answered your missing-pupil enquiry.' }).click();
      await page.getByRole('heading', { level: 1, name: 'Kyle Brennan' }).waitFor();
      assert.match(await page.locator('#recipients').innerText(), /Known: On roll at Kestrel Moor Primary \(9092201\)/);
      await page.getByLabel('Found on a school roll').check();
      await page.getByRole('button', { name: 'Close enquiry' }).click();
      await page.waitForLoadState('load');
      assert.match(await page.locator('#state').innerText(), /Closed: found in a school/);
      await expectAccessible(page);
    });
  });
}
