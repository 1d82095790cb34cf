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
      assert.match(
        await page.locator('.govuk-error-summary').innerText(),
        /Give the reason for sending to Kestrel Moor \(909\)/,
      );
      await expectAccessible(page);
      await page.locator('#reason-0').fill('His aunt lives in Kestrel Moor, known from the 2025 assessment');
      await page.getByRole('button', { name: 'Send enquiry' }).click();
      await page.locator('#recipients').waitFor();
      assert.match(await page.locator('#confirmation').innerText(), /Enquiry sent to 1 LA/);
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
      await other.locator('#confirmation').waitFor();
      assert.match(await other.locator('#confirmation').innerText(), /Your answer has been sent/);
      await expectAccessible(other);

      await goTo(page, 'Notifications', 'Notifications');
      await page.getByRole('link', { name: 'Kestrel Moor (909) answered your missing-pupil enquiry.' }).click();
      await page.getByRole('heading', { level: 1, name: 'Kyle Brennan' }).waitFor();
      assert.match(await page.locator('#recipients').innerText(), /Known: On roll at Kestrel Moor Primary \(9092201\)/);
      await page.getByLabel('Found on a school roll').check();
      await page.getByRole('button', { name: 'Close enquiry' }).click();
      await page.getByRole('heading', { level: 1, name: 'Are you sure you want to close this enquiry?' }).waitFor();
      assert.match(await page.locator('.govuk-summary-list').innerText(), /Found on a school roll/);
      await expectAccessible(page);
      await page.getByRole('link', { name: 'Cancel' }).click();
      await page.getByRole('heading', { level: 1, name: 'Kyle Brennan' }).waitFor();
      assert.match(await page.locator('#state').innerText(), /Sent/, 'cancelling changes nothing');
      await page.getByLabel('Found on a school roll').check();
      await page.getByRole('button', { name: 'Close enquiry' }).click();
      await page.getByRole('button', { name: 'Yes, close the enquiry' }).click();
      await page.locator('#confirmation').waitFor();
      assert.match(await page.locator('#state').innerText(), /Closed: found in a school/);
      await expectAccessible(page);
    });

    it('an LA administrator sends an enquiry to many LAs back to the officer, saying why', async () => {
      const { services, app } = suite.running;
      const officer = await addUser(services, { role: 'la-user', org: '823' });
      const admin = await addUser(services, { role: 'la-admin', org: '823' });
      const token = await tokenFor(services, officer.user);
      const call = (url: string, payload: Record<string, unknown>) =>
        app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${token}` }, payload });
      const made = await call('/api/v1/enquiries', {
        surname: 'Doyle',
        forename: 'Aoife',
        dateOfBirth: '2014-04-02',
        lastAddress: '12 Mill Lane, Ashdown Vale',
        concern: 'Not at school since 2 October; the house is empty.',
      });
      const id = made.json().id as string;
      const reason = 'A cousin was seen there in the summer holidays';
      const held = await call(`/api/v1/enquiries/${id}/send`, {
        recipients: ['330', '909', '940', '660'].map((laCode) => ({ laCode, reason })),
      });
      assert.equal(held.json().state, 'awaiting-approval', held.body);

      const page = await suite.newPage();
      await signIn(page, services, admin);
      await page.goto(`${suite.running.baseUrl}/enquiries/${id}`);
      await page.getByRole('button', { name: 'Send back to the officer' }).click();
      await page.waitForLoadState('load');
      assert.match(await page.locator('.govuk-error-summary').innerText(), /Say why you are sending the enquiry back/);
      await expectAccessible(page);
      await page
        .getByLabel('Or send it back to the officer')
        .fill('Four LAs is too many: which two has she a link to?');
      await page.getByRole('button', { name: 'Send back to the officer' }).click();
      await page.locator('#confirmation').waitFor();
      assert.match(await page.locator('#confirmation').innerText(), /sent back to the officer/);
      await expectAccessible(page);

      const officerPage = await suite.newPage();
      await signIn(officerPage, services, officer);
      await officerPage.goto(`${suite.running.baseUrl}/enquiries/${id}`);
      assert.match(await officerPage.locator('#sent-back').innerText(), /Your LA administrator sent this enquiry back/);
      assert.match(await officerPage.locator('.govuk-inset-text').innerText(), /Four LAs is too many/);
      assert.equal(await officerPage.getByRole('button', { name: 'Send enquiry' }).count(), 1, 'a draft again');
      await expectAccessible(officerPage);
    });
  });
}
