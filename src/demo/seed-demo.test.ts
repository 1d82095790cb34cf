import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { blobStoreFor, testDatabases } from '../../test/support/databases.js';
import { testServices } from '../../test/support/services.js';
import type { TestServices } from '../../test/support/world.js';
import { cmeFigures } from '../cme/cases.js';
import { laUsage } from '../cme/reports/la-usage.js';
import { generateCtfFiles } from '../ctf/generate.js';
import { openSampleEstablishments } from '../establishments/sample-register.js';
import { upnDigest } from '../leavers/sent-ctfs.js';
import { isSchoolDay, londonDate } from '../platform/school-days.js';
import { matchRepository } from '../repository/match-repository.js';
import { ctfDateTime } from './demo-pupils.js';
import { demoAccounts, seedDemo } from './seed-demo.js';

/**
 * Timestamps the seed does not play out, with why: the storage's own bookkeeping (when the bytes were written, which
 * was at the start), keys made by the migrations, and moments that are deadlines or windows rather than events.
 */
const notEvents = new Set([
  'blob_keys.created_at',
  'blob_chunks.created_at',
  'service_keys.created_at',
  'transfer_files.expires_at',
  'repository_records.expires_at',
  'users.setup_expires_at',
  'lookup_budgets.window_start',
  'jobs.run_at',
  'jobs.lease_until',
]);
/** Dates that lie ahead of the day they were set: when something falls due. */
const deadlines = new Set(['leavers.ctf_due_on', 'leavers.next_reminder_on', 'ctf_requests.due_on']);

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

  it('spreads every timestamp it writes over the school days of the twelve weeks, none on the day it starts', async () => {
    const now = services.now();
    const startDay = londonDate(now);
    const twelveWeeksBack = londonDate(new Date(now.getTime() - 84 * 86_400_000));
    const columns = (
      await sql<{ table_name: string; column_name: string; data_type: string }>`
        SELECT table_name, column_name, data_type FROM information_schema.columns
        WHERE table_schema = current_schema() AND (data_type LIKE 'timestamp%' OR data_type = 'date')
          AND table_name NOT IN ('kysely_migration', 'kysely_migration_lock')
          -- The register's own dates (a school's opening) are from the register, not the demo.
          AND NOT (table_name = 'establishments' AND column_name NOT IN ('created_at', 'updated_at'))`.execute(
        services.db,
      )
    ).rows.filter((c) => !notEvents.has(`${c.table_name}.${c.column_name}`) && c.column_name !== 'date_of_birth');
    const weeks = new Set<number>();
    let checked = 0;
    for (const c of columns) {
      const name = `${c.table_name}.${c.column_name}`;
      const values = (
        await sql<{ v: Date | string }>`SELECT ${sql.ref(c.column_name)} AS v FROM ${sql.table(c.table_name)}
          WHERE ${sql.ref(c.column_name)} IS NOT NULL`.execute(services.db)
      ).rows.map((r) => (r.v instanceof Date ? londonDate(r.v) : String(r.v).slice(0, 10)));
      for (const day of values) {
        checked++;
        assert.ok(isSchoolDay(day), `${name}: ${day} is not a school day`);
        if (deadlines.has(name)) continue;
        assert.ok(day < startDay, `${name}: ${day} is not before the demo started (${startDay})`);
        if (c.data_type !== 'date') {
          assert.ok(day >= twelveWeeksBack, `${name}: ${day} is before the twelve weeks`);
          weeks.add(Math.floor((Date.parse(day) - Date.parse(twelveWeeksBack)) / (7 * 86_400_000)));
        }
      }
    }
    assert.ok(checked > 500, `${checked} timestamps checked`);
    assert.equal(weeks.size, 12, 'something happened in every one of the twelve weeks');

    // Each thing after what it follows.
    const files = await services.db
      .selectFrom('transfer_files')
      .select(['id', 'received_at', 'collected_at'])
      .execute();
    for (const f of files)
      if (f.collected_at) assert.ok(f.collected_at > f.received_at, `file ${f.id} collected before sent`);
    const downloads = await services.db
      .selectFrom('transfer_downloads as d')
      .innerJoin('transfer_files as f', 'f.id', 'd.file_id')
      .select(['d.at', 'f.received_at'])
      .execute();
    assert.ok(downloads.length > 0 && downloads.every((d) => d.at > d.received_at));
    const requests = await services.db.selectFrom('ctf_requests').select(['requested_at', 'answered_at']).execute();
    assert.ok(requests.some((r) => r.answered_at));
    for (const r of requests) if (r.answered_at) assert.ok(r.answered_at > r.requested_at, 'answered after asked');
    const joiners = await services.db.selectFrom('joiners').select(['registered_at', 'received_at']).execute();
    for (const j of joiners) if (j.received_at) assert.ok(j.received_at > j.registered_at, 'record after the pupil');
    const asked = await services.db.selectFrom('enquiry_recipients').select(['sent_at', 'answered_at']).execute();
    for (const a of asked)
      if (a.answered_at) assert.ok(a.sent_at && a.answered_at > a.sent_at, 'enquiry answered after sent');
    const cases = await services.db
      .selectFrom('cme_cases')
      .select(['opened_at', 'identified_on', 'last_in_education_on', 'resolved_on'])
      .execute();
    for (const c of cases) {
      assert.ok(c.last_in_education_on < c.identified_on && londonDate(c.opened_at) === c.identified_on);
      if (c.resolved_on) assert.ok(c.resolved_on > c.identified_on);
    }
    const leavers = await services.db.selectFrom('leavers').select(['left_on', 'recorded_at', 'ctf_sent_at']).execute();
    for (const l of leavers) {
      assert.ok(l.left_on <= londonDate(l.recorded_at), 'recorded once left');
      if (l.ctf_sent_at) assert.ok(l.left_on <= londonDate(l.ctf_sent_at), 'CTF sent once left');
    }
    // Each CTF was written before it was sent, by a school in the weeks played, for pupils who had already left;
    // and no two demo children share a UPN, so no file is flagged for one arriving with another name.
    const ctfs = await services.db
      .selectFrom('transfer_files')
      .select(['blob_id', 'file_name', 'received_at', 'cautions'])
      .where('file_type', '=', 'CTF')
      .execute();
    for (const f of ctfs) {
      const xml = (await services.blobs.read(f.blob_id)).toString('utf8');
      const written = /<DateTime>([^<]+)<\/DateTime>/.exec(xml)?.[1] ?? '';
      const sent = ctfDateTime(f.received_at);
      assert.ok(
        written < sent && written.slice(0, 10) >= twelveWeeksBack,
        `${f.file_name}: written ${written}, sent ${sent}`,
      );
      for (const [, left] of xml.matchAll(/<LeavingDate>([^<]+)<\/LeavingDate>/g))
        assert.ok(left! <= sent.slice(0, 10), `${f.file_name}: a pupil leaves on ${left}, after it was sent`);
      assert.deepEqual(f.cautions, [], f.file_name);
    }
    // Bulk jobs (an enquiry checked against each CTF in the repository) ran when they were queued, not at the start.
    const jobs = await services.db.selectFrom('jobs').select(['state', 'created_at', 'finished_at']).execute();
    assert.ok(jobs.length > 0 && jobs.every((j) => j.state === 'done' && j.finished_at! >= j.created_at));
    // The audit trail reads in the order things happened.
    const trail = await services.db.selectFrom('audit_events').select(['seq', 'at']).orderBy('seq').execute();
    for (let i = 1; i < trail.length; i++) assert.ok(trail[i]!.at >= trail[i - 1]!.at, `audit row ${trail[i]!.seq}`);
  });

  it('gives its children UPNs that no file from s2s ctf generate ever carries', async () => {
    const demoDigests = new Set(
      (await services.db.selectFrom('ctf_pupils_sent').select('upn_digest').execute()).map((r) =>
        r.upn_digest.toString('hex'),
      ),
    );
    const demoUpns = new Set<string>();
    for (const r of await services.db.selectFrom('repository_records').select(['upn', 'former_upns']).execute())
      for (const upn of [r.upn, ...r.former_upns]) if (upn) demoUpns.add(upn);
    for (const l of await services.db.selectFrom('leavers').select('upn').execute()) if (l.upn) demoUpns.add(l.upn);
    assert.ok(demoDigests.size > 100 && demoUpns.size > 50, 'the demo has children with UPNs');
    // As the command line makes them, from the sample register: from any school, and from each school in the demo.
    const establishments = openSampleEstablishments();
    const runs = [
      ...['1', '2', 'demo', 'demo-term'].map((seed) => ({ seed, establishments, files: 40 })),
      ...establishments
        .filter((e) => ['823', '330'].includes(e.laCode))
        .map((e) => ({ seed: '1', establishments, files: 3, from: e.laestab })),
    ];
    let generated = 0;
    for (const run of runs) {
      for (const file of generateCtfFiles(run)) {
        for (const pupil of file.pupils) {
          for (const upn of [pupil.upn!, ...pupil.formerUpns]) {
            generated++;
            assert.ok(!demoUpns.has(upn), `${upn} is a demo child's`);
            assert.ok(!demoDigests.has(upnDigest(services.keys.pupilIndexKey, upn).toString('hex')), upn);
          }
        }
      }
    }
    assert.ok(generated > 3000, `${generated} generated UPNs compared`);
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
