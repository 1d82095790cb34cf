import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { testDatabases } from '../../test/support/databases.js';
import { testServices } from '../../test/support/services.js';
import { ctfFile, tokenFor, upload, noOtherNames } from '../../test/support/transfers.js';
import { addUser, seedRegister, signIn, type TestServices, type TestUser } from '../../test/support/world.js';
import { parseCtf, type CtfPupilInput } from '../ctf/index.js';
import { buildApp } from '../app/app.js';
import { purgeExpired } from '../transfers/retention.js';
import type { RepositoryMatch } from './match-repository.js';

interface Actor {
  account: TestUser;
  token: string;
}

const none = noOtherNames;

// The children in the repository, as the school they left recorded them.
const katherine: Partial<CtfPupilInput> = {
  ...none,
  forename: 'Katherine',
  surname: 'Smith',
  middleNames: 'Rose',
  dateOfBirth: '2015-03-04',
  sex: 'F',
  upn: 'F823200314002',
};
const mohammed: Partial<CtfPupilInput> = {
  ...none,
  forename: 'Mohammed',
  surname: 'Hussain-Patel',
  dateOfBirth: '2016-11-23',
  sex: 'M',
};
const zoe: Partial<CtfPupilInput> = {
  ...none,
  forename: 'Zoë',
  surname: 'D’Souza',
  formerSurname: 'Baker',
  dateOfBirth: '2014-07-15',
  sex: 'F',
};
const william: Partial<CtfPupilInput> = {
  ...none,
  forename: 'William',
  surname: 'Thompson',
  preferredSurname: 'Clarke',
  dateOfBirth: '2013-12-01',
  sex: 'M',
  upn: 'F823200313001',
  formerUpns: ['R82320031300A'],
};

