import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { testDatabases } from '../../../test/support/databases.js';
import { testServices } from '../../../test/support/services.js';
import { ctfFile, tokenFor, upload } from '../../../test/support/transfers.js';
import { addUser, seedRegister, signIn, type TestServices } from '../../../test/support/world.js';
import { makeUpn } from '../../ctf/upn.js';
import { buildApp } from '../../app/app.js';
import { laUsage, parseAcademicYear } from './la-usage.js';

for (const database of await testDatabases()) {
  describe(`an LA's usage report (${database.name})`, () => {
    let services: TestServices & { close(): Promise<void> };
    let app: FastifyInstance;

    before(async () => {
      services = await testServices(await database.open());
      await seedRegister(services);
      app = await buildApp(services);
      const token = async (role: 'school-user' | 'la-user', org: string) =>
        tokenFor(services, (await addUser(services, { role, org })).user);
      const hollins = await token('school-user', '8232003');
      const brackenford = await token('school-user', '3304101');
      const other823 = await token('school-user', '8232004');
      // Hollins Lane (823) sends three CTFs to Brackenford High and one to XXXXXXX; Brackenford collects one.
      const sent = await upload(app, hollins, [
        ctfFile('8232003', '3304101', { pupils: 1 }),
        ctfFile('8232003', '3304101', { pupils: 1 }),
        ctfFile('8232003', '3304101', { pupils: 1 }),
        ctfFile('8232003', 'XXXXXXX'),
      ]);
      assert.equal(sent.statusCode, 201, sent.body);
      const first = sent.json().files[0].id as string;
      const collected = await app.inject({
        url: `/api/v1/files/${first}/content`,
        headers: { authorization: `Bearer ${brackenford}` },
      });
      assert.equal(collected.statusCode, 200);
      // Brackenford sends one to another 823 school, which has not collected it; that school registers a joiner.
      assert.equal((await upload(app, brackenford, [ctfFile('3304101', '8232004', { pupils: 2 })])).statusCode, 201);
      const joined = await app.inject({
        method: 'POST',
        url: '/api/v1/joiners',
        headers: { authorization: `Bearer ${other823}` },
        payload: { surname: 'Lund', forename: 'Freya', dateOfBirth: '2015-02-02', joinedOn: '2026-11-02' },
      });
      assert.equal(joined.statusCode, 201, joined.body);
      // Brackenford High finds the child Hollins Lane sent to XXXXXXX: searched, opened, marked enrolled.
      const record = await services.db.selectFrom('repository_records').select(['id', 'upn']).executeTakeFirstOrThrow();
      const asBrackenford = (url: string, payload: object) =>
        app.inject({ method: 'POST', url, payload, headers: { authorization: `Bearer ${brackenford}` } });
      const searched = await asBrackenford('/api/v1/repository/search', { upn: record.upn });
      assert.equal(searched.statusCode, 200, searched.body);
      const opened = await asBrackenford(`/api/v1/repository/records/${record.id}/open`, {
        reason: 'Joined Year 5 without a CTF',
      });
      assert.equal(opened.statusCode, 200, opened.body);
      const found = await asBrackenford(`/api/v1/repository/records/${record.id}/found`, {
        outcome: 'enrolled',
        laestab: '3304101',
      });
      assert.equal(found.statusCode, 204, found.body);
      // Hollins Lane records two leavers: one whose CTF is overdue, one who left too recently for it to be.
      for (const [upn, leftOn] of [
        ['A823200399001', '2026-10-01'],
        ['A823200399002', '2026-10-30'],
      ] as const) {
        const left = await app.inject({
          method: 'POST',
          url: '/api/v1/leavers',
          headers: { authorization: `Bearer ${hollins}` },
          payload: {
            surname: 'Moss',
            forename: 'Ivy',
            dateOfBirth: '2015-03-03',
            upn: makeUpn(upn.slice(1)),
            leftOn,
            destination: 'unknown',
            reason: 'not-returned',
          },
        });
        assert.equal(left.statusCode, 201, left.body);
      }
    });
    after(async () => {
      await app.close();
      await services.close();
    });

    it('counts each school’s use from the files and new pupils themselves', async () => {
      const year = parseAcademicYear('2026/27')!;
      const usage = await laUsage(services.db, '823', year, services.now());
      const files = await services.db.selectFrom('transfer_files').selectAll().execute();
      const joiners = await services.db.selectFrom('joiners').selectAll().execute();
      const leavers = await services.db.selectFrom('leavers').selectAll().execute();
      const schools = await services.db
        .selectFrom('establishments')
        .select('laestab')
        .where('la_code', '=', '823')
        .where('status', 'in', ['Open', 'Open, but proposed to close'])
        .execute();
      assert.equal(usage.schools.length, schools.length);
      for (const school of usage.schools) {
        const sentCtfs = files.filter((f) => f.sender_org_code === school.laestab && f.file_type === 'CTF');
        const waiting = files.filter(
          (f) => f.recipient_org_code === school.laestab && f.status === 'delivered' && f.collected_at === null,
        );
        assert.deepEqual(
          [
            school.ctfsSent,
            school.ctfsCollected,
            school.ctfsToUnknown,
            school.leaversWithoutCtf,
            school.waitingUncollected,
            school.newPupilsWithoutCtf,
          ],
          [
            sentCtfs.length,
            sentCtfs.filter((f) => f.collected_at !== null).length,
            sentCtfs.filter((f) => f.destination_kind === 'unknown').length,
            leavers.filter((l) => l.school_laestab === school.laestab && !l.ctf_file_id && l.ctf_due_on < '2026-11-02')
              .length,
            waiting.length,
            joiners.filter((j) => j.school_laestab === school.laestab).length,
          ],
          school.laestab,
        );
      }
      const hollins = usage.schools.find((s) => s.laestab === '8232003')!;
      assert.deepEqual(
        [hollins.ctfsSent, hollins.ctfsCollected, hollins.ctfsToUnknown, hollins.leaversWithoutCtf],
        [4, 1, 1, 1],
        'non-trivial',
      );
      assert.equal(usage.schools.find((s) => s.laestab === '8232004')!.waitingUncollected, 1);
      assert.equal(usage.schoolsThatSentNoCtf, usage.schools.filter((s) => s.ctfsSent === 0).length);
      const sentThisTerm = new Set(
        files.filter((f) => f.file_type === 'CTF' && f.sender_org_code.startsWith('823')).map((f) => f.sender_org_code),
      );
      assert.deepEqual(usage.thisTerm, {
        label: 'Autumn term 2026',
        schoolsThatSentNoCtf: schools.length - sentThisTerm.size,
      });
      assert.ok(sentThisTerm.size > 0);
      assert.equal(usage.repository.recordsUploaded, 1);
      assert.deepEqual(
        [usage.repository.recordsFound, usage.repository.foundBySchools, usage.repository.foundByLas],
        [1, 1, 0],
        'found by the new school',
      );

      const lastYear = await laUsage(services.db, '823', parseAcademicYear('2025/26')!, services.now());
      assert.equal(lastYear.thisTerm, null, 'a past school year has no current term');
      assert.equal(
        lastYear.schools.reduce((n, s) => n + s.ctfsSent, 0),
        0,
        'files from another school year are not counted',
      );
    });

    it('shows the chart beside its table, offers the same figures as CSV, and is for LA staff only', async () => {
      const la = await signIn(app, services, await addUser(services, { role: 'la-user', org: '823' }));
      const page = await la.get('/reports/usage');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<svg[^>]*role="img"[^>]*aria-labelledby="ctfs-sent-title ctfs-sent-desc"/);
      assert.match(page.body, /<th scope="row" class="govuk-table__header">Hollins Lane Primary School<\/th>/);

      const csv = await la.get('/reports/usage.csv?year=2026%2F27');
      assert.equal(csv.statusCode, 200);
      assert.match(String(csv.headers['content-type']), /^text\/csv/);
      assert.match(String(csv.headers['content-disposition']), /filename="s2s-usage-823-2026-27\.csv"/);
      const lines = csv.body
        .replace(/^\uFEFF/, '')
        .trimEnd()
        .split('\r\n');
      assert.equal(
        lines[0],
        'LAEstab,School,CTFs sent,CTFs sent and collected,CTFs sent to an unknown destination,Leavers whose CTF is overdue,Files waiting uncollected,Of which expire within a week,New pupils registered without a CTF',
      );
      assert.ok(lines.includes('8232003,Hollins Lane Primary School,4,1,1,1,0,0,0'), lines.join('\n'));

      assert.equal((await la.get('/reports/usage?year=2026-27')).statusCode, 400);
      const tooEarly = await la.get('/reports/usage?year=0000%2F01');
      assert.equal(tooEarly.statusCode, 400);
      assert.match(tooEarly.body, /Choose a school year written like 2026\/27, from 2000\/01 to 2035\/36/);
      assert.equal((await la.get('/reports/usage.csv?year=0000%2F01')).statusCode, 400);
      const school = await signIn(app, services, await addUser(services, { role: 'school-user', org: '8232003' }));
      assert.equal((await school.get('/reports/usage')).statusCode, 403);
      assert.equal((await school.get('/reports/usage.csv')).statusCode, 403);
      assert.equal(parseAcademicYear('2026/28'), undefined);
    });
  });
}
