/**
 * Shared set-up for the browser tests and the screenshot script: Debian's Chromium driven by playwright-core, the
 * real app on a free port over a fresh test database, page helpers that sign in through the real forms, and
 * `expectAccessible`, which fails a test on any axe violation or on any asset the page could not load.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before } from 'node:test';
import { AxeBuilder } from '@axe-core/playwright';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { totpCode } from '../../src/identity/two-factor.js';
import { buildApp, startBulkWork } from '../../src/app/app.js';
import { testDatabases, type TestDatabase } from './databases.js';
import { testServices } from './services.js';
import { seedRegister, type TestServices, type TestUser } from './world.js';

/** Debian's Chromium; S2S_CHROMIUM_PATH points elsewhere (and lets the missing-browser behaviour be tried). */
export const CHROMIUM_PATH = process.env.S2S_CHROMIUM_PATH ?? '/usr/bin/chromium';

const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Why the browser tests should be skipped here, or false when they should run. A machine without Chromium skips
 * them with a message; CI never skips: `launchBrowser` then fails, so a missing browser cannot pass unnoticed.
 */
export function browserSkip(): string | false {
  if (fs.existsSync(CHROMIUM_PATH) || process.env.CI) return false;
  const reason = `Chromium is not installed at ${CHROMIUM_PATH} (apt-get install chromium): browser tests skipped`;
  console.warn(reason);
  return reason;
}

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `The browser tests need Chromium at ${CHROMIUM_PATH}, and CI must run them: install the chromium package`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: chromiumArgs });
}

export interface RunningApp {
  services: TestServices & { close(): Promise<void> };
  app: FastifyInstance;
  /** Where the app listens, for example http://127.0.0.1:41234, without a trailing slash. */
  baseUrl: string;
  close(): Promise<void>;
}

/** The real app over a fresh copy of a migrated template (PGlite unless told), with the sample register loaded. */
export async function startApp(
  options: { demo?: boolean; database?: TestDatabase; env?: Record<string, string> } = {},
): Promise<RunningApp> {
  const database = options.database ?? (await testDatabases())[0];
  const services = await testServices(await database!.open(), { env: options.env });
  await seedRegister(services);
  const app = await buildApp(services, { demo: options.demo ?? false });
  startBulkWork(app, services);
  // Port 0: the OS picks a free port, so test files running side by side never collide.
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  assert.ok(address && typeof address === 'object', 'the app is not listening on a TCP port');
  return {
    services,
    app,
    baseUrl: `http://127.0.0.1:${address.port}`,
    async close() {
      await app.close();
      await services.close();
    },
  };
}

/** What went wrong while a page loaded: sub-resources that failed, and console errors (CSP refusals show there). */
const problems = new WeakMap<Page, string[]>();
/** Pages opened with JavaScript off: axe cannot run inside them (see `expectAccessible`). */
const scriptless = new WeakSet<Page>();

/** A page in a new browser context (its own cookies), whose relative URLs go to the app. */
export async function openPage(
  browser: Browser,
  baseUrl: string,
  options: { javaScriptEnabled?: boolean; width?: number; height?: number } = {},
): Promise<Page> {
  const javaScriptEnabled = options.javaScriptEnabled ?? true;
  const context = await browser.newContext({
    baseURL: baseUrl,
    javaScriptEnabled,
    viewport: { width: options.width ?? 1200, height: options.height ?? 900 },
  });
  const page = await context.newPage();
  const seen: string[] = [];
  problems.set(page, seen);
  if (!javaScriptEnabled) scriptless.add(page);
  page.on('response', (response) => {
    // A page may answer 400 or 404 on purpose; its styles, scripts, fonts and images never should.
    if (response.request().resourceType() !== 'document' && response.status() >= 400) {
      seen.push(`${response.status()} ${response.url()}`);
    }
  });
  page.on('requestfailed', (request) => {
    const error = request.failure()?.errorText ?? '';
    // Aborted means the page moved on before a request (often the favicon) finished: no fault of the server.
    if (error !== 'net::ERR_ABORTED') seen.push(`failed ${request.url()}: ${error}`);
  });
  page.on('console', (message) => {
    // Chromium also logs every 4xx response here, the page's own included: those are judged above instead.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      seen.push(`console error: ${message.text()}`);
    }
  });
  page.on('pageerror', (error) => seen.push(`script error: ${error.message}`));
  return page;
}

