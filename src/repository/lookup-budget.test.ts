import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { apiActor, apiPost, type Actor } from '../../test/support/api.js';
import { testDatabases } from '../../test/support/databases.js';
import { flagsAudited, suiteApp } from '../../test/support/suite-app.js';
import { signIn } from '../../test/support/world.js';

const nobody = { surname: 'Nobody', dateOfBirth: '2015-01-01' };

for (const database of await testDatabases()) {
  describe(`one lookup budget per user (${database.name})`, () => {
    const suite = suiteApp(database, {
      S2S_REPOSITORY_SEARCHES_PER_MINUTE: '10',
      S2S_REPOSITORY_SEARCH_ALERT_PER_DAY: '8',
    });

    const alertsFor = (userId: string) =>
      suite.services.db.selectFrom('repository_search_alerts').selectAll().where('user_id', '=', userId).execute();
    const flagsAuditedFor = (userId: string) =>
      flagsAudited(suite.services, 'repository.search-volume-flagged', userId);

    it('admits no more than the minute’s budget of 200 simultaneous searches from one token', async () => {
      const searcher = await apiActor(suite.services, 'school-user', '8232003');
      const responses = await Promise.all(
        Array.from({ length: 200 }, () => apiPost(suite.app, searcher, '/api/v1/repository/search', nobody)),
      );
      const admitted = responses.filter((r) => r.statusCode === 200);
      const refused = responses.filter((r) => r.statusCode === 429);
      assert.equal(admitted.length, 10, 'exactly the budget is admitted');
      assert.equal(refused.length, 190, 'every other search is refused');
      for (const r of refused) {
        assert.equal(r.json().error.code, 'SEARCH_RATE_LIMITED');
        assert.match(r.json().error.message, /too many searches in the last minute/);
        assert.ok(Number(r.headers['retry-after']) >= 1);
      }
      const searches = await suite.services.db
        .selectFrom('repository_searches')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('user_id', '=', searcher.account.user.id)
        .executeTakeFirstOrThrow();
      assert.equal(Number(searches.n), 10, 'only admitted searches ran');
    });

    it('flags the day once when a burst jumps past the threshold, and again the next day, audited', async () => {
      const searcher = await apiActor(suite.services, 'school-user', '8232003');
      const burst = () =>
        Promise.all(
          Array.from({ length: 10 }, () => apiPost(suite.app, searcher, '/api/v1/repository/search', nobody)),
        );
      const first = await burst();
      assert.ok(first.every((r) => r.statusCode === 200));
      const raised = await alertsFor(searcher.account.user.id);
      assert.equal(raised.length, 1, 'one flag, though the count went from 0 to 10 past a threshold of 8');
      assert.ok(raised[0]!.searches >= 8);
      assert.equal(raised[0]!.la_code, '823');
      assert.equal((await flagsAuditedFor(searcher.account.user.id)).length, 1);

      suite.services.clock.advance(61_000);
      assert.ok((await burst()).every((r) => r.statusCode === 200));
      assert.equal((await alertsFor(searcher.account.user.id)).length, 1, 'still one flag that day');
      assert.equal((await flagsAuditedFor(searcher.account.user.id)).length, 1);

      suite.services.clock.advance(86_400_000);
      assert.ok((await burst()).every((r) => r.statusCode === 200));
      assert.equal((await alertsFor(searcher.account.user.id)).length, 2, 'a new day, a new flag');
      const audited = await flagsAuditedFor(searcher.account.user.id);
      assert.equal(audited.length, 2);
      assert.ok(audited.every((e) => e.la_code === '823'));
    });

    it('shares the budget between a user’s signed-in session and their API token', async () => {
      const searcher: Actor = await apiActor(suite.services, 'school-user', '8232003');
      const browser = await signIn(suite.app, suite.services, searcher.account);
      suite.services.clock.advance(61_000);
      for (let i = 0; i < 6; i++) {
        assert.equal((await apiPost(suite.app, searcher, '/api/v1/repository/search', nobody)).statusCode, 200);
      }
      for (let i = 0; i < 4; i++) {
        const page = await browser.submit('/repository', '/repository/search', {
          surname: 'Nobody',
          'dob-day': '1',
          'dob-month': '1',
          'dob-year': '2015',
        });
        assert.equal(page.statusCode, 200);
        assert.doesNotMatch(page.body, /too many searches/);
      }
      const page = await browser.submit('/repository', '/repository/search', {
        surname: 'Nobody',
        'dob-day': '1',
        'dob-month': '1',
        'dob-year': '2015',
      });
      assert.match(page.body, /too many searches in the last minute/);
      const api = await apiPost(suite.app, searcher, '/api/v1/repository/search', nobody);
      assert.equal(api.statusCode, 429, 'the token has no budget of its own');
    });

    it('counts an enquiry when it is sent, not while it is a draft; over budget it stays a draft', async () => {
      const officer = await apiActor(suite.services, 'la-user', '823');
      const enquiry = {
        surname: 'Nobody',
        forename: 'Anne',
        dateOfBirth: '2015-01-01',
        lastAddress: '1 High Street, Ashdown Vale',
        concern: 'Not seen at school since the start of term.',
      };
      const drafts: string[] = [];
      for (let i = 0; i < 12; i++) {
        const made = await apiPost(suite.app, officer, '/api/v1/enquiries', enquiry);
        assert.equal(made.statusCode, 201, 'a draft spends nothing, so the minute’s budget never refuses one');
        drafts.push(made.json().id as string);
      }
      for (let i = 0; i < 10; i++)
        assert.equal((await apiPost(suite.app, officer, '/api/v1/repository/search', nobody)).statusCode, 200);
      const recipients = [{ laCode: '330', reason: 'Her father has family in Brackenford' }];
      const refused = await apiPost(suite.app, officer, `/api/v1/enquiries/${drafts[0]}/send`, { recipients });
      assert.equal(refused.statusCode, 429, refused.body);
      assert.equal(refused.json().error.code, 'SEARCH_RATE_LIMITED');
      assert.ok(Number(refused.headers['retry-after']) >= 1);
      const still = await suite.app.inject({
        url: `/api/v1/enquiries/${drafts[0]}`,
        headers: { authorization: `Bearer ${officer.token}` },
      });
      assert.equal(still.json().state, 'draft', 'nothing was sent');
      assert.deepEqual(still.json().recipients, []);
      suite.services.clock.advance(61_000);
      const sent = await apiPost(suite.app, officer, `/api/v1/enquiries/${drafts[0]}/send`, { recipients });
      assert.equal(sent.statusCode, 200, sent.body);
    });
  });
}