for (const database of await testDatabases()) {
  describe(`the unknown-destination repository (${database.name})`, () => {
    let services: TestServices & { close(): Promise<void> };
    let app: FastifyInstance;
    let leaver: Actor; // Hollins Lane Primary, 823: sends the leavers' CTFs to XXXXXXX
    let receiving: Actor; // Brackenford High, 330: a child arrives without a record
    let otherLaSchool: Actor; // Kestrel Moor Primary, 909
    let laOfLeaver: Actor; // Ashdown Vale, 823
    let laOfReceiving: Actor; // Brackenford, 330
    const ids = new Map<string, string>();
    let katherineUpn = '';

    async function actor(role: 'school-user' | 'la-user' | 'la-admin', org: string): Promise<Actor> {
      const account = await addUser(services, { role, org });
      return { account, token: await tokenFor(services, account.user) };
    }

    const search = (who: Actor, body: unknown) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/repository/search',
        payload: body as object,
        headers: { authorization: `Bearer ${who.token}` },
      });
    const results = async (who: Actor, body: unknown): Promise<RepositoryMatch[]> => {
      const response = await search(who, body);
      assert.equal(response.statusCode, 200, response.body);
      return response.json().results as RepositoryMatch[];
    };
    const post = (who: Actor, url: string, body: unknown) =>
      app.inject({ method: 'POST', url, payload: body as object, headers: { authorization: `Bearer ${who.token}` } });
    const get = (who: Actor, url: string) => app.inject({ url, headers: { authorization: `Bearer ${who.token}` } });

    async function auditActions(): Promise<{ action: string; details: Record<string, unknown> }[]> {
      const rows = await services.db.selectFrom('audit_events').select(['action', 'details']).orderBy('seq').execute();
      return rows.map((r) => ({
        action: r.action,
        details: (typeof r.details === 'string' ? JSON.parse(r.details) : r.details) as Record<string, unknown>,
      }));
    }

    before(async () => {
      services = await testServices(await database.open(), {
        env: { S2S_REPOSITORY_SEARCHES_PER_MINUTE: '1000', S2S_REPOSITORY_SEARCH_ALERT_PER_DAY: '100000' },
      });
      await seedRegister(services);
      app = await buildApp(services);
      leaver = await actor('school-user', '8232003');
      receiving = await actor('school-user', '3304101');
      otherLaSchool = await actor('school-user', '9092201');
      laOfLeaver = await actor('la-user', '823');
      laOfReceiving = await actor('la-user', '330');
      for (const [name, person] of Object.entries({ katherine, mohammed, zoe, william })) {
        const file = ctfFile('8232003', name === 'mohammed' ? 'MMMMMMM' : 'XXXXXXX', { people: [person] });
        if (name === 'katherine') katherineUpn = file.pupils[0]!.upn!;
        const response = await upload(app, leaver.token, [file]);
        assert.equal(response.statusCode, 201, response.body);
        const record = await services.db
          .selectFrom('repository_records')
          .select('id')
          .where('file_id', '=', response.json().files[0].id)
          .executeTakeFirstOrThrow();
        ids.set(name, record.id);
      }
      // Twelve children with the same surname and date of birth: more than a search may show.
      for (let i = 0; i < 12; i++) {
        const file = ctfFile('8232003', 'XXXXXXX', {
          people: [
            {
              ...none,
              surname: 'Brown',
              forename: ['Amy', 'Ben', 'Cara', 'Dev', 'Eli', 'Fay', 'Gus', 'Hal', 'Ivy', 'Jay', 'Kit', 'Lee'][i]!,
              dateOfBirth: '2012-05-05',
            },
          ],
        });
        const response = await upload(app, leaver.token, [file]);
        assert.equal(response.statusCode, 201, response.body);
      }
    });
    after(async () => {
      await app.close();
      await services.close();
    });

    const corruptions: [string, Record<string, string>, string, RegExp][] = [
      [
        'a typing error',
        { forename: 'Katherine', surname: 'Smtih', dateOfBirth: '2015-03-04' },
        'katherine',
        /surname spelt with one letter different/,
      ],
      [
        'two typing errors',
        { forename: 'Willaim', surname: 'Thmopsno', dateOfBirth: '2013-12-01' },
        'william',
        /two letters different|sounds alike/,
      ],
      [
        'a phonetic surname',
        { forename: 'Katherine', surname: 'Smythe', dateOfBirth: '2015-03-04' },
        'katherine',
        /surname sounds alike/,
      ],
      [
        'a phonetic first name',
        { forename: 'Muhammad', surname: 'Hussain-Patel', dateOfBirth: '2016-11-23' },
        'mohammed',
        /first name sounds alike/,
      ],
      [
        'accents and apostrophes left out',
        { forename: 'Zoe', surname: 'DSouza', dateOfBirth: '2014-07-15' },
        'zoe',
        /^surname matches$/,
      ],
      [
        'one part of a double-barrelled surname',
        { forename: 'Mohammed', surname: 'Patel', dateOfBirth: '2016-11-23' },
        'mohammed',
        /one part of a double-barrelled surname/,
      ],
      [
        'a former surname',
        { forename: 'Zoë', surname: 'Baker', dateOfBirth: '2014-07-15' },
        'zoe',
        /their former surname matches/,
      ],
      [
        'a preferred surname',
        { forename: 'William', surname: 'Clarke', dateOfBirth: '2013-12-01' },
        'william',
        /their preferred surname matches/,
      ],
      [
        'middle name given as the first name',
        { forename: 'Rose', surname: 'Smith', dateOfBirth: '2015-03-04' },
        'katherine',
        /first name matches their middle name/,
      ],
      [
        'a short form of the first name',
        { forename: 'Bill', surname: 'Thompson', dateOfBirth: '2013-12-01' },
        'william',
        /short form/,
      ],
      [
        'day and month of birth swapped',
        { forename: 'Katherine', surname: 'Smith', dateOfBirth: '2015-04-03' },
        'katherine',
        /day and month of birth swapped/,
      ],
      [
        'one digit of the date of birth wrong',
        { forename: 'William', surname: 'Thompson', dateOfBirth: '2013-12-07' },
        'william',
        /one digit of the date of birth differs/,
      ],
      [
        'surname and date of birth only',
        { surname: 'Smith', dateOfBirth: '2015-03-04' },
        'katherine',
        /date of birth matches/,
      ],
      ['a former UPN', { upn: 'R82320031300A' }, 'william', /matches a former UPN/],
    ];
    for (const [what, query, child, reason] of corruptions) {
      it(`finds a child from ${what}, and says why`, async () => {
        const found = await results(receiving, query);
        assert.equal(found[0]?.id, ids.get(child), JSON.stringify(found));
        assert.ok(
          found[0]!.reasons.some((r) => reason.test(r)),
          found[0]!.reasons.join('; '),
        );
        assert.deepEqual(Object.keys(found[0]!).sort(), [
          'dateOfBirth',
          'forename',
          'id',
          'leftLAEstab',
          'leftOn',
          'leftSchoolName',
          'reasons',
          'score',
          'sex',
          'surname',
        ]);
        assert.equal(found[0]!.leftLAEstab, '8232003');
      });
    }

    it('finds a child by UPN', async () => {
      const found = await results(receiving, { upn: katherineUpn.toLowerCase() });
      assert.deepEqual(
        found.map((r) => [r.id, r.score, r.reasons]),
        [[ids.get('katherine'), 100, ['UPN matches']]],
      );
    });

    it('shows nobody below the threshold, and at most ten', async () => {
      assert.deepEqual(
        await results(receiving, { forename: 'Katherine', surname: 'Jones', dateOfBirth: '2015-03-04' }),
        [],
      );
      assert.deepEqual(await results(receiving, { forename: 'Zoe', surname: 'Smith', dateOfBirth: '2015-03-04' }), []);
      assert.deepEqual(
        await results(receiving, { forename: 'Katherine', surname: 'Smith', dateOfBirth: '2011-08-19' }),
        [],
      );
      const browns = await results(receiving, { surname: 'Brown', dateOfBirth: '2012-05-05' });
      assert.equal(browns.length, 10);
      assert.ok(browns.every((r) => r.surname === 'Brown' && r.score >= 85));
    });

    it('refuses unclear searches with the field and the reason', async () => {
      const cases: [unknown, string, RegExp][] = [
        [{ surname: 'Smith' }, 'dateOfBirth', /Enter a date of birth/],
        [{ dateOfBirth: '2015-03-04' }, 'surname', /Enter a surname/],
        [{ surname: 'Smith', dateOfBirth: '2015-02-30' }, 'dateOfBirth', /real date/],
        [{ upn: 'H801200001002' }, 'upn', /check letter/],
        [{ surname: 'Smith', dateOfBirth: '2015-03-04', sex: 'X' }, 'sex', /M or F/],
        [{ surname: 'Sm1th', dateOfBirth: '2015-03-04' }, 'surname', /letters/],
        [{ surname: 'Smith', dateOfBirth: '2015-03-04', nhsNumber: '123' }, 'nhsNumber', /Unknown field/],
      ];
      for (const [body, field, message] of cases) {
        const response = await search(receiving, body);
        assert.equal(response.statusCode, 422, JSON.stringify(body));
        const error = response.json().error;
        assert.equal(error.code, 'INVALID_SEARCH');
        assert.ok(
          error.fields.some((f: { field: string; message: string }) => f.field === field && message.test(f.message)),
          JSON.stringify(error.fields),
        );
      }
      const viaUrl = await app.inject({
        url: '/api/v1/repository/search?surname=Smith',
        headers: { authorization: `Bearer ${receiving.token}` },
      });
      assert.equal(viaUrl.statusCode, 404, 'personal details never travel in a URL');
    });

    it('opens only a record the user was shown, with a reason; the download is that one child, byte for byte', async () => {
      const id = ids.get('katherine')!;
      assert.equal(
        (await post(otherLaSchool, `/api/v1/repository/records/${id}/open`, { reason: 'Joined Year 5 without a CTF' }))
          .statusCode,
        404,
      );
      assert.equal((await get(otherLaSchool, `/api/v1/repository/records/${id}/content`)).statusCode, 404);

      await results(otherLaSchool, { forename: 'Katherine', surname: 'Smith', dateOfBirth: '2015-03-04' });
      assert.equal(
        (await get(otherLaSchool, `/api/v1/repository/records/${id}/content`)).statusCode,
        404,
        'shown is not opened',
      );
      const noReason = await post(otherLaSchool, `/api/v1/repository/records/${id}/open`, { reason: 'x' });
      assert.equal(noReason.statusCode, 422);
      assert.equal(noReason.json().error.code, 'REASON_REQUIRED');

      const opened = await post(otherLaSchool, `/api/v1/repository/records/${id}/open`, {
        reason: 'Joined Year 5 on 2 November without a CTF',
      });
      assert.equal(opened.statusCode, 200, opened.body);
      assert.equal(opened.json().upn, katherineUpn);
      const content = await get(otherLaSchool, `/api/v1/repository/records/${id}/content`);
      assert.equal(content.statusCode, 200);
      assert.match(
        content.headers['content-disposition'] as string,
        /^attachment; filename="8232003_CTF_XXXXXXX_\d{3}\.XML"$/,
      );
      const parsed = await parseCtf(content.rawPayload, { retainPupils: true });
      assert.equal(parsed.valid, true, JSON.stringify(parsed.errors));
      assert.equal(parsed.pupils.length, 1);
      assert.equal(parsed.pupils[0]!.surname, 'Smith');
      assert.equal(parsed.pupils[0]!.upn, katherineUpn);

      const record = await services.db
        .selectFrom('repository_records')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      const stream = await services.blobs.get(
        (
          await services.db
            .selectFrom('transfer_files')
            .select('blob_id')
            .where('id', '=', record.file_id)
            .executeTakeFirstOrThrow()
        ).blob_id,
      );
      const original = Buffer.concat((await stream.toArray()) as Buffer[]);
      assert.deepEqual(
        content.rawPayload.subarray(content.rawPayload.indexOf('<Pupil>'), content.rawPayload.indexOf('</Pupil>') + 8),
        original.subarray(Number(record.byte_start), Number(record.byte_end)),
      );

      const actions = await auditActions();
      const searched = actions.filter((a) => a.action === 'repository.searched').at(-1)!;
      assert.deepEqual(searched.details.criteria, {
        forename: 'Katherine',
        surname: 'Smith',
        dateOfBirth: '2015-03-04',
      });
      const openedEvent = actions.find((a) => a.action === 'repository.record-opened')!;
      assert.equal(openedEvent.details.reason, 'Joined Year 5 on 2 November without a CTF');
      assert.ok(actions.some((a) => a.action === 'repository.record-downloaded'));
    });

    it('marks a child found: out of active search, and the LA the child left sees by whom and when', async () => {
      const id = ids.get('zoe')!;
      await results(receiving, { forename: 'Zoe', surname: 'DSouza', dateOfBirth: '2014-07-15' });
      assert.equal(
        (await post(receiving, `/api/v1/repository/records/${id}/found`, { outcome: 'enrolled', laestab: '3304101' }))
          .statusCode,
        404,
        'not opened yet',
      );
      await post(receiving, `/api/v1/repository/records/${id}/open`, { reason: 'Arrived in Year 7 from Ashdown Vale' });
      const invalid = await post(receiving, `/api/v1/repository/records/${id}/found`, {
        outcome: 'enrolled',
        laestab: '999',
      });
      assert.equal(invalid.statusCode, 422);
      assert.equal(invalid.json().error.fields[0].field, 'laestab');
      const unknownSchool = await post(receiving, `/api/v1/repository/records/${id}/found`, {
        outcome: 'enrolled',
        laestab: '3309999',
      });
      assert.match(unknownSchool.json().error.fields[0].message, /No school has the LAEstab 3309999/);
      assert.equal(
        (await post(receiving, `/api/v1/repository/records/${id}/found`, { outcome: 'enrolled', laestab: '3304101' }))
          .statusCode,
        204,
      );
      assert.equal(
        (await post(receiving, `/api/v1/repository/records/${id}/found`, { outcome: 'enrolled', laestab: '3304101' }))
          .statusCode,
        409,
      );

      assert.deepEqual(
        await results(otherLaSchool, { forename: 'Zoe', surname: 'DSouza', dateOfBirth: '2014-07-15' }),
        [],
      );
      const seen = (await get(laOfLeaver, '/api/v1/repository/found')).json().records;
      assert.equal(seen.length, 1);
      assert.equal(seen[0].id, id);
      assert.equal(seen[0].foundBy, receiving.account.user.email);
      assert.equal(seen[0].foundByOrg, '3304101');
      assert.equal(seen[0].enrolledAt, '3304101');
      assert.equal(seen[0].foundAt, services.now().toISOString());
      assert.deepEqual((await get(laOfReceiving, '/api/v1/repository/found')).json().records, []);
      assert.equal((await get(receiving, '/api/v1/repository/found')).statusCode, 403);
    });

    it('shows an opened record to the person who opened it alone; their colleagues may still mark it found', async () => {
      const id = ids.get('mohammed')!;
      const colleague = await actor('school-user', '3304101');
      const stranger = await actor('school-user', '9092201');
      await results(receiving, { forename: 'Mohammed', surname: 'Hussain-Patel', dateOfBirth: '2016-11-23' });
      await results(colleague, { forename: 'Mohammed', surname: 'Hussain-Patel', dateOfBirth: '2016-11-23' });
      const opened = await post(receiving, `/api/v1/repository/records/${id}/open`, {
        reason: 'Joined Year 4 on 3 November without a CTF',
      });
      assert.equal(opened.statusCode, 200, opened.body);

      const opener = await signIn(app, services, receiving.account);
      const openerPage = await opener.get(`/repository/records/${id}/opened`);
      assert.equal(openerPage.statusCode, 200);
      assert.match(openerPage.body, /Hussain-Patel/);
      const notFound = await (await signIn(app, services, stranger.account)).get(`/repository/records/${id}/opened`);
      assert.equal(notFound.statusCode, 404);
      const colleaguePage = await (
        await signIn(app, services, colleague.account)
      ).get(`/repository/records/${id}/opened`);
      assert.equal(colleaguePage.statusCode, 404, 'a colleague is answered as a stranger is');
      assert.match(colleaguePage.body, /<title>Page not found/);
      assert.match(notFound.body, /<title>Page not found/);
      assert.doesNotMatch(colleaguePage.body, /Hussain-Patel/);
      assert.equal((await get(colleague, `/api/v1/repository/records/${id}/content`)).statusCode, 404);
      const probes = (await auditActions()).filter(
        (a) => a.action === 'request.refused-by-id' && (a.details.params as { id?: string }).id === id,
      );
      assert.deepEqual(
        probes.map((a) => [a.details.route, a.details.status]),
        [
          ['/repository/records/:id/opened', 404],
          ['/repository/records/:id/opened', 404],
          ['/api/v1/repository/records/:id/content', 404],
        ],
      );

      const found = await post(colleague, `/api/v1/repository/records/${id}/found`, {
        outcome: 'enrolled',
        laestab: '3304101',
      });
      assert.equal(found.statusCode, 204, found.body);
      const viewed = (await auditActions()).filter(
        (a) => a.action === 'pupil-data.viewed' && a.details.route === '/repository/records/:id/opened',
      );
      assert.equal(viewed.length, 1, 'the opener’s reading is audited, and only theirs was shown');
    });

    it('audits the LA’s list of found children, page and API, as a read of pupil data', async () => {
      const before = (await auditActions()).filter((a) => a.action === 'pupil-data.viewed').length;
      const list = await get(laOfLeaver, '/api/v1/repository/found');
      assert.equal(list.statusCode, 200, list.body);
      const page = await (await signIn(app, services, laOfLeaver.account)).get('/repository/found');
      assert.equal(page.statusCode, 200);
      const viewed = (await auditActions()).filter((a) => a.action === 'pupil-data.viewed').slice(before);
      assert.deepEqual(
        viewed.map((a) => a.details.route),
        ['/api/v1/repository/found', '/repository/found'],
      );
    });

    it('purges records and their files after the retention period, with a fixed clock', async () => {
      const id = ids.get('william')!;
      await results(laOfReceiving, { forename: 'William', surname: 'Thompson', dateOfBirth: '2013-12-01' });
      assert.equal(
        (
          await post(laOfReceiving, `/api/v1/repository/records/${id}/open`, {
            reason: 'CME enquiry about a child from 823',
          })
        ).statusCode,
        200,
      );
      services.clock.advance(364 * 86_400_000);
      assert.equal((await results(laOfReceiving, { upn: 'F823200313001' })).length, 1);
      services.clock.advance(2 * 86_400_000);
      const report = await purgeExpired(services);
      assert.ok((report.repositoryRecords ?? 0) >= 4, JSON.stringify(report));
      assert.deepEqual(await results(laOfReceiving, { upn: 'F823200313001' }), []);
      assert.equal((await get(laOfReceiving, `/api/v1/repository/records/${id}/content`)).statusCode, 404);
      const row = await services.db
        .selectFrom('repository_records')
        .select('status')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      assert.equal(row.status, 'expired');
    });
  });
}

