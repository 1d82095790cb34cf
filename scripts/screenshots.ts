/**
 * Takes the screenshots in docs/screenshots/ (sign-in, two-factor set-up, home, find-a-school results, sending
 * files, the receiving school's inbox and the sender's sent list, and an LA's search of the unknown-destination
 * repository: the filled form, the results and the opened record; a new pupil registered without a CTF and the
 * previous school's requests; a leaver recorded and the LA's view of its schools' leavers; a missing-pupil enquiry and the LA it went to; an LA's usage report) from the
 * real app in demo mode, with fictitious people and the sample register, at a 1200px-wide viewport.
 * Run: node --import tsx scripts/screenshots.ts [name…]; names (such as repository-results) limit which are written.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { projectRoot } from '../src/platform/web/project-root.js';
import {
  closePage,
  enrolTwoFactor,
  expectAssetsLoaded,
  fillDate,
  fillPupilSearch,
  launchBrowser,
  openPage,
  searchForSchool,
  signIn,
  startApp,
  submitPassword,
} from '../test/support/browser.js';
import { ctfFile, tokenFor, upload } from '../test/support/transfers.js';
import { addUser } from '../test/support/world.js';

const outputDir = path.join(projectRoot, 'docs', 'screenshots');
/** The screenshots named on the command line, or every one when none is. */
const only = new Set(process.argv.slice(2));

/** Saves a full-page PNG once the page, its assets and its web fonts have loaded, so no shot shows a fallback font. */
async function shoot(page: Page, name: string): Promise<void> {
  await expectAssetsLoaded(page);
  if (only.size > 0 && !only.has(name)) return;
  // A string, not a function: the project compiles without the DOM library.
  const fontsLoaded = await page.evaluate<string[]>(
    'document.fonts.ready.then(() => [...document.fonts].filter((f) => f.status === "loaded").map((f) => f.family))',
  );
  assert.ok(
    fontsLoaded.some((family) => family.includes('GDS Transport')),
    `${name}: the GOV.UK font did not load`,
  );
  const file = path.join(outputDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`wrote ${path.relative(projectRoot, file)}`);
}

