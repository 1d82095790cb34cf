import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { testDatabases } from '../../test/support/databases.js';
import { testServices } from '../../test/support/services.js';
import { ctfFile, tokenFor, upload } from '../../test/support/transfers.js';
import { makeUpn } from '../ctf/upn.js';
import { addUser, seedRegister, signIn, type TestServices } from '../../test/support/world.js';
import { buildApp } from '../app/app.js';

for (const database of await testDatabases()) {
  describe(`CME registers and figures (${database.name})`, () => {
    let services: TestServices & { close(): Promise<void> };
    let app: FastifyInstance;
    const tokens = new Map<string, string>();

    const call = (who: string, method: 'GET' | 'POST', url: string, payload?: object) =>
      app.inject({ method, url, payload, headers: { authorization: `Bearer ${tokens.get(who)}` } });
    const open = async (who: string, details: Record<string, string>) => {
      const response = await call(who, 'POST', '/api/v1/cme-cases', details);
      assert.equal(response.statusCode, 201, response.body);
      return response.json().id as string;
    };
    const close = async (who: string, id: string, outcome: string, resolvedOn: string) => {
      const response = await call(who, 'POST', `/api/v1/cme-cases/${id}/close`, { outcome, resolvedOn });
      assert.equal(response.statusCode, 204, response.body);
    };
    const child = (n: number, identifiedOn: string, lastInEducationOn = '2026-09-07') => ({
      surname: `Child${'abcdefghijklmnopqrstuvwxyz'[n]}`,
      forename: 'Sam',
      dateOfBirth: '2014-04-04',
      lastInEducationOn,
      identifiedOn,
    });

    before(async () => {
      services = await testServices(await database.open());
      await seedRegister(services);
      app = await buildApp(services);
      for (const [name, role, org] of [
        ['ashdown', 'la-user', '823'],
        ['brackenford', 'la-user', '330'],
        ['dfe', 'dfe-admin', 'DFE'],
        ['school', 'school-user', '8232003'],
      ] as const) {
        tokens.set(name, await tokenFor(services, (await addUser(services, { role, org })).user));
      }
    });
    after(async () => {
      await app.close();
      await services.close();
    });

    it('keeps each LA’s register to itself, with school days out of education against the threshold', async () => {
      const refused = await call('ashdown', 'POST', '/api/v1/cme-cases', {
        surname: 'Doe',
        lastInEducationOn: '2026-10-01',
        identifiedOn: '2026-09-01',
      });
      assert.equal(refused.statusCode, 422);
      const fields = (refused.json().error.fields as Array<{ field: string }>).map((f) => f.field).sort();
      assert.deepEqual(fields, ['dateOfBirth', 'forename', 'identifiedOn']);
      assert.equal((await call('school', 'GET', '/api/v1/cme-cases')).statusCode, 403);

      // Last in school Monday 7 September 2026; the fixed clock says Monday 2 November: 40 school days later.
      const id = await open('ashdown', child(0, '2026-10-05'));
      const mine = (await call('ashdown', 'GET', '/api/v1/cme-cases')).json().cases as Array<{
        id: string;
        schoolDaysOut: number;
        overThreshold: boolean;
      }>;
      const found = mine.find((c) => c.id === id)!;
      assert.equal(found.schoolDaysOut, 40);
      assert.equal(found.overThreshold, true);
      const theirs = (await call('brackenford', 'GET', '/api/v1/cme-cases')).json().cases as Array<{ id: string }>;
      assert.equal(
        theirs.some((c) => c.id === id),
        false,
      );
      assert.equal((await call('brackenford', 'POST', `/api/v1/cme-cases/${id}/close`, {})).statusCode, 404);
      const early = await call('ashdown', 'POST', `/api/v1/cme-cases/${id}/close`, {
        outcome: 'back-in-school',
        resolvedOn: '2026-10-01',
      });
      assert.equal(early.statusCode, 422);
      assert.match(early.json().error.fields[0].message, /before the date identified/);
    });

    it('audits the register page when a refused form shows it again, children’s details and all', async () => {
      const account = await addUser(services, { role: 'la-user', org: '823' });
      const browser = await signIn(app, services, account);
      const refused = await browser.submit('/cme-cases', '/cme-cases', { surname: 'Doe' });
      assert.equal(refused.statusCode, 422);
      assert.match(refused.body, /Sam Childa/, 'the register, with its children, is shown again');
      const viewed = await services.db
        .selectFrom('audit_events')
        .select(['actor_user_id', 'details'])
        .where('action', '=', 'pupil-data.viewed')
        .where('actor_user_id', '=', account.user.id)
        .execute();
      assert.deepEqual(
        viewed.map((e) => (typeof e.details === 'string' ? JSON.parse(e.details) : e.details).route),
        ['/cme-cases', '/cme-cases'],
        'the page itself, then the refused form’s page',
      );
    });

    it('counts identified, returned, still missing and median days from the cases themselves', async () => {
      // Brackenford: six cases identified this school year; four resolved (three back in education), two open.
      const cases = [];
      for (let n = 0; n < 6; n++) cases.push(await open('brackenford', child(n, `2026-09-${String(10 + n)}`)));
      await close('brackenford', cases[0]!, 'back-in-school', '2026-09-20'); // 10 days
      await close('brackenford', cases[1]!, 'educated-otherwise', '2026-10-01'); // 20 days
      await close('brackenford', cases[2]!, 'back-in-school', '2026-10-12'); // 30 days
      await close('brackenford', cases[3]!, 'left-the-area', '2026-10-23'); // 40 days
      const figures = (await call('brackenford', 'GET', '/api/v1/reports/cme?year=2026%2F27')).json();
      assert.deepEqual(
        {
          identified: figures.identified,
          returned: figures.returnedToEducation,
          missing: figures.stillMissing,
          median: figures.medianDaysToResolution,
        },
        { identified: 6, returned: 3, missing: 2, median: 25 },
      );
      const lastYear = (await call('brackenford', 'GET', '/api/v1/reports/cme?year=2025%2F26')).json();
      assert.equal(lastYear.identified, 0);
      assert.equal((await call('brackenford', 'GET', '/api/v1/reports/cme?year=2026')).statusCode, 400);
      // A year the calendar does not cover is refused plainly, not passed to the database as a date it refuses.
      for (const [who, url] of [
        ['brackenford', '/api/v1/reports/cme?year=0000%2F01'],
        ['brackenford', '/api/v1/reports/cme?year=1999%2F00'],
        ['dfe', '/api/v1/reports/national?year=0000%2F01'],
        ['dfe', '/api/v1/reports/national?year=2036%2F37'],
      ] as const) {
        const refused = await call(who, 'GET', url);
        assert.equal(refused.statusCode, 400, `${url}: ${refused.body}`);
        assert.deepEqual(refused.json().error, {
          code: 'INVALID_YEAR',
          message: 'year must be a school year written like 2026/27, from 2000/01 to 2035/36',
        });
      }
      assert.equal((await call('brackenford', 'GET', '/api/v1/reports/cme?year=2035%2F36')).statusCode, 200);
    });

    it('gives DfE every LA’s figures with small numbers withheld, and no child-level data', async () => {
      assert.equal((await call('ashdown', 'GET', '/api/v1/reports/national')).statusCode, 403);
      const national = await call('dfe', 'GET', '/api/v1/reports/national?year=2026%2F27');
      assert.equal(national.statusCode, 200, national.body);
      const body = national.json() as {
        las: Array<{ laCode: string; identified: string; returnedToEducation: string; stillMissing: string }>;
        totals: string[];
      };
      const ashdown = body.las.find((la) => la.laCode === '823')!;
      const brackenford = body.las.find((la) => la.laCode === '330')!;
      assert.equal(ashdown.identified, 'c', 'one case is withheld');
      assert.equal(brackenford.identified, 'c', 'six is withheld too: with the total of 7, it would reveal the one');
      assert.equal(body.totals[0], 'c', 'Brackenford knows its own 6, so a total of 7 would tell it Ashdown has 1');
      assert.equal(brackenford.returnedToEducation, 'c', 'three returned is withheld');
      // Where a column's total is published, it must not have a single withheld cell that subtraction would reveal.
      (['identified', 'returnedToEducation', 'stillMissing'] as const).forEach((column, i) => {
        const withheld = body.las.filter((la) => la[column] === 'c').length;
        if (body.totals[i] !== 'c') assert.notEqual(withheld, 1, `${column}: one withheld cell beside its total`);
      });
      const text = national.body;
      assert.equal(/Child[a-z]|Sam|2014-04-04/.test(text), false, 'no child-level data');
    });

    it('counts a case last in education years ago, refuses one before the calendar, and the register still shows', async () => {
      const id = await open('brackenford', child(1, '2019-06-03', '2019-05-01'));
      const refused = await call('brackenford', 'POST', '/api/v1/cme-cases', child(2, '2000-01-10', '1999-12-01'));
      assert.equal(refused.statusCode, 422, refused.body);
      assert.deepEqual(refused.json().error.fields, [
        {
          field: 'lastInEducationOn',
          message: 'Date last in education must be on or after 1 January 2000: s2s counts school days from then',
        },
      ]);
      const listed = await call('brackenford', 'GET', '/api/v1/cme-cases');
      assert.equal(listed.statusCode, 200, listed.body);
      const found = (listed.json().cases as Array<{ id: string; schoolDaysOut: number; overThreshold: boolean }>).find(
        (c) => c.id === id,
      )!;
      // About seven and a half years of weekdays, less their bank holidays: term dates are the LA's own.
      assert.ok(found.schoolDaysOut > 1800 && found.schoolDaysOut < 2000, String(found.schoolDaysOut));
      assert.equal(found.overThreshold, true);
      const account = await addUser(services, { role: 'la-user', org: '330' });
      const page = await (await signIn(app, services, account)).get('/cme-cases');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Sam Childb/);
    });

    it('shows a stored case dated before the calendar with its school days not known, and the rest of the register', async () => {
      const officer = await addUser(services, { role: 'la-user', org: '330' });
      // Older data may hold such a date: s2s refuses it now, so the row goes straight into the table.
      const id = crypto.randomUUID();
      await services.db
        .insertInto('cme_cases')
        .values({
          id,
          la_code: '330',
          opened_by: officer.user.id,
          opened_at: new Date('2026-10-01T09:00:00Z'),
          source: 'by-hand',
          enquiry_id: null,
          surname: 'Oldcase',
          forename: 'Sam',
          date_of_birth: '1992-02-02',
          sex: null,
          upn: null,
          last_in_education_on: '1999-06-30',
          identified_on: '2026-09-30',
          state: 'open',
          outcome: null,
          resolved_on: null,
          outcome_note: null,
        })
        .execute();
      const listed = await call('brackenford', 'GET', '/api/v1/cme-cases');
      assert.equal(listed.statusCode, 200, listed.body);
      const cases = listed.json().cases as Array<{
        id: string;
        schoolDaysOut: number | null;
        overThreshold: boolean | null;
      }>;
      const old = cases.find((c) => c.id === id)!;
      assert.equal(old.schoolDaysOut, null);
      assert.equal(old.overThreshold, null);
      assert.ok(
        cases.some((c) => c.id !== id && typeof c.schoolDaysOut === 'number'),
        'the other cases are still counted',
      );

      const browser = await signIn(app, services, officer);
      const page = await browser.get('/cme-cases');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Sam Oldcase/);
      assert.match(page.body, /Not known<br><span class="govuk-body-s">date outside the school calendar/);
      assert.match(page.body, /Sam Childb/);
      const csv = await browser.get('/reports/cme?year=2026/27&format=csv');
      assert.equal(csv.statusCode, 200);
      assert.match(csv.body, /Children identified as missing education/);

      // Closing it works, and the closed case is still listed without a count.
      const closed = await call('brackenford', 'POST', `/api/v1/cme-cases/${id}/close`, {
        outcome: 'back-in-school',
        resolvedOn: '2026-10-20',
      });
      assert.equal(closed.statusCode, 204, closed.body);
      const after = (await call('brackenford', 'GET', '/api/v1/cme-cases')).json().cases as Array<{
        id: string;
        schoolDaysOut: number | null;
      }>;
      assert.equal(after.find((c) => c.id === id)!.schoolDaysOut, null);

      // The form refuses such a date with the error summary naming the field.
      const refused = await browser.submit('/cme-cases', '/cme-cases', {
        surname: 'Newcase',
        forename: 'Sam',
        'dob-day': '2',
        'dob-month': '2',
        'dob-year': '1992',
        'last-day': '30',
        'last-month': '6',
        'last-year': '1999',
        'identified-day': '1',
        'identified-month': '10',
        'identified-year': '2026',
      });
      assert.equal(refused.statusCode, 422);
      assert.match(refused.body, /govuk-error-summary/);
      assert.match(refused.body, /<a href="#last-day">Date last in education must be on or after 1 January 2000/);
    });

    it('tells one child’s story on their case page, and does not put a found child on the register', async () => {
      // Two pupils leave Hollins Lane for an unknown destination; their CTFs go to XXXXXXX.
      const pupils = [
        { surname: 'Fairweather', forename: 'Isla', dateOfBirth: '2014-05-05', upn: makeUpn('823200377701') },
        { surname: 'Blackwood', forename: 'Rory', dateOfBirth: '2013-06-06', upn: makeUpn('823200377702') },
      ];
      const leaverIds: string[] = [];
      for (const pupil of pupils) {
        const recorded = await call('school', 'POST', '/api/v1/leavers', {
          ...pupil,
          leftOn: '2026-10-30',
          destination: 'unknown',
          reason: 'moved-address-unknown',
        });
        assert.equal(recorded.statusCode, 201, recorded.body);
        leaverIds.push(recorded.json().id as string);
        const sent = await upload(app, tokens.get('school')!, [ctfFile('8232003', 'XXXXXXX', { people: [pupil] })]);
        assert.equal(sent.statusCode, 201, sent.body);
      }
      // Brackenford finds Isla from her record.
      const search = await call('brackenford', 'POST', '/api/v1/repository/search', {
        surname: 'Fairweather',
        forename: 'Isla',
        dateOfBirth: '2014-05-05',
      });
      const [shown] = search.json().results as Array<{ id: string; leftOn: string | null }>;
      assert.equal(shown!.leftOn, '2026-10-30', 'the record says she left when the school recorded she did');
      const record = shown!.id;
      const reason = { reason: 'Joined a Brackenford school without a CTF' };
      assert.equal(
        (await call('brackenford', 'POST', `/api/v1/repository/records/${record}/open`, reason)).statusCode,
        200,
      );
      const found = await call('brackenford', 'POST', `/api/v1/repository/records/${record}/found`, {
        outcome: 'enrolled',
        laestab: '3304101',
      });
      assert.equal(found.statusCode, 204, found.body);

      const refused = await call('ashdown', 'POST', '/api/v1/cme-cases', {
        leaverId: leaverIds[0],
        identifiedOn: '2026-11-02',
      });
      assert.equal(refused.statusCode, 422);
      assert.match(refused.body, /was found on .* from their record in the repository/);
      const officer = await signIn(app, services, await addUser(services, { role: 'la-user', org: '823' }));
      const list = (await officer.get('/leavers/at-your-schools')).body;
      assert.match(list, /Found on .*: enrolled at Brackenford High School \(3304101\)/);
      assert.equal(list.includes(`/leavers/${leaverIds[0]}/cme-case`), false, 'a found child is not offered');
      assert.ok(list.includes(`/leavers/${leaverIds[1]}/cme-case`), 'a child still missing is');

      const id = await open('ashdown', { leaverId: leaverIds[1]!, identifiedOn: '2026-11-02' } as Record<
        string,
        string
      >);
      const page = await officer.get(`/cme-cases/${id}`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Left Hollins Lane Primary School \(8232003\) on 30 October 2026/);
      assert.match(page.body, /no school has found them from it yet/);
      assert.match(page.body, /The school recorded the child as a leaver/);
      assert.match(page.body, /Added to the register of children missing education/);
      const elsewhere = await signIn(app, services, await addUser(services, { role: 'la-user', org: '330' }));
      assert.equal((await elsewhere.get(`/cme-cases/${id}`)).statusCode, 404, 'another LA’s case');
    });

    it('offers, on an enquiry closed with its outcome, to record it on the child’s register case', async () => {
      const made = await call('ashdown', 'POST', '/api/v1/enquiries', {
        surname: 'Okonkwo',
        forename: 'Ada',
        dateOfBirth: '2012-02-02',
        lastAddress: '1 Quay Street, Ashdown Vale',
        concern: 'Not at school since 5 October.',
      });
      assert.equal(made.statusCode, 201, made.body);
      const enquiry = made.json().id as string;
      const officer = await signIn(app, services, await addUser(services, { role: 'la-user', org: '823' }));
      assert.equal((await officer.get(`/enquiries/${enquiry}`)).body.includes('register-case'), false);
      const caseId = await open('ashdown', {
        surname: 'Okonkwo',
        forename: 'Ada',
        dateOfBirth: '2012-02-02',
        lastInEducationOn: '2026-10-05',
        identifiedOn: '2026-10-20',
      });
      const sent = await call('ashdown', 'POST', `/api/v1/enquiries/${enquiry}/send`, {
        recipients: [{ laCode: '330', reason: 'Her grandmother lives in Brackenford' }],
      });
      assert.equal(sent.statusCode, 200, sent.body);
      const closed = await officer.submit(`/enquiries/${enquiry}`, `/enquiries/${enquiry}/close`, {
        outcome: 'found-in-school',
        confirmed: 'yes',
      });
      assert.equal(closed.statusCode, 303);
      const page = (await officer.get(`/enquiries/${enquiry}`)).body;
      assert.match(page, /Enquiry closed, with its outcome recorded/);
      assert.match(page, new RegExp(`href="/cme-cases/${caseId}">Record the outcome on the register case`));
    });
  });
}
