/**
 * Choosing a school by name in a field that takes its LAEstab: on a desktop and on a 320-pixel screen, part of the
 * name brings up the school, choosing it puts its number in the field, and the form sends the number. With
 * JavaScript off the same field takes the number typed by hand.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { browserSkip, browserSuite, expectAccessible, fillDate, signIn, submitAndWait } from '../support/browser.js';
import { addUser } from '../support/world.js';

const FIELD = 'Previous school’s LAEstab (optional)';
const AIDANS = "St Aidan's CofE Primary School, Ashdown (8232002)";

async function overflow(page: Page): Promise<number> {
  return page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
}

async function fillJoiner(page: Page, surname: string): Promise<void> {
  await page.goto('/joiners/new');
  await page.getByRole('heading', { level: 1, name: 'Register a new pupil' }).waitFor();
  await page.getByLabel('Surname', { exact: true }).fill(surname);
  await page.getByLabel('First name', { exact: true }).fill('Robin');
  await fillDate(page, 'Date of birth', '12', '9', '2016');
  await page.getByLabel('Male', { exact: true }).check();
  await fillDate(page, 'Date the pupil joined', '2', '11', '2026');
}

describe('choosing a school by name (browser)', { skip: browserSkip() }, () => {
  const suite = browserSuite();

  const previousSchoolOf = async (surname: string) =>
    (
      await suite.running.services.db
        .selectFrom('joiners')
        .select('previous_laestab')
        .where('surname', '=', surname)
        .executeTakeFirstOrThrow()
    ).previous_laestab;

  for (const width of [1200, 320]) {
    it(`offers the school as its name is typed, and sends its LAEstab (${width} px wide)`, async () => {
      const { services } = suite.running;
      const clerk = await addUser(services, { role: 'school-user', org: '3304101', name: 'Sam Patel' });
      const page = await suite.newPage({ width, height: 800 });
      await signIn(page, services, clerk);
      const surname = width < 400 ? 'Narrow' : 'Wide';
      await fillJoiner(page, surname);
      await expectAccessible(page);

      const field = page.getByRole('combobox', { name: FIELD });
      await field.pressSequentially('St Aidens', { delay: 20 });
      const option = page.getByRole('option', { name: AIDANS });
      await option.waitFor();
      assert.equal(await overflow(page), 0, 'the open list fits the screen');
      await expectAccessible(page);

      await option.click();
      assert.equal(await field.inputValue(), '8232002', 'choosing the school puts its number in the field');
      assert.equal(await page.locator('.s2s-organisation-picker__chosen').innerText(), AIDANS, 'and names it');
      await submitAndWait(page, 'Register and look for the record');
      await page.locator('.govuk-panel', { hasText: 'New pupil registered' }).waitFor();
      assert.match(await page.locator('#next').innerText(), /asked school 8232002 for the CTF/);
      assert.equal(await previousSchoolOf(surname), '8232002', 'the server got the LAEstab');
      assert.equal(await overflow(page), 0);
      await expectAccessible(page);
    });
  }

  it('keeps a number typed by hand, and shows the field’s hint and error to screen readers', async () => {
    const { services } = suite.running;
    const clerk = await addUser(services, { role: 'school-user', org: '3304101' });
    const page = await suite.newPage();
    await signIn(page, services, clerk);
    await fillJoiner(page, 'Typed');
    const field = page.getByRole('combobox', { name: FIELD });
    await field.fill('3304101');
    await submitAndWait(page, 'Register and look for the record');
    assert.match(await page.locator('.govuk-error-summary').innerText(), /cannot be your own school/);
    const again = page.getByRole('combobox', { name: FIELD });
    assert.equal(await again.inputValue(), '3304101', 'what was typed is shown again');
    const ids = ((await again.getAttribute('aria-describedby')) ?? '').split(/\s+/).filter(Boolean);
    const description = (await Promise.all(ids.map((id) => page.locator(`[id="${id}"]`).innerText()))).join(' ');
    assert.match(description, /7 digits.*Or start typing the school’s name/s);
    assert.match(description, /cannot be your own school/);
    await expectAccessible(page);

    await again.fill('8232002');
    const chosen = page.locator('.s2s-organisation-picker__chosen');
    await chosen.filter({ hasText: AIDANS }).waitFor();
    assert.equal(await page.getByRole('listbox').isVisible(), false, 'a number typed in full needs no list');
    await expectAccessible(page);
    await submitAndWait(page, 'Register and look for the record');
    await page.locator('.govuk-panel', { hasText: 'New pupil registered' }).waitFor();
    assert.equal(await previousSchoolOf('Typed'), '8232002');
    await expectAccessible(page); // and no script error on the way, leaving a field filled when the page came
  });

  it('offers an LA by name in a field that takes an LA code', async () => {
    const { services } = suite.running;
    const clerk = await addUser(services, { role: 'school-user', org: '3304101' });
    const page = await suite.newPage({ width: 320, height: 800 });
    await signIn(page, services, clerk);
    await page.goto('/repository');
    await page.getByText('More details (optional)').click();
    const field = page.getByRole('combobox', { name: 'LA the pupil left' });
    await field.pressSequentially('Brackenfrod', { delay: 20 });
    const option = page.getByRole('option', { name: 'Brackenford (330)' });
    await option.waitFor();
    assert.equal(await page.getByRole('option').count(), 1, 'LAs only, no schools');
    assert.equal(await overflow(page), 0);
    await expectAccessible(page);
    await option.click();
    assert.equal(await field.inputValue(), '330');
    await expectAccessible(page);
  });

  it('takes the number typed by hand with JavaScript off', async () => {
    const { services } = suite.running;
    const clerk = await addUser(services, { role: 'school-user', org: '3304101' });
    const page = await suite.newPage({ javaScriptEnabled: false, width: 320, height: 800 });
    await signIn(page, services, clerk);
    await fillJoiner(page, 'Scriptless');
    assert.equal(await page.getByRole('combobox').count(), 0, 'the plain text field, not the picker');
    assert.doesNotMatch(await page.locator('#previousLAEstab-hint').innerText(), /start typing/);
    await page.getByLabel(FIELD).fill('8232002');
    await expectAccessible(page);
    await submitAndWait(page, 'Register and look for the record');
    await page.locator('.govuk-panel', { hasText: 'New pupil registered' }).waitFor();
    assert.equal(await previousSchoolOf('Scriptless'), '8232002');
    assert.equal(await overflow(page), 0);
  });
});
