/**
 * Every page in each role's menu, filled with the demo's term of work, fits a 320-pixel screen (WCAG reflow): wide
 * tables scroll inside their own box, long names and tokens wrap, and the page itself never scrolls sideways. Each
 * page also passes the accessibility checks at that width.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seedDemo } from '../../src/demo/seed-demo.js';
import type { Role } from '../../src/platform/schema.js';
import { browserSkip, browserSuite, expectAccessible, signIn } from '../support/browser.js';
import { addUser } from '../support/world.js';

const people: Array<{ role: Role; org: string }> = [
  { role: 'school-user', org: '8232003' },
  { role: 'la-user', org: '823' },
  { role: 'la-admin', org: '823' },
  { role: 'dfe-admin', org: 'DFE' },
];

describe('pages on a 320-pixel screen (browser)', { skip: browserSkip() }, () => {
  const suite = browserSuite();

  for (const person of people) {
    it(`fits every page in the ${person.role} menu into 320 px`, async () => {
      const { services } = suite.running;
      await seedDemo(services);
      const account = await addUser(services, person);
      const page = await suite.newPage({ width: 320, height: 640 });
      await signIn(page, services, account);
      const links = await page
        .locator('.govuk-service-navigation__list a')
        .evaluateAll((anchors) => anchors.map((anchor) => anchor.getAttribute('href') ?? ''));
      assert.ok(links.length >= 4, `only ${links.length} links in the menu`);
      const wide: string[] = [];
      for (const href of links) {
        await page.goto(href);
        const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
        if (overflow > 0) wide.push(`${href} scrolls sideways by ${overflow} px`);
        await expectAccessible(page);
      }
      assert.deepEqual(wide, []);
    });
  }
});
