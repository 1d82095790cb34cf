import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { describe, it } from 'node:test';
import { apiActor, apiGet, type Actor } from '../../test/support/api.js';
import { testDatabases } from '../../test/support/databases.js';
import { flagsAudited, suiteApp } from '../../test/support/suite-app.js';
import { signIn } from '../../test/support/world.js';

const THRESHOLD = 6;

for (const database of await testDatabases()) {
  describe(`repeated refusals by id are flagged as probing (${database.name})`, () => {
    const suite = suiteApp(database, { S2S_PROBE_ALERT_PER_DAY: String(THRESHOLD) });

    const alertsFor = (userId: string) =>
      suite.services.db.selectFrom('probing_alerts').selectAll().where('user_id', '=', userId).orderBy('day').execute();
    const flagsAuditedFor = (userId: string) => flagsAudited(suite.services, 'request.probing-flagged', userId);
    const probe = (who: Actor, times: number) =>
      Promise.all(
        Array.from({ length: times }, () =>
          apiGet(suite.app, who, `/api/v1/repository/records/${crypto.randomUUID()}/content`),
        ),
      );

    it('raises nothing below the threshold', async () => {
      const prober = await apiActor(suite.services, 'school-user', '8232003');
      const answers = await probe(prober, THRESHOLD - 1);
      assert.ok(answers.every((r) => r.statusCode === 404));
      assert.deepEqual(await alertsFor(prober.account.user.id), []);
      assert.deepEqual(await flagsAuditedFor(prober.account.user.id), []);
    });

    it('raises one flag a day for made-up ids past the threshold, audited and shown to the LA administrators', async () => {
      const prober = await apiActor(suite.services, 'school-user', '8232003');
      const answers = await probe(prober, THRESHOLD + 5);
      assert.ok(answers.every((r) => r.statusCode === 404));
      const raised = await alertsFor(prober.account.user.id);
      assert.equal(raised.length, 1, 'one flag, though the simultaneous refusals carried the count past the threshold');
      assert.equal(raised[0]!.la_code, '823');
      assert.equal(raised[0]!.refusals, THRESHOLD + 5, 'the flag counts the whole day');
      const audited = await flagsAuditedFor(prober.account.user.id);
      assert.equal(audited.length, 1);
      assert.equal(audited[0]!.la_code, '823');

      const laAdmin = await apiActor(suite.services, 'la-admin', '823');
      const page = await (await signIn(suite.app, suite.services, laAdmin.account)).get('/repository/alerts');
      assert.equal(page.statusCode, 200);
      const day = new Date(suite.services.now()).toLocaleDateString('en-GB', {
        day: 'numeric',
        month: 'long',
        year: 'numeric',
        timeZone: 'UTC',
      });
      assert.ok(
        page.body.includes(
          `${prober.account.user.email} (8232003) asked for records that do not exist or they may not see: ${THRESHOLD + 5} times on ${day}`,
        ),
        page.body,
      );
      const otherLa = await apiActor(suite.services, 'la-admin', '330');
      const elsewhere = await (await signIn(suite.app, suite.services, otherLa.account)).get('/repository/alerts');
      assert.ok(!elsewhere.body.includes(prober.account.user.email), 'another LA does not see the flag');

      suite.services.clock.advance(86_400_000);
      await probe(prober, THRESHOLD);
      assert.equal((await alertsFor(prober.account.user.id)).length, 2, 'a new day, a new flag');
      assert.equal((await flagsAuditedFor(prober.account.user.id)).length, 2);
    });
  });
}