export async function closePage(page: Page): Promise<void> {
  await page.context().close();
}

/** Fails if the page, since the last check, could not load a style sheet, script, font or image, or logged an error. */
export async function expectAssetsLoaded(page: Page): Promise<void> {
  await page.waitForLoadState('load');
  const broken = (problems.get(page) ?? []).splice(0);
  assert.deepEqual(broken, [], `${page.url()} could not load everything it needs:\n${broken.join('\n')}`);
}

/** The start of an element's HTML on one line, to recognise it in a failure message. */
function excerpt(html: string): string {
  const line = html.replace(/\s+/g, ' ').trim();
  return line.length > 100 ? `${line.slice(0, 100)}…` : line;
}

/**
 * Fails unless the page has no axe violations (listed by rule id and target) and loaded every asset it asked for.
 * One exception: axe's best-practice `region` rule on the GOV.UK back link, which the Design System says to place
 * before `<main>` so that "Skip to main content" skips it too (alphagov/govuk-frontend#1604 tracks the conflict).
 * In a page with JavaScript turned off Chromium cannot run axe (it hangs or the browser crashes), so the page's
 * HTML, which no script has touched, is checked in a twin page with JavaScript on and its script elements removed.
 */
export async function expectAccessible(page: Page): Promise<void> {
  await expectAssetsLoaded(page);
  let twin: BrowserContext | undefined;
  try {
    let target = page;
    if (scriptless.has(page)) {
      twin = await page.context().browser()!.newContext({ viewport: page.viewportSize() });
      target = await twin.newPage();
      // Requests never carry the #fragment that page.url() may have.
      const url = page.url().split('#')[0]!;
      const html = (await page.content()).replace(/<script\b[\s\S]*?<\/script>/gi, '');
      await target.route(
        (candidate) => candidate.href === url,
        (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }),
      );
      await target.goto(url);
    }
    const results = await new AxeBuilder({ page: target }).analyze();
    const found = results.violations.flatMap((violation) =>
      violation.nodes.map(
        (node) =>
          `${violation.id} (${violation.impact ?? 'unknown impact'}): ${node.target.join(' ')}  ${excerpt(node.html)}`,
      ),
    );
    assert.deepEqual(found, [], `${page.url()} has accessibility violations:\n${found.join('\n')}`);
  } finally {
    await twin?.close();
  }
}

/** Fails with the page's GOV.UK error summary if it shows one: far clearer than a timeout on the next step. */
async function expectNoErrorSummary(page: Page, step: string): Promise<void> {
  const summary = page.locator('.govuk-error-summary');
  if ((await summary.count()) > 0) assert.fail(`${step} failed: ${await summary.innerText()}`);
}

/**
 * Clicks a form's button and waits for the page it leads to. Waiting for "load" alone can return at once, before
 * the browser has even left the form, on a busy machine: wait first for the new page to replace it.
 */
export async function submitAndWait(page: Page, button: string): Promise<void> {
  const arrived = page.waitForEvent('framenavigated', (frame) => frame === page.mainFrame());
  await page.getByRole('button', { name: button }).click();
  await arrived;
  await page.waitForLoadState('load');
}

/** Follows a link in the service's menu and waits for the page's heading. */
export async function goTo(page: Page, link: string, heading: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: link, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
}

/** Fills the GOV.UK date input whose fieldset has the legend given. */
export async function fillDate(page: Page, legend: string, day: string, month: string, year: string): Promise<void> {
  const group = page.getByRole('group', { name: legend, exact: true });
  await group.getByLabel('Day').fill(day);
  await group.getByLabel('Month').fill(month);
  await group.getByLabel('Year').fill(year);
}

/** Submits email and password on the sign-in page; the caller checks where it leads. */
export async function submitPassword(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/sign-in');
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await submitAndWait(page, 'Continue');
}

