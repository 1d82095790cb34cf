import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testDatabases } from '../../test/support/databases.js';
import { testServices } from '../../test/support/services.js';
import type { TestServices } from '../../test/support/world.js';
import { cmeFigures } from '../cme/cases.js';
import { laUsage } from '../cme/reports/la-usage.js';
import { matchRepository } from '../repository/match-repository.js';
import { demoAccounts, seedDemo } from './seed-demo.js';

const [pglite] = await testDatabases();

describe('the demo', () => {
  let services: TestServices & { close(): Promise<void> };
  before(async () => {
    services = await testServices(await pglite!.open());
  });
  after(() => services.close());

  it('creates one account per role and leavers in the repository, once', async () => {
    const credentials = await seedDemo(services);
    assert.deepEqual(
      credentials.map((c) => c.email),
      demoAccounts.map((a) => a.email),
    );
    const records = await services.db.selectFrom('repository_records').select(['left_laestab', 'status']).execute();
    assert.ok(records.filter((r) => r.left_laestab === '8232003').length >= 30);
    assert.ok(records.every((r) => r.status === 'active'));
    const found = await matchRepository(
      services.db,
      { surname: 'Hartly', forename: 'Amelia', dateOfBirth: '2016-04-03' },
      { now: services.now() },
    );
    assert.deepEqual(
      found.map((r) => [r.forename, r.surname, r.dateOfBirth]),
      [['Amelia', 'Hartley', '2016-03-04']],
    );
    assert.deepEqual(await seedDemo(services), [], 'a second start seeds nothing');
  });

  it('gives two LAs a term of activity whose reports have figures, recomputed here from the records', async () => {
    const files = await services.db.selectFrom('transfer_files').selectAll().execute();
    const schoolsOf = async (la: string) =>
      (await services.db.selectFrom('establishments').select('laestab').where('la_code', '=', la).execute()).map(
        (e) => e.laestab,
      );
    // Over the twelve weeks before the demo's clock, whatever school year they fall in.
    const term = { label: 'the term', start: '2026-08-01', end: '2026-11-30' };
    for (const la of ['823', '330']) {
      const usage = await laUsage(services.db, la, term, services.now());
      const mine = new Set(await schoolsOf(la));
      const sent = files.filter((f) => mine.has(f.sender_org_code) && f.file_type === 'CTF');
      const total = (pick: (s: (typeof usage.schools)[number]) => number) =>
        usage.schools.reduce((n, s) => n + pick(s), 0);
      assert.equal(
        total((s) => s.ctfsSent),
        sent.length,
        la,
      );
      assert.equal(
        total((s) => s.ctfsCollected),
        sent.filter((f) => f.collected_at !== null).length,
        la,
      );
      assert.ok(total((s) => s.ctfsSent) >= 15 && total((s) => s.ctfsCollected) >= 5, `${la}: non-trivial`);
      assert.ok(total((s) => s.waitingUncollected) > 0, `${la}: some files were never collected`);

      const [figures] = await cmeFigures(services.db, term, services.now(), la);
      const cases = await services.db.selectFrom('cme_cases').selectAll().where('la_code', '=', la).execute();
      assert.equal(figures!.identified, cases.length);
      assert.equal(
        figures!.returnedToEducation,
        cases.filter((c) => c.outcome === 'back-in-school' || c.outcome === 'educated-otherwise').length,
      );
      assert.equal(figures!.stillMissing, cases.filter((c) => c.state === 'open').length);
      assert.ok(figures!.identified >= 5 && figures!.returnedToEducation > 0 && figures!.stillMissing > 0);
    }
    const joiners = await services.db.selectFrom('joiners').select(['state', 'with_la_reason']).execute();
    assert.deepEqual([...new Set(joiners.map((j) => j.with_la_reason ?? j.state))].sort(), [
      'no-previous-school',
      'no-record',
      'received',
      'unanswered',
    ]);
    const enquiries = await services.db.selectFrom('enquiries').select('state').execute();
    assert.deepEqual(enquiries.map((e) => e.state).sort(), ['closed', 'sent']);
  });
});
