/**
 * Takes the screenshots in docs/screenshots/ (sign-in, two-factor set-up, home, find-a-school results) from the
 * real app in demo mode, with fictitious people and the sample register, at a 1200px-wide viewport.
 * Run: node --import tsx scripts/screenshots.ts
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { projectRoot } from '../src/platform/web/project-root.js';
import {
  closePage,
  enrolTwoFactor,
  expectAssetsLoaded,
  launchBrowser,
  openPage,
  searchForSchool,
  startApp,
  submitPassword,
} from '../test/support/browser.js';
import { addUser } from '../test/support/world.js';

const outputDir = path.join(projectRoot, 'docs', 'screenshots');

/** Saves a full-page PNG once the page, its assets and its web fonts have loaded, so no shot shows a fallback font. */
async function shoot(page: Page, name: string): Promise<void> {
  await expectAssetsLoaded(page);
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

  await closePage(page);
} finally {
  await browser.close();
  await running.close();
}
