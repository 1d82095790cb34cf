/**
 * Browser journey for finding a school: by name, and by the old number of a school that was renumbered when it
 * became an academy, which must lead to the academy.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { browserSkip, expectAccessible, searchForSchool, signIn, browserSuite } from '../support/browser.js';
import { addUser } from '../support/world.js';

describe('finding a school (browser)', { skip: browserSkip() }, () => {
  const suite = browserSuite();

  it('finds a school by name and a renumbered academy by its old LAEstab', async () => {
    const { services } = suite.running;
    const account = await addUser(services, { role: 'la-user', org: '823', name: 'Chris Lee' });
    const page = await suite.newPage();
    await signIn(page, services, account);

    await page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'Find a school' }).click();
    await page.waitForURL(`${suite.running.baseUrl}/find-a-school`);
    await expectAccessible(page);

    const byName = await searchForSchool(page, 'Hollins');
    const hollins = byName.filter({ hasText: 'Hollins Lane Primary School' });
    assert.equal(await hollins.count(), 1);
    assert.equal(await hollins.getByRole('cell').nth(1).innerText(), '8232003', 'the LAEstab column');
    await expectAccessible(page);

    const byOldNumber = await searchForSchool(page, '8232001');
    const academy = byOldNumber.filter({ hasText: 'Meadowbank Primary Academy' });
    assert.equal(await academy.count(), 1, 'the old number finds the academy');
    assert.match(await academy.innerText(), /Previously 8232001/);
    await expectAccessible(page);
  });
});