const running = await startApp({ demo: true });
const browser = await launchBrowser();
try {
  fs.mkdirSync(outputDir, { recursive: true });
  const { services } = running;
  // A fictitious school office user, as in the demo data, who has not yet set up two-factor authentication.
  const account = await addUser(services, {
    role: 'school-user',
    org: '8232003',
    name: 'Sam Okafor',
    email: 'office@hollins-lane.example',
    enrolled: false,
  });
  const page = await openPage(browser, running.baseUrl, { width: 1200, height: 800 });

  await page.goto('/sign-in');
  await shoot(page, 'sign-in');

  await submitPassword(page, account.user.email, account.password);
  assert.equal(new URL(page.url()).pathname, '/two-factor/set-up');
  await shoot(page, 'two-factor-set-up');

  await enrolTwoFactor(page, services);
  await shoot(page, 'home');

  await page.goto('/find-a-school');
  await searchForSchool(page, 'Meadowbank');
  await shoot(page, 'find-a-school');

  // Send two CTFs (one refused, to show how problems are reported) to Brackenford High, which collects one.
  const good = ctfFile('8232003', '3304101', { pupils: 3, seed: 'screenshot-good' });
  const broken = ctfFile('8232003', '9092201', { pupils: 2, seed: 'screenshot-bad' });
  const brokenBytes = Buffer.from(
    broken.bytes.toString().replace(/<UPN>([A-Z])/, (_m, letter: string) => `<UPN>${letter === 'A' ? 'B' : 'A'}`),
  );
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 's2s-screenshots-'));
  fs.writeFileSync(path.join(folder, good.name), good.bytes);
  fs.writeFileSync(path.join(folder, broken.name), brokenBytes);
  await page.goto('/send');
  await shoot(page, 'send-files');
  await page.locator('input[type=file]').setInputFiles([path.join(folder, good.name), path.join(folder, broken.name)]);
  await page.getByRole('button', { name: 'Send files' }).click();
  await page.getByRole('heading', { name: 'Files sent' }).waitFor();
  await shoot(page, 'send-results');

  const receiver = await addUser(services, {
    role: 'school-user',
    org: '3304101',
    name: 'Priya Shah',
    email: 'data@brackenford-high.example',
  });
  const other = await openPage(browser, running.baseUrl, { width: 1200, height: 800 });
  await signIn(other, services, receiver);
  await other.goto('/inbox');
  await shoot(other, 'inbox');
  await other.getByRole('link', { name: good.name }).click();
  const downloading = other.waitForEvent('download');
  await other.getByRole('button', { name: 'Download file' }).click();
  await (await downloading).path();
  await closePage(other);

  await page.goto('/sent');
  await shoot(page, 'sent');
  fs.rmSync(folder, { recursive: true, force: true });

  // A leaver sent to XXXXXXX, whom an LA finds despite a misspelt surname and a day and month swapped.
  const leaver = ctfFile('8232003', 'XXXXXXX', {
    seed: 'screenshot-repository',
    people: [
      {
        forename: 'Katherine',
        surname: 'Whitfield',
        middleNames: null,
        preferredForename: null,
        preferredSurname: null,
        formerForename: null,
        formerSurname: null,
        formerUpns: [],
        dateOfBirth: '2015-03-04',
        sex: 'F',
      },
    ],
  });
  const sent = await upload(running.app, await tokenFor(services, account.user), [leaver]);
  assert.equal(sent.statusCode, 201, sent.body);
  const officer = await addUser(services, {
    role: 'la-user',
    org: '330',
    name: 'Jo Adeyemi',
    email: 'inclusion@brackenford-la.example',
  });
  const la = await openPage(browser, running.baseUrl, { width: 1200, height: 800 });
  await signIn(la, services, officer);
  await la.goto('/repository');
  await fillPupilSearch(la, { surname: 'Whitfeild', forename: 'Katherine', day: '3', month: '4', year: '2015' });
  await shoot(la, 'repository-search');
  await la.getByRole('button', { name: 'Search', exact: true }).click();
  await la.getByRole('heading', { name: 'Search results' }).waitFor();
  await shoot(la, 'repository-results');
  await la.getByRole('link', { name: 'Choose Katherine Whitfield' }).click();
  await la.getByLabel('Why are you opening this record?').fill('Katherine joined Year 6 on 2 November without a CTF');
  await la.getByRole('button', { name: 'Open record' }).click();
  await la.getByRole('heading', { name: 'Katherine Whitfield' }).waitFor();
  await shoot(la, 'repository-record');

  // Brackenford High registers a new pupil who came without a CTF; Hollins Lane sees the request for it.
  const joinerPage = await openPage(browser, running.baseUrl, { width: 1200, height: 800 });
  await signIn(joinerPage, services, receiver);
  await joinerPage.goto('/joiners/new');
  await joinerPage.getByLabel('Surname', { exact: true }).fill('Whitfeild');
  await joinerPage.getByLabel('First name', { exact: true }).fill('Katie');
  const born = joinerPage.getByRole('group', { name: 'Date of birth' });
  await born.getByLabel('Day').fill('4');
  await born.getByLabel('Month').fill('3');
  await born.getByLabel('Year').fill('2015');
  await joinerPage.getByLabel('Female').check();
  await joinerPage.getByLabel('Previous school’s LAEstab (optional)').fill('8232003');
  const joined = joinerPage.getByRole('group', { name: 'Date the pupil joined' });
  await joined.getByLabel('Day').fill('2');
  await joined.getByLabel('Month').fill('11');
  await joined.getByLabel('Year').fill('2026');
  await shoot(joinerPage, 'joiner-register');
  await joinerPage.getByRole('button', { name: 'Register and look for the record' }).click();
  await joinerPage.locator('.govuk-panel').waitFor();
  await shoot(joinerPage, 'joiner-registered');
  await closePage(joinerPage);
  await page.goto('/ctf-requests');
  await shoot(page, 'ctf-requests');

  // Hollins Lane records a leaver whose destination is not known.
  await page.goto('/leavers/new');
  await page.getByLabel('Surname', { exact: true }).fill('Marsh');
  await page.getByLabel('First name', { exact: true }).fill('Toby');
  await fillDate(page, 'Date of birth', '9', '7', '2016');
  await page.getByLabel('Male', { exact: true }).check();
  await page.getByLabel('UPN', { exact: true }).fill('G823200326950');
  await fillDate(page, 'Date the pupil left', '30', '10', '2026');
  await page.getByLabel('Not known: moved away; new address not known').check();
  await shoot(page, 'leaver-record');
  await page.getByRole('button', { name: 'Record the leaver' }).click();
  await page.locator('.govuk-notification-banner').waitFor();
  await shoot(page, 'leavers');

  // The LA's CME officer asks one other LA about a missing child; that LA sees the enquiry.
  await la.goto('/enquiries/new');
  await la.getByLabel('Surname', { exact: true }).fill('Whitfield');
  await la.getByLabel('First name', { exact: true }).fill('Katherine');
  await la.getByLabel('Day').fill('4');
  await la.getByLabel('Month').fill('3');
  await la.getByLabel('Year').fill('2015');
  await la.getByLabel('Last known address').fill('27 Linden Road, Brackenford');
  await la.getByLabel('Why you are concerned').fill('Not seen since half term; the family’s house is empty.');
  await la.getByRole('button', { name: 'Continue' }).click();
  await la.locator('#state').waitFor();
  await la.locator('#la-0').selectOption('823');
  await la.locator('#reason-0').fill('Her record shows she left Hollins Lane Primary, in Ashdown Vale');
  await shoot(la, 'enquiry');
  await la.getByRole('button', { name: 'Send enquiry' }).click();
  await la.locator('#recipients').waitFor();
  await closePage(la);
  const ashdownOfficer = await addUser(services, {
    role: 'la-user',
    org: '823',
    name: 'Ruth Ellis',
    email: 'cme@ashdown-vale.example',
  });
  const ashdown = await openPage(browser, running.baseUrl, { width: 1200, height: 800 });
  await signIn(ashdown, services, ashdownOfficer);
  await ashdown.goto('/enquiries/received');
  await shoot(ashdown, 'enquiries-received');
  await ashdown.goto('/leavers/at-your-schools');
  await shoot(ashdown, 'leavers-at-schools');
  await ashdown.goto('/reports/usage');
  await shoot(ashdown, 'usage-report');
  await closePage(ashdown);

  await closePage(page);
} finally {
  await browser.close();
  await running.close();
}
