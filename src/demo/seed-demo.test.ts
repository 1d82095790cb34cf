import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { blobStoreFor, testDatabases } from '../../test/support/databases.js';
import { testServices } from '../../test/support/services.js';
import type { TestServices } from '../../test/support/world.js';
import { cmeFigures } from '../cme/cases.js';
import { laUsage } from '../cme/reports/la-usage.js';
import { londonDate } from '../platform/school-days.js';
import { matchRepository } from '../repository/match-repository.js';
import { demoAccounts, seedDemo } from './seed-demo.js';

const databases = await testDatabases();
const [pglite] = databases;

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
      const overdue = (
        await services.db
          .selectFrom('leavers')
          .select(['school_laestab', 'left_on', 'ctf_file_id', 'ctf_due_on'])
          .where('la_code', '=', la)
          .execute()
      ).filter((l) => l.ctf_file_id === null && l.ctf_due_on < londonDate(services.now()));
      assert.equal(
        total((s) => s.leaversWithoutCtf),
        overdue.length,
        la,
      );
      assert.ok(overdue.length > 0, `${la}: some leavers' CTFs are overdue`);

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
    // Leavers: most CTFs recognised (some sent before the leaver was recorded), the rest still awaited.
    const leavers = await services.db
      .selectFrom('leavers')
      .select(['id', 'ctf_file_id', 'recorded_at', 'ctf_sent_at'])
      .execute();
    const sentLeavers = leavers.filter((l) => l.ctf_file_id !== null);
    assert.ok(sentLeavers.length >= 10, `${sentLeavers.length} leavers' CTFs recognised`);
    assert.ok(
      sentLeavers.some((l) => l.ctf_sent_at! < l.recorded_at),
      'some CTFs went before the leaver was recorded',
    );
    assert.ok(
      sentLeavers.some((l) => l.ctf_sent_at! > l.recorded_at),
      'some went after',
    );
    const fromLeaver = await services.db
      .selectFrom('cme_cases')
      .select('leaver_id')
      .where('source', '=', 'leaver')
      .execute();
    assert.equal(fromLeaver.length, 1);
    assert.ok(leavers.some((l) => l.id === fromLeaver[0]!.leaver_id));
    const reminders = await services.db
      .selectFrom('notifications')
      .select('id')
      .where('kind', '=', 'leaver-ctf-due')
      .execute();
    assert.ok(reminders.length > 0, 'schools were reminded');
    const enquiries = await services.db.selectFrom('enquiries').select('state').execute();
    assert.deepEqual(enquiries.map((e) => e.state).sort(), ['closed', 'sent']);
  });
});

for (const database of databases) {
  describe(`the demo on ${database.name}, when its seeding fails part-way`, () => {
    let services: TestServices & { close(): Promise<void> };
    before(async () => {
      services = await testServices(await database.open(), { env: { S2S_BLOB_STORE: blobStoreFor(database) } });
    });
    after(() => services.close());

    it('leaves nothing behind, so the next start seeds it all', async () => {
      // The database itself refuses the fifth file, well after the accounts were made: as a crash would stop it.
      await sql`
        CREATE FUNCTION refuse_fifth_file() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF (SELECT count(*) FROM transfer_files) >= 4 THEN RAISE EXCEPTION 'disk gone'; END IF;
          RETURN NEW;
        END $$`.execute(services.db);
      await sql`CREATE TRIGGER refuse_fifth_file BEFORE INSERT ON transfer_files
        FOR EACH ROW EXECUTE FUNCTION refuse_fifth_file()`.execute(services.db);
      await assert.rejects(seedDemo(services), /disk gone/);
      await sql`DROP TRIGGER refuse_fifth_file ON transfer_files`.execute(services.db);

      assert.deepEqual(await services.db.selectFrom('users').select('email').execute(), []);
      const credentials = await seedDemo(services);
      assert.deepEqual(
        credentials.map((c) => c.email),
        demoAccounts.map((a) => a.email),
      );
      const records = await services.db.selectFrom('repository_records').select('id').execute();
      assert.ok(records.length >= 30, `${records.length} records in the repository`);
    });
  });
}
