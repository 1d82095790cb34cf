/**
 * Browser journey for the unknown-destination repository: a school sends a leaver's CTF to XXXXXXX; an LA user
 * of another LA searches with a misspelt surname and a swapped birth date, sees the child with the reasons it
 * matched, opens the record with a reason, downloads a one-pupil CTF that the CTF engine finds valid, and marks
 * the child found; a school of a third LA then no longer finds the child, and the LA the child left sees who
 * found them. Every page is checked with axe. The search and opening also work with JavaScript turned off.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { parseCtf, type CtfPupilInput } from '../../src/ctf/index.js';
import {
  browserSkip,
  browserSuite,
  expectAccessible,
  fillPupilSearch,
  signIn,
  type PupilSearch,
} from '../support/browser.js';
import { testDatabases } from '../support/databases.js';
import { ctfFile, tokenFor, upload, noOtherNames } from '../support/transfers.js';
import { addUser } from '../support/world.js';

const none = noOtherNames;

async function submitSearch(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.waitForLoadState('load');
}

/** Goes to the search page from the navigation, as a user would. */
async function goToSearch(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'Find a pupil’s record' }).click();
  await page.getByRole('heading', { level: 1, name: 'Find a pupil’s record' }).waitFor();
}

for (const database of await testDatabases()) {
  describe(`searching the unknown-destination repository (browser, ${database.name})`, { skip: browserSkip() }, () => {
    const suite = browserSuite({ database });

    /** Sends one leaver's CTF from Hollins Lane Primary (823) to XXXXXXX through the API, as a MIS would. */
    async function sendToRepository(person: Partial<CtfPupilInput>): Promise<CtfPupilInput> {
      const { services, app } = suite.running;
      const school = await addUser(services, { role: 'school-user', org: '8232003' });
      const file = ctfFile('8232003', 'XXXXXXX', { people: [{ ...none, ...person }] });
      const response = await upload(app, await tokenFor(services, school.user), [file]);
      assert.equal(response.statusCode, 201, response.body);
      assert.equal(response.json().files[0].status, 'in-repository');
      return file.pupils[0]!;
    }

    let katherine: CtfPupilInput;
    let samuel: CtfPupilInput;
    before(async () => {
      katherine = await sendToRepository({
        forename: 'Katherine',
        surname: 'Whitfield',
        dateOfBirth: '2015-03-04',
        sex: 'F',
      });
      samuel = await sendToRepository({
        forename: 'Samuel',
        surname: 'Okonkwo',
        dateOfBirth: '2014-10-21',
        sex: 'M',
      });
    });

    it('an LA finds a child despite slips, opens and downloads the record, and marks the child found', async () => {
      const { services } = suite.running;
      const la = await addUser(services, { role: 'la-user', org: '330', name: 'Jo Adeyemi' });
      const otherSchool = await addUser(services, { role: 'school-user', org: '9092201', name: 'Kim Lee' });
      const leftLa = await addUser(services, { role: 'la-user', org: '823', name: 'Ruth Ellis' });
      const correct: PupilSearch = { surname: 'Whitfield', forename: 'Katherine', day: '4', month: '3', year: '2015' };

      // Before the child is found, a school in a third LA can find them.
      const school = await suite.newPage();
      await signIn(school, services, otherSchool);
      await goToSearch(school);
      await fillPupilSearch(school, correct);
      await submitSearch(school);
      assert.equal(await school.locator('#results tbody tr', { hasText: 'Katherine Whitfield' }).count(), 1);

      const page = await suite.newPage();
      await signIn(page, services, la);
      await goToSearch(page);
      const fieldsInError = page.locator('.govuk-form-group--error');
      assert.equal(await fieldsInError.count(), 0, 'a fresh form shows no field in error');
      assert.equal(await page.locator('details[open]').count(), 0, 'the optional details start closed');
      await expectAccessible(page);

      await submitSearch(page);
      assert.equal(new URL(page.url()).pathname, '/repository/search');
      const summary = page.locator('.govuk-error-summary');
      assert.match(await summary.innerText(), /There is a problem/);
      assert.match(await page.title(), /^Error: /);
      assert.equal(await fieldsInError.count(), await summary.getByRole('listitem').count());
      await expectAccessible(page);

      await fillPupilSearch(page, { surname: 'Whitfeild', forename: 'Katherine', day: '3', month: '4', year: '2015' });
      await expectAccessible(page);
      await submitSearch(page);
      await page.getByRole('heading', { level: 1, name: 'Search results' }).waitFor();
      const row = page.locator('#results tbody tr', { hasText: 'Katherine Whitfield' });
      assert.equal(await row.count(), 1);
      assert.equal(await page.locator('#results tbody tr', { hasText: 'Okonkwo' }).count(), 0);
      const why = await row.locator('li').allInnerTexts();
      assert.ok(
        why.includes('Surname spelt with one letter different') ||
          why.includes('Surname spelt with two letters different') ||
          why.includes('Surname sounds alike'),
        `the surname slip is explained: ${why.join('; ')}`,
      );
      assert.ok(why.includes('Day and month of birth swapped'), `the swapped date is explained: ${why.join('; ')}`);
      assert.ok(why.includes('First name matches'), why.join('; '));
      assert.match(await row.innerText(), /4 March 2015[\s\S]*Hollins Lane Primary School \(8232003\)/);
      await expectAccessible(page);

      await row.getByRole('link', { name: 'Choose Katherine Whitfield' }).click();
      await page.getByRole('heading', { level: 1, name: 'Open this record' }).waitFor();
      await expectAccessible(page);
      await page.getByRole('button', { name: 'Open record' }).click();
      await page.waitForLoadState('load');
      assert.match(await summary.innerText(), /There is a problem/);
      assert.match(await page.title(), /^Error: /);
      await expectAccessible(page);
      await summary.getByRole('link').click();
      assert.equal(await page.evaluate<string | undefined>('document.activeElement?.id'), 'reason');
      await page
        .getByLabel('Why are you opening this record?')
        .fill('Katherine joined Year 6 at Brackenford High on 2 November without a CTF');
      await page.getByRole('button', { name: 'Open record' }).click();
      await page.getByRole('heading', { level: 1, name: 'Katherine Whitfield' }).waitFor();
      assert.match(new URL(page.url()).pathname, /^\/repository\/records\/[^/]+\/opened$/);
      const details = await page.locator('.govuk-summary-list').innerText();
      assert.ok(katherine.upn, 'the CTF has a UPN');
      assert.match(details, new RegExp(`UPN\\s+${katherine.upn}`));
      assert.match(details, /Status\s+In active search/);
      assert.equal(await fieldsInError.count(), 0, 'the found form shows no field in error');
      await expectAccessible(page);

      const downloading = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Download CTF' }).click();
      const download = await downloading;
      assert.match(download.suggestedFilename(), /^8232003_CTF_XXXXXXX_\d{3}\.XML$/);
      const saved = await download.path();
      const parsed = await parseCtf(fs.readFileSync(saved), { retainPupils: true });
      assert.equal(parsed.valid, true, JSON.stringify(parsed.errors));
      assert.equal(parsed.pupils.length, 1);
      assert.equal(parsed.pupils[0]!.surname, 'Whitfield');
      assert.equal(parsed.pupils[0]!.upn, katherine.upn);

      await page.getByRole('button', { name: 'Mark as found' }).click();
      await page.waitForLoadState('load');
      assert.match(await summary.innerText(), /There is a problem/);
      assert.equal(await fieldsInError.count(), 1);
      await expectAccessible(page);
      await page.getByLabel('Enrolled at a school').check();
      await page.getByLabel('LAEstab of the school').fill('3304101');
      await page.getByRole('button', { name: 'Mark as found' }).click();
      await page.getByRole('heading', { level: 1, name: 'Are you sure this child is found?' }).waitFor();
      assert.match(
        await page.locator('.govuk-summary-list').innerText(),
        /Enrolled at Brackenford High School \(3304101\)/,
      );
      await expectAccessible(page);
      await page.getByRole('button', { name: 'Yes, mark as found' }).click();
      await page.locator('.govuk-notification-banner--success').waitFor();
      assert.match(await page.locator('.govuk-notification-banner').innerText(), /The child is marked as found/);
      assert.match(await page.locator('.govuk-summary-list').innerText(), /Status\s+Found on .+ enrolled at 3304101/);
      assert.equal(await page.getByRole('button', { name: 'Mark as found' }).count(), 0);
      await expectAccessible(page);

      // The child has left active search: the school in the third LA no longer finds them.
      await goToSearch(school);
      await fillPupilSearch(school, correct);
      await submitSearch(school);
      await school.getByRole('heading', { level: 1, name: 'Search results' }).waitFor();
      assert.match(await school.locator('#no-results').innerText(), /No record is a likely match/);
      await expectAccessible(school);

      // The LA the child left sees who found them, and where.
      const home = await suite.newPage();
      await signIn(home, services, leftLa);
      await home.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'Children found' }).click();
      await home.getByRole('heading', { level: 1, name: 'Children found from your schools' }).waitFor();
      const found = home.locator('#found tbody tr', { hasText: 'Katherine Whitfield' });
      assert.equal(await found.count(), 1);
      assert.match(
        await found.innerText(),
        new RegExp(
          `4 March 2015[\\s\\S]*Hollins Lane Primary School[\\s\\S]*${la.user.email}[\\s\\S]*Enrolled at 3304101`,
        ),
      );
      await expectAccessible(home);
    });

    it('works without JavaScript: search, choose and open with a reason', async () => {
      const { services } = suite.running;
      const la = await addUser(services, { role: 'la-user', org: '909' });
      const page = await suite.newPage({ javaScriptEnabled: false });
      await signIn(page, services, la);
      await goToSearch(page);
      assert.doesNotMatch((await page.locator('body').getAttribute('class')) ?? '', /js-enabled/);
      await fillPupilSearch(page, { surname: 'Okonquo', forename: 'Sam', day: '21', month: '10', year: '2014' });
      await submitSearch(page);
      await page.getByRole('heading', { level: 1, name: 'Search results' }).waitFor();
      const row = page.locator('#results tbody tr', { hasText: 'Samuel Okonkwo' });
      assert.equal(await row.count(), 1);
      assert.match(await row.innerText(), /First name is a short form of theirs/);
      await expectAccessible(page);

      await row.getByRole('link', { name: 'Choose Samuel Okonkwo' }).click();
      await page.getByRole('heading', { level: 1, name: 'Open this record' }).waitFor();
      await page.getByLabel('Why are you opening this record?').fill('Reported missing from education by a neighbour');
      await page.getByRole('button', { name: 'Open record' }).click();
      await page.getByRole('heading', { level: 1, name: 'Samuel Okonkwo' }).waitFor();
      assert.match(await page.locator('.govuk-summary-list').innerText(), new RegExp(`UPN\\s+${samuel.upn}`));
      await expectAccessible(page);
    });
  });
}