/** A code for the service's fixed clock, one step on: each code is accepted only once per 30-second step. */
export function nextCode(services: TestServices, secret: string): string {
  services.clock.advance(30_000);
  return totpCode(secret, services.now());
}

/** Signs an enrolled user in through the real pages (password, then a TOTP code) and waits for the home page. */
export async function signIn(
  page: Page,
  services: TestServices,
  account: TestUser,
  options: { check?: boolean } = {},
): Promise<void> {
  assert.ok(account.totpSecret, `${account.user.email} has not set up two-factor authentication`);
  await submitPassword(page, account.user.email, account.password);
  await expectNoErrorSummary(page, 'Password step');
  assert.equal(new URL(page.url()).pathname, '/sign-in/two-factor');
  if (options.check) await expectAccessible(page);
  await page.getByLabel('Enter your security code').fill(nextCode(services, account.totpSecret));
  await submitAndWait(page, 'Sign in');
  await expectNoErrorSummary(page, 'Two-factor step');
  assert.equal(new URL(page.url()).pathname, '/');
}

/** The two-factor secret shown on the enrolment page, as an authenticator app would read it. */
export async function secretOnEnrolmentPage(page: Page): Promise<string> {
  const shown = await page.locator('#secret').textContent();
  assert.ok(shown, 'the enrolment page shows no secret');
  return shown.replace(/\s+/g, '');
}

/** Completes two-factor enrolment on the set-up page (reached after the password step) and waits for home. */
export async function enrolTwoFactor(page: Page, services: TestServices): Promise<void> {
  assert.equal(new URL(page.url()).pathname, '/two-factor/set-up');
  const secret = await secretOnEnrolmentPage(page);
  await page.getByLabel('Code from the app').fill(nextCode(services, secret));
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForLoadState('load');
  await expectNoErrorSummary(page, 'Two-factor enrolment');
  assert.equal(new URL(page.url()).pathname, '/');
}

/** Searches from the find-a-school page, as a user would, and returns the results table's body rows. */
export async function searchForSchool(page: Page, query: string): Promise<Locator> {
  await page.getByLabel('School name, LAEstab, URN or local authority code').fill(query);
  await page.getByRole('button', { name: 'Search' }).click();
  await page.waitForURL((url) => url.pathname === '/find-a-school' && url.searchParams.get('q') === query);
  return page.locator('table.govuk-table tbody tr');
}

/** What a user types into the "Find a pupil’s record" form: the date of birth as day, month and year. */
export interface PupilSearch {
  surname: string;
  forename: string;
  day: string;
  month: string;
  year: string;
}

/** Fills the "Find a pupil’s record" form as a user would; the caller submits it. */
export async function fillPupilSearch(page: Page, search: PupilSearch): Promise<void> {
  await page.getByLabel('Surname', { exact: true }).fill(search.surname);
  await page.getByLabel('First name (optional)').fill(search.forename);
  await page.getByLabel('Day').fill(search.day);
  await page.getByLabel('Month').fill(search.month);
  await page.getByLabel('Year').fill(search.year);
}

/**
 * The set-up every browser suite shares: one browser and one app for the suite, and pages (each in its own
 * context, so with its own cookies) that are all closed when the suite ends. Call inside `describe`.
 */
export function browserSuite(options: { database?: TestDatabase; env?: Record<string, string> } = {}) {
  let browser: Browser | undefined;
  let running: RunningApp | undefined;
  const pages: Page[] = [];
  before(async () => {
    browser = await launchBrowser();
    running = await startApp(options);
  });
  after(async () => {
    await Promise.all(pages.map((page) => closePage(page)));
    await browser?.close();
    await running?.close();
  });
  return {
    get running(): RunningApp {
      assert.ok(running, 'the app starts in the suite’s before hook');
      return running;
    },
    async newPage(pageOptions: { javaScriptEnabled?: boolean; width?: number; height?: number } = {}): Promise<Page> {
      assert.ok(browser && running, 'the browser starts in the suite’s before hook');
      const page = await openPage(browser, running.baseUrl, pageOptions);
      pages.push(page);
      return page;
    },
  };
}
