/**
 * Browser journeys that start from the CTF instead of the keyboard, on a desktop and on a 320-pixel screen (no page
 * scrolling sideways), every page checked with axe: a school records its leavers by uploading the CTF it is
 * sending them with; a school registers a new pupil picked from the CTF the family brought; another school's inbox names each file's pupils, filters to the files not yet downloaded, and
 * downloads two files as one zip.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import yauzl from 'yauzl';
import { makeUpn } from '../../src/ctf/upn.js';
import { browserSkip, browserSuite, expectAccessible, fillDate, signIn } from '../support/browser.js';
import { testDatabases } from '../support/databases.js';
import { ctfFile, noOtherNames, tokenFor, upload } from '../support/transfers.js';
import { addUser } from '../support/world.js';

const screens = [
  { name: 'desktop', width: 1200, height: 900 },
  { name: '320 px', width: 320, height: 640 },
];

/** axe, and the page fits the screen's width (WCAG reflow). */
async function checkPage(page: Page): Promise<void> {
  await expectAccessible(page);
  const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
  assert.equal(overflow, 0, `${page.url()} scrolls sideways by ${overflow} px`);
}

function zipEntryNames(zip: Buffer): Promise<string[]> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (error, archive) => {
      if (error) return reject(error);
      const names: string[] = [];
      archive.on('entry', (entry: yauzl.Entry) => {
        names.push(entry.fileName);
        archive.readEntry();
      });
      archive.on('end', () => resolve(names));
      archive.on('error', reject);
      archive.readEntry();
    });
  });
}

