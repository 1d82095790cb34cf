/**
 * Browser journey for transfers: school A sends a CTF to school B from the "Send files" page (with JavaScript, so
 * the enhanced upload and its progress bar are used, and once without); B finds it in the inbox and downloads
 * exactly the bytes sent; school C sees nothing of it; A's sent list shows who collected it. A zip still being
 * unpacked when the upload answers is followed on "Your .zip uploads". A UPN that arrives with another name than
 * before is warned of on both sides.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { browserSkip, expectAccessible, signIn, browserSuite } from '../support/browser.js';
import { testDatabases } from '../support/databases.js';
import { ctfFile, makeZip } from '../support/transfers.js';
import { addUser } from '../support/world.js';
import { makeUpn } from '../../src/ctf/upn.js';

for (const database of await testDatabases()) {
  describe(`sending and collecting a CTF (browser, ${database.name})`, { skip: browserSkip() }, () => {
    // Zips are answered after a second, so that one held back is still being unpacked when its upload answers.
    const suite = browserSuite({ database, env: { S2S_ZIP_WAIT_SECONDS: '1' } });
    const newPage = (javaScriptEnabled = true) => suite.newPage({ javaScriptEnabled });
    let folder: string;

    before(() => {
      folder = fs.mkdtempSync(path.join(os.tmpdir(), 's2s-browser-files-'));
    });
    after(() => fs.rmSync(folder, { recursive: true, force: true }));

    async function sendFrom(page: Page, file: { name: string; bytes: Buffer }): Promise<void> {
      const local = path.join(folder, file.name);
      fs.writeFileSync(local, file.bytes);
      await page.goto('/send');
      await expectAccessible(page);
      await page.locator('input[type=file]').setInputFiles(local);
      await page.getByRole('button', { name: 'Send files' }).click();
      await page.getByRole('heading', { name: 'Files sent' }).waitFor();
    }

    it('school A sends a CTF that only school B collects, byte for byte', async () => {
      const { services } = suite.running;
      const a = await addUser(services, { role: 'school-user', org: '8232003', name: 'Sam Okafor' });
      const b = await addUser(services, { role: 'school-user', org: '3304101', name: 'Priya Shah' });
      const c = await addUser(services, { role: 'school-user', org: '9092201', name: 'Kim Lee' });
      const file = ctfFile('8232003', '3304101', { pupils: 3, seed: 'browser-journey' });

      const sender = await newPage();
      await signIn(sender, services, a);
      await sendFrom(sender, file);
      assert.match(
        await sender.locator('table').innerText(),
        new RegExp(`${file.name}[\\s\\S]*3304101[\\s\\S]*3[\\s\\S]*Delivered`),
      );
      await expectAccessible(sender);

      const receiver = await newPage();
      await signIn(receiver, services, b);
      await receiver.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'Inbox' }).click();
      await expectAccessible(receiver);
      await receiver.getByRole('link', { name: file.name }).click();
      await expectAccessible(receiver);
      const downloading = receiver.waitForEvent('download');
      await receiver.getByRole('button', { name: 'Download file' }).click();
      const download = await downloading;
      assert.equal(download.suggestedFilename(), file.name);
      const saved = path.join(folder, `downloaded-${file.name}`);
      await download.saveAs(saved);
      assert.deepEqual(fs.readFileSync(saved), file.bytes, 'the download is byte-identical');

      const outsider = await newPage();
      await signIn(outsider, services, c);
      await outsider.goto('/inbox');
      assert.match(await outsider.locator('main').innerText(), /There are no files waiting for you/);
      const fileUrl = new URL(receiver.url()).pathname.replace(/\/download$/, '');
      const probe = await outsider.goto(
        fileUrl.startsWith('/files/') ? fileUrl : '/files/00000000-0000-0000-0000-000000000000',
      );
      assert.equal(probe?.status(), 404);

      await sender.goto('/sent');
      await expectAccessible(sender);
      const row = sender.locator('tr', { hasText: file.name });
      assert.match(await row.innerText(), new RegExp(`Collected[\\s\\S]*${b.user.email}`));
    });

    it('says a zip is still being unpacked, and shows its progress and files on its own page', async () => {
      const { services } = suite.running;
      const a = await addUser(services, { role: 'school-user', org: '8232003' });
      const entries = ['3304101', '9092201'].map((to, i) => ctfFile('8232003', to, { seed: `browser-zip-${i}` }));
      const local = path.join(folder, 'leavers.zip');
      fs.writeFileSync(local, makeZip(entries.map((e) => ({ name: e.name, data: e.bytes }))));
      const page = await newPage();
      await signIn(page, services, a);
      await page.goto('/send');
      await page.locator('input[type=file]').setInputFiles(local);
      // The bulk workers are held back while it is sent, so the zip is certain to wait past the answer.
      await services.jobs.stop();
      try {
        await page.getByRole('button', { name: 'Send files' }).click();
        await page.getByRole('heading', { name: 'Still unpacking' }).waitFor();
      } finally {
        services.jobs.start(services.config.bulkWorkers);
      }
      assert.match(await page.locator('main').innerText(), /leavers\.zip is still being unpacked/);
      await expectAccessible(page);
      await page.getByRole('link', { name: 'See how far it has got and what happened to each of its files' }).click();
      await page.getByRole('heading', { name: 'leavers.zip' }).waitFor();
      await expectAccessible(page);
      const jobId = new URL(page.url()).pathname.split('/').pop()!;
      await services.jobs.waitFor(jobId, 60_000);
      await page.reload();
      assert.match(await page.locator('table').innerText(), new RegExp(`${entries[1]!.name}[\\s\\S]*Delivered`));
      await expectAccessible(page);
      await page.getByRole('link', { name: 'Your .zip uploads' }).click();
      assert.match(await page.locator('table').innerText(), /leavers\.zip[\s\S]*Done[\s\S]*2/);
      await expectAccessible(page);
    });

    it('warns the sender and the receiving school, without JavaScript, of a UPN seen with another identity', async () => {
      const { services } = suite.running;
      const a = await addUser(services, { role: 'school-user', org: '8232003' });
      const b = await addUser(services, { role: 'school-user', org: '3304101' });
      const child = { forename: 'Iris', surname: 'Vane', dateOfBirth: '2015-02-03', sex: 'F' as const };
      const upn = makeUpn('823200315750');
      const first = ctfFile('8232003', '8232004', { people: [{ ...child, upn }] });
      const second = ctfFile('8232003', '3304101', { people: [{ ...child, surname: 'Crane', upn }] });
      const warning =
        'One pupil in this file has a UPN that s2s has seen before with a different name or date of birth. Check the pupil’s identity before importing.';

      const sender = await newPage(false);
      await signIn(sender, services, a);
      await sendFrom(sender, first);
      assert.doesNotMatch(await sender.locator('main').innerText(), /has seen before/);
      await sendFrom(sender, second);
      assert.match(await sender.locator('table').innerText(), new RegExp(warning));
      await expectAccessible(sender);
      await sender.goto('/sent');
      assert.match(await sender.locator('tr', { hasText: second.name }).innerText(), new RegExp(warning));
      await expectAccessible(sender);

      const receiver = await newPage(false);
      await signIn(receiver, services, b);
      await receiver.goto('/inbox');
      assert.match(await receiver.locator('tr', { hasText: second.name }).innerText(), new RegExp(warning));
      await expectAccessible(receiver);
      await receiver.getByRole('link', { name: second.name }).click();
      assert.match(await receiver.locator('.govuk-warning-text').innerText(), new RegExp(warning));
      assert.doesNotMatch(await receiver.locator('main').innerText(), /Vane|8232004/);
      await expectAccessible(receiver);
    });

    it('works without JavaScript, and shows refusals with their line and reason', async () => {
      const { services } = suite.running;
      const a = await addUser(services, { role: 'school-user', org: '8232003' });
      const good = ctfFile('8232003', '9092201', { seed: 'no-js-good' });
      const badText = good.bytes.toString().replace(/<DOB>[^<]+<\/DOB>/, '<DOB>2019-02-30</DOB>');
      const bad = {
        name: good.name.replace('_9092201_', '_9404301_'),
        bytes: Buffer.from(
          badText.replace('<LEA>909</LEA>', '<LEA>940</LEA>').replace('<Estab>2201</Estab>', '<Estab>4301</Estab>'),
        ),
      };
      const page = await newPage(false);
      await signIn(page, services, a);
      for (const f of [good, bad]) fs.writeFileSync(path.join(folder, f.name), f.bytes);
      await page.goto('/send');
      await page.locator('input[type=file]').setInputFiles([path.join(folder, good.name), path.join(folder, bad.name)]);
      await page.getByRole('button', { name: 'Send files' }).click();
      await page.getByRole('heading', { name: 'Files sent' }).waitFor();
      const table = await page.locator('table').innerText();
      assert.match(table, /1 of 2 files accepted|Delivered/);
      assert.match(table, /Not sent[\s\S]*Line \d+, column \d+:[\s\S]*date/i);
      await expectAccessible(page);
    });
  });
}