for (const database of await testDatabases()) {
  describe(`repository search limits (${database.name})`, () => {
    let services: TestServices & { close(): Promise<void> };
    let app: FastifyInstance;
    let searcher: TestUser;
    let token: string;
    let laAdmin: TestUser;

    before(async () => {
      services = await testServices(await database.open(), {
        env: { S2S_REPOSITORY_SEARCHES_PER_MINUTE: '3', S2S_REPOSITORY_SEARCH_ALERT_PER_DAY: '5' },
      });
      await seedRegister(services);
      app = await buildApp(services);
      searcher = await addUser(services, { role: 'school-user', org: '8232003' });
      token = await tokenFor(services, searcher.user);
      laAdmin = await addUser(services, { role: 'la-admin', org: '823' });
    });
    after(async () => {
      await app.close();
      await services.close();
    });

    const search = () =>
      app.inject({
        method: 'POST',
        url: '/api/v1/repository/search',
        payload: { surname: 'Nobody', dateOfBirth: '2015-01-01' },
        headers: { authorization: `Bearer ${token}` },
      });

    it('limits searches per user per minute, and flags an unusual day to the LA administrators', async () => {
      for (let i = 0; i < 3; i++) assert.equal((await search()).statusCode, 200);
      services.clock.advance(20_000);
      const refused = await search();
      assert.equal(refused.statusCode, 429);
      assert.equal(refused.headers['retry-after'], '40');
      assert.equal(refused.json().error.code, 'SEARCH_RATE_LIMITED');
      services.clock.advance(41_000);
      assert.equal((await search()).statusCode, 200);

      const alerts = () => services.db.selectFrom('repository_search_alerts').selectAll().execute();
      assert.deepEqual(await alerts(), [], 'four searches in a day are not unusual');
      services.clock.advance(61_000);
      assert.equal((await search()).statusCode, 200);
      const raised = await alerts();
      assert.equal(raised.length, 1);
      assert.deepEqual([raised[0]!.la_code, raised[0]!.user_id, raised[0]!.searches], ['823', searcher.user.id, 5]);
      services.clock.advance(61_000);
      assert.equal((await search()).statusCode, 200);
      assert.equal((await alerts()).length, 1, 'one flag a crossing, not one a search');

      const browser = await signIn(app, services, laAdmin);
      const page = await browser.get('/repository/alerts');
      assert.equal(page.statusCode, 200);
      assert.ok(page.body.includes(searcher.user.email), 'the LA administrator sees who');
      const flagged = await services.db
        .selectFrom('audit_events')
        .select(['action', 'la_code'])
        .where('action', 'like', 'repository.search-%')
        .execute();
      assert.deepEqual(
        flagged.map((e) => [e.action, e.la_code]),
        [
          ['repository.search-refused', '823'],
          ['repository.search-volume-flagged', '823'],
        ],
      );
    });
  });
}