for (const database of await testDatabases()) {
  describe(`starting from the CTF (browser, ${database.name})`, { skip: browserSkip() }, () => {
    const suite = browserSuite({ database });
    let folder: string;
    before(() => {
      folder = fs.mkdtempSync(path.join(os.tmpdir(), 's2s-browser-ctf-first-'));
    });
    after(() => fs.rmSync(folder, { recursive: true, force: true }));

    screens.forEach((screen, n) => {
      it(`records leavers from the CTF the school uploads (${screen.name})`, async () => {
        const { services } = suite.running;
        const school = await addUser(services, { role: 'school-user', org: '8232003' });
        // Each screen's journey has pupils of its own.
        const surname = ['Larkspur', 'Lavender'][n]!;
        const people = [
          {
            ...noOtherNames,
            forename: 'Imogen',
            surname,
            dateOfBirth: '2015-06-03',
            sex: 'F' as const,
          },
          {
            ...noOtherNames,
            forename: 'Jasper',
            surname,
            dateOfBirth: '2016-09-21',
            sex: 'M' as const,
          },
        ].map((p, i) => ({ ...p, upn: makeUpn(`8232003${n}${i}${'555'}`.slice(0, 12)) }));
        const file = ctfFile('8232003', '3304101', { people });
        const local = path.join(folder, file.name);
        fs.writeFileSync(local, file.bytes);

        const page = await suite.newPage({ width: screen.width, height: screen.height });
        await signIn(page, services, school);
        await page.goto('/leavers');
        await checkPage(page);
        await page.getByLabel('Record leavers from their CTF').setInputFiles(local);
        await page.getByRole('button', { name: 'Read the CTF' }).click();
        await page.getByRole('heading', { level: 1, name: `Check the leavers in ${file.name}` }).waitFor();
        const rows = await page.locator('#ctf-pupils tbody').innerText();
        assert.match(rows, new RegExp(`Imogen ${surname}[\\s\\S]*3 June 2015[\\s\\S]*${people[0]!.upn}`));
        assert.match(rows, /Brackenford High School \(3304101\)/);
        await checkPage(page);

        await page.getByRole('button', { name: 'Record 2 leavers' }).click();
        await page.waitForLoadState('load');
        assert.match(await page.locator('.govuk-error-summary').innerText(), /Enter the date the pupil left/);
        assert.match(await page.title(), /^Error: /);
        await checkPage(page);

        await fillDate(page, 'Date the pupils left', '30', '10', '2026');
        await page.getByRole('button', { name: 'Record 2 leavers' }).click();
        await page.getByRole('heading', { name: '2 leavers recorded' }).waitFor();
        assert.match(
          await page.locator('#recorded').innerText(),
          new RegExp(`Jasper ${surname}[\\s\\S]*send their CTF by 20 November 2026`),
        );
        await checkPage(page);

        await page.getByRole('link', { name: 'Go to your leavers' }).click();
        assert.match(await page.locator('#leavers').innerText(), new RegExp(`Imogen ${surname}`));
        await checkPage(page);
      });

      it(`registers a new pupil picked from the CTF the family brought (${screen.name})`, async () => {
        const { services } = suite.running;
        const school = await addUser(services, { role: 'school-user', org: '8232002' });
        const surname = ['Quennell', 'Quarrie'][n]!;
        const file = ctfFile('3304101', '8232002', {
          people: [
            { ...noOtherNames, forename: 'Tobias', surname, dateOfBirth: '2014-11-02', sex: 'M' },
            { ...noOtherNames, forename: 'Ursula', surname, dateOfBirth: '2016-08-19', sex: 'F' },
          ],
        });
        const local = path.join(folder, `joiner-${n}-${file.name}`);
        fs.writeFileSync(local, file.bytes);

        const page = await suite.newPage({ width: screen.width, height: screen.height });
        await signIn(page, services, school);
        await page.goto('/joiners/new');
        await checkPage(page);
        await page.getByLabel('Did the pupil bring a CTF?').setInputFiles(local);
        await page.getByRole('button', { name: 'Fill in from the CTF' }).click();
        await page.getByRole('heading', { level: 1, name: 'Which pupil are you registering?' }).waitFor();
        await checkPage(page);
        await page.getByRole('button', { name: 'Continue' }).click();
        await page.waitForLoadState('load');
        assert.match(await page.locator('.govuk-error-summary').innerText(), /Select the pupil you are registering/);
        await checkPage(page);

        await page.getByLabel(`Ursula ${surname}`).check();
        await page.getByRole('button', { name: 'Continue' }).click();
        await page.getByRole('heading', { level: 1, name: 'Register a new pupil' }).waitFor();
        assert.equal(await page.getByLabel('First name', { exact: true }).inputValue(), 'Ursula');
        assert.equal(await page.getByLabel('Previous school’s LAEstab (optional)').inputValue(), '3304101');
        await checkPage(page);
        await fillDate(page, 'Date the pupil joined', '29', '10', '2026');
        await page.getByRole('button', { name: 'Register and look for the record' }).click();
        await page.getByRole('heading', { level: 1, name: 'New pupil registered' }).waitFor();
        await checkPage(page);
      });

      it(`names each file’s pupils in the inbox, filters it, and downloads two files as a zip (${screen.name})`, async () => {
        const { services, app } = suite.running;
        const sender = await addUser(services, { role: 'school-user', org: '8232003' });
        // Each screen's journey has an inbox of its own.
        const receiverOrg = ['8232002', '8232004'][n]!;
        const receiver = await addUser(services, { role: 'school-user', org: receiverOrg });
        const files = [
          ctfFile('8232003', receiverOrg, {
            people: [{ ...noOtherNames, forename: 'Octavia', surname: 'Brightwater', dateOfBirth: '2014-01-29' }],
          }),
          ctfFile('8232003', receiverOrg, { pupils: 2 }),
          ctfFile('8232003', receiverOrg, { pupils: 1 }),
        ];
        const sent = await upload(app, await tokenFor(services, sender.user), files);
        assert.equal(sent.statusCode, 201, sent.body);

        const page = await suite.newPage({ width: screen.width, height: screen.height });
        await signIn(page, services, receiver);
        await page.goto('/inbox');
        assert.match(await page.locator('#inbox-files').innerText(), /Octavia Brightwater, born 29 January 2014/);
        await checkPage(page);

        // One file was downloaded already: the filter leaves it out.
        await page.getByRole('link', { name: files[2]!.name }).click();
        const single = page.waitForEvent('download');
        await page.getByRole('button', { name: 'Download file' }).click();
        await single;
        await page.goto('/inbox');
        await page.getByLabel('Not yet downloaded').check();
        await page.getByRole('button', { name: 'Show files' }).click();
        await page.waitForLoadState('load');
        const table = page.locator('#inbox-files');
        assert.match(await table.locator('caption').innerText(), /2 files not yet downloaded/);
        assert.equal(await table.getByRole('link', { name: files[2]!.name }).count(), 0);
        await checkPage(page);

        await page.getByRole('button', { name: 'Download selected as a zip' }).click();
        await page.waitForLoadState('load');
        assert.match(await page.locator('.govuk-error-summary').innerText(), /Select the files to download/);
        await checkPage(page);

        for (const file of files.slice(0, 2)) await page.getByLabel(`Select ${file.name}`).check();
        const downloading = page.waitForEvent('download');
        await page.getByRole('button', { name: 'Download selected as a zip' }).click();
        const download = await downloading;
        assert.match(download.suggestedFilename(), /^inbox-2026-11-02\.zip$/);
        const saved = path.join(folder, `inbox-${n}.zip`);
        await download.saveAs(saved);
        assert.deepEqual((await zipEntryNames(fs.readFileSync(saved))).sort(), [files[0]!.name, files[1]!.name].sort());

        await page.goto('/inbox?show=not-downloaded');
        assert.match(await page.locator('main').innerText(), /You have downloaded every file in your inbox/);
        await checkPage(page);
      });
    });
  });
}
