/**
 * The pages every UK public service must have are there before signing in, linked from every page's footer, and
 * say what this deployment does (its retention periods and session limits), not fixed words.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { testDatabases } from '../../test/support/databases.js';
import { suiteApp } from '../../test/support/suite-app.js';
import { addUser, signIn } from '../../test/support/world.js';

const pages = {
  '/help': 'Help and contact',
  '/accessibility-statement': 'Accessibility statement for School to school (s2s)',
  '/privacy': 'Privacy notice',
  '/cookies': 'Cookies',
};

const footerOf = (html: string) => html.slice(html.indexOf('<footer'));

const [database] = await testDatabases();
describe(`help, accessibility, privacy and cookies pages (${database!.name})`, () => {
  const suite = suiteApp(database!, {
    S2S_RETENTION_UNCOLLECTED_DAYS: '45',
    S2S_SESSION_IDLE_MINUTES: '20',
    S2S_SUPPORT_EMAIL: 'desk@s2s.example.gov.uk',
  });

  it('shows each page before signing in, with one heading', async () => {
    for (const [url, heading] of Object.entries(pages)) {
      const response = await suite.app.inject({ method: 'GET', url });
      assert.equal(response.statusCode, 200, url);
      const headings = [...response.body.matchAll(/<h1[^>]*>([^<]*)<\/h1>/g)].map((match) => match[1]);
      assert.deepEqual(headings, [heading], url);
    }
  });

  it('links every page from the footer, signed in or not', async () => {
    const signInPage = await suite.app.inject({ method: 'GET', url: '/sign-in' });
    const clerk = await addUser(suite.services, { role: 'school-user', org: '8232003' });
    const home = await (await signIn(suite.app, suite.services, clerk)).get('/');
    for (const html of [signInPage.body, home.body]) {
      for (const url of [...Object.keys(pages), '/api-docs']) {
        assert.match(footerOf(html), new RegExp(`href="${url}"`), url);
      }
    }
  });

  it('states this deployment’s retention, session limits and service desk', async () => {
    const privacy = await suite.app.inject({ method: 'GET', url: '/privacy' });
    assert.match(privacy.body, /45 days from sending, then destroyed/);
    assert.match(privacy.body, /365 days from sending/);
    const cookies = await suite.app.inject({ method: 'GET', url: '/cookies' });
    assert.match(cookies.body, /after 20 minutes without using s2s, or 12 hours after you signed in/);
    const help = await suite.app.inject({ method: 'GET', url: '/help' });
    assert.match(help.body, /mailto:desk@s2s\.example\.gov\.uk/);
  });
});
