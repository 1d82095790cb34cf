import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { apiActor, apiGet, apiPost, type Actor } from '../../test/support/api.js';
import { testDatabases } from '../../test/support/databases.js';
import { testServices } from '../../test/support/services.js';
import { ctfFile, upload } from '../../test/support/transfers.js';
import { seedRegister, signIn, type TestServices } from '../../test/support/world.js';
import { makeUpn } from '../ctf/upn.js';
import { buildApp } from '../app/app.js';
import type { FileResult } from '../transfers/file-result.js';
import { remindLeavers } from './remind-leavers.js';

interface Leaver {
  id: string;
  surname: string;
  ctf: 'sent' | 'due' | 'overdue';
  ctfSentTo: string | null;
  schoolDaysOverdue: number | null;
  cmeCaseId?: string;
}

// Pupils of Hollins Lane Primary (8232003); the clock starts on Monday 2 November 2026.
const pupil = (forename: string, surname: string, upnBody: string) => ({
  forename,
  surname,
  dateOfBirth: '2016-05-17',
  sex: 'F',
  upn: makeUpn(upnBody),
});
const ada = pupil('Ada', 'Quill', '823200310001');
const ben = pupil('Ben', 'Rowntree', '823200310002');
const cara = pupil('Cara', 'Spindle', '823200310003');
const dan = pupil('Dan', 'Tolley', '823200310004');
const eve = pupil('Eve', 'Umber', '823200310005');

for (const database of await testDatabases()) {
  describe(`leavers and their CTFs (${database.name})`, () => {
    let services: TestServices & { close(): Promise<void> };
    let app: FastifyInstance;
    let school: Actor; // Hollins Lane Primary, 8232003 in LA 823
    let newSchool: Actor; // Brackenford High, 3304101 in LA 330
    let la: Actor; // 823
    let otherLa: Actor; // 330

    const actor = (role: 'school-user' | 'la-user' | 'la-admin', org: string) => apiActor(services, role, org);
    const post = (who: Actor, url: string, body: unknown) => apiPost(app, who, url, body);
    const get = (who: Actor, url: string) => apiGet(app, who, url);
    const record = (body: Record<string, string>) => post(school, '/api/v1/leavers', body);
    const schoolLeavers = async () => (await get(school, '/api/v1/leavers')).json().leavers as Leaver[];
    const laLeavers = async (who: Actor, show = 'without-ctf') => {
      const response = await get(who, `/api/v1/leavers/at-your-schools?show=${show}`);
      assert.equal(response.statusCode, 200, response.body);
      return response.json().leavers as Leaver[];
    };
    const sendCtf = async (destination: string, people: Array<ReturnType<typeof pupil>>, from = school) => {
      const file = ctfFile(from === school ? '8232003' : '3304101', destination, {
        people: people.map((p) => ({ ...p, sex: p.sex as 'F' })),
      });
      const response = await upload(app, from.token, [file]);
      assert.equal(response.statusCode, 201, response.body);
      return (response.json().files as FileResult[])[0]!;
    };
    const ctfFileOf = async (id: string) =>
      (await services.db.selectFrom('leavers').select('ctf_file_id').where('id', '=', id).executeTakeFirstOrThrow())
        .ctf_file_id;

    before(async () => {
      services = await testServices(await database.open());
      await seedRegister(services);
      app = await buildApp(services);
      school = await actor('school-user', '8232003');
      newSchool = await actor('school-user', '3304101');
      la = await actor('la-user', '823');
      otherLa = await actor('la-user', '330');
    });
    after(async () => {
      await app.close();
      await services.close();
    });

    it('refuses incomplete or inconsistent details, field by field, and stores nothing', async () => {
      const empty = await record({});
      assert.equal(empty.statusCode, 422);
      const fields = (empty.json().error.fields as Array<{ field: string }>).map((f) => f.field).sort();
      assert.deepEqual(fields, ['dateOfBirth', 'destination', 'forename', 'leftOn', 'surname', 'upn']);

      const valid = { ...ada, leftOn: '2026-10-30', destination: 'school', destinationLAEstab: '3304101' };
      const cases: Array<[Record<string, string>, string, RegExp]> = [
        [{ destinationLAEstab: '' }, 'destinationLAEstab', /new school’s LAEstab/],
        [{ destinationLAEstab: '8239999' }, 'destinationLAEstab', /no school with LAEstab 8239999/],
        [{ destinationLAEstab: '8232003' }, 'destinationLAEstab', /cannot be your own school/],
        [{ destination: 'unknown' }, 'reason', /why the destination is not known/],
        [{ destination: 'outside-maintained-sector', reason: 'not-returned' }, 'reason', /outside the maintained/],
        [{ destination: 'unknown', reason: 'other' }, 'reasonNote', /Say what happened/],
        [{ destination: 'elsewhere' }, 'destination', /Choose where the pupil went/],
        [{ upn: 'A823200310001' }, 'upn', /check letter/],
        [{ leftOn: '2027-03-01' }, 'leftOn', /no more than a month ahead/],
        [{ leftOn: '2025-06-01' }, 'leftOn', /within the last year/],
        [{ nickname: 'Addy' }, 'nickname', /Unknown field/],
      ];
      for (const [change, field, message] of cases) {
        const response = await record({ ...valid, ...change });
        assert.equal(response.statusCode, 422, JSON.stringify(change));
        const error = (response.json().error.fields as Array<{ field: string; message: string }>).find(
          (f) => f.field === field,
        );
        assert.ok(error, `${field} error for ${JSON.stringify(change)}: ${response.body}`);
        assert.match(error.message, message);
      }
      assert.equal((await services.db.selectFrom('leavers').select('id').execute()).length, 0);
      assert.equal((await post(newSchool, '/api/v1/leavers', valid)).statusCode, 422, 'own school is refused');
      assert.equal((await post(la, '/api/v1/leavers', valid)).statusCode, 403, 'LA staff do not record leavers');
    });

    it('the form names a part-filled date and an unanswered question, keeps what was typed, and stores nothing', async () => {
      const browser = await signIn(app, services, school.account);
      const page = await browser.submit('/leavers/new', '/leavers/new', {
        surname: 'Quill',
        forename: 'Ada',
        'dob-day': '17',
        'dob-month': '5',
        'dob-year': '2016',
        upn: ada.upn,
        'left-day': '30',
        'left-year': '2026',
      });
      assert.equal(page.statusCode, 422);
      assert.match(page.body, /<a href="#left-day">Date left must include a day, month and year/);
      assert.match(page.body, /<a href="#went">Choose where the pupil went/);
      assert.match(page.body, /value="Quill"/);
      assert.equal((await services.db.selectFrom('leavers').select('id').execute()).length, 0);
    });

    it('marks a leaver’s CTF sent when the school sends it, and takes it off the LA’s list', async () => {
      const response = await record({
        ...ada,
        leftOn: '2026-10-30',
        destination: 'school',
        destinationLAEstab: '3304101',
      });
      assert.equal(response.statusCode, 201, response.body);
      const { id, ctfDueOn, ctfSent } = response.json() as { id: string; ctfDueOn: string; ctfSent: unknown };
      // Fifteen school days after Friday 30 October 2026.
      assert.equal(ctfDueOn, '2026-11-20');
      assert.equal(ctfSent, null);
      assert.equal(
        (await record({ ...ada, leftOn: '2026-10-30', destination: 'school', destinationLAEstab: '3304101' }))
          .statusCode,
        422,
        'recorded once',
      );

      assert.deepEqual(
        (await laLeavers(la)).map((l) => l.surname),
        ['Quill'],
      );
      assert.deepEqual(await laLeavers(otherLa), [], 'another LA sees none of them');
      assert.equal((await get(newSchool, '/api/v1/leavers/at-your-schools')).statusCode, 403);

      // Another school's CTF carrying the same UPN is not this school's CTF.
      await sendCtf('8232003', [ada], newSchool);
      assert.equal(await ctfFileOf(id), null);

      const sent = await sendCtf('3304101', [cara, ada]);
      assert.equal(await ctfFileOf(id), sent.id);
      const mine = (await schoolLeavers()).find((l) => l.id === id)!;
      assert.equal(mine.ctf, 'sent');
      assert.equal(mine.ctfSentTo, '3304101');
      assert.deepEqual(await laLeavers(la), [], 'the LA no longer sees a leaver whose CTF went');
    });

    it('finds a CTF the school sent before recording the leaver, including one to XXXXXXX', async () => {
      const sent = await sendCtf('XXXXXXX', [ben]);
      const response = await record({
        ...ben,
        leftOn: '2026-10-30',
        destination: 'unknown',
        reason: 'moved-address-unknown',
      });
      assert.equal(response.statusCode, 201, response.body);
      const body = response.json() as { id: string; ctfSent: { fileId: string; sentTo: string } };
      assert.equal(body.ctfSent.fileId, sent.id);
      assert.equal(body.ctfSent.sentTo, 'XXXXXXX');
      // What s2s keeps to recognise a CTF is a keyed digest: the UPN itself is not stored with the file.
      const digests = await services.db
        .selectFrom('ctf_pupils_sent')
        .select(['upn_digest'])
        .where('file_id', '=', sent.id)
        .execute();
      assert.equal(digests.length, 1);
      assert.equal(digests[0]!.upn_digest.length, 32);
      assert.ok(!Buffer.from(digests[0]!.upn_digest).includes(Buffer.from(ben.upn)));
    });

    it('reminds the school until the CTF is sent, without naming the child, and shows the LA it is overdue', async () => {
      const later = await record({
        ...dan,
        leftOn: '2026-10-30',
        destination: 'school',
        destinationLAEstab: '9092201',
      });
      assert.equal(later.statusCode, 201, later.body);
      const id = (later.json() as { id: string }).id;
      const notices = async () =>
        services.db
          .selectFrom('notifications')
          .select(['message', 'link'])
          .where('user_id', '=', school.account.user.id)
          .where('kind', '=', 'leaver-ctf-due')
          .orderBy('created_at')
          .execute();

      services.clock.set(new Date('2026-11-12T08:00:00Z'));
      assert.equal(
        await remindLeavers(services.db, services.now()),
        0,
        'no reminder with more than 5 school days left',
      );
      services.clock.set(new Date('2026-11-13T08:00:00Z'));
      assert.equal(await remindLeavers(services.db, services.now()), 1);
      assert.equal(await remindLeavers(services.db, services.now()), 0, 'one reminder a day at most');
      let seen = await notices();
      assert.equal(seen.length, 1);
      assert.match(seen[0]!.message, /1 leaver’s CTF is due soon/);
      assert.equal(seen[0]!.link, '/leavers');
      for (const name of [dan.forename, dan.surname, dan.upn]) assert.ok(!seen[0]!.message.includes(name));

      services.clock.set(new Date('2026-11-23T08:00:00Z'));
      assert.equal(await remindLeavers(services.db, services.now()), 1);
      seen = await notices();
      assert.match(seen.at(-1)!.message, /1 leaver’s CTF is overdue/);
      const overdue = (await laLeavers(la)).find((l) => l.id === id)!;
      assert.equal(overdue.ctf, 'overdue');
      assert.equal(overdue.schoolDaysOverdue, 1);

      const sent = await sendCtf('9092201', [dan]);
      assert.equal(await ctfFileOf(id), sent.id);
      services.clock.set(new Date('2026-12-10T08:00:00Z'));
      assert.equal(await remindLeavers(services.db, services.now()), 0, 'no reminders once sent');

      // A CTF the school removes before it is collected no longer counts: the school is reminded again.
      const removed = await app.inject({
        method: 'DELETE',
        url: `/api/v1/files/${sent.id}`,
        headers: { authorization: `Bearer ${school.token}` },
      });
      assert.equal(removed.statusCode, 204, removed.body);
      assert.equal(await ctfFileOf(id), null);
      assert.equal(await remindLeavers(services.db, services.now()), 1);
    });

    it('lets the LA put a leaver whose destination is not known on its CME register, once', async () => {
      const unknown = await laLeavers(la, 'destination-unknown');
      const leaver = unknown.find((l) => l.surname === ben.surname);
      assert.ok(leaver, 'Ben, whose destination is not known, is listed');
      assert.equal(leaver.cmeCaseId, undefined);
      assert.equal((await get(la, '/api/v1/leavers/at-your-schools?show=everyone')).statusCode, 400);

      assert.equal(
        (await post(otherLa, '/api/v1/cme-cases', { leaverId: leaver.id, identifiedOn: '2026-12-10' })).statusCode,
        422,
        'another LA cannot open a case from this LA’s leaver',
      );
      const opened = await post(la, '/api/v1/cme-cases', { leaverId: leaver.id, identifiedOn: '2026-12-10' });
      assert.equal(opened.statusCode, 201, opened.body);
      const stored = await services.db
        .selectFrom('cme_cases')
        .select(['source', 'surname', 'last_in_education_on', 'leaver_id'])
        .where('id', '=', (opened.json() as { id: string }).id)
        .executeTakeFirstOrThrow();
      assert.deepEqual(stored, {
        source: 'leaver',
        surname: ben.surname,
        last_in_education_on: '2026-10-30',
        leaver_id: leaver.id,
      });
      const again = await post(la, '/api/v1/cme-cases', { leaverId: leaver.id, identifiedOn: '2026-12-10' });
      assert.equal(again.statusCode, 422);
      assert.match(again.body, /already on your register/);
      assert.ok((await laLeavers(la, 'destination-unknown')).find((l) => l.id === leaver.id)?.cmeCaseId);
    });

    it('refuses a leaving date the school calendar cannot count the CTF’s 15 school days from, by API and form', async () => {
      const before = services.now();
      const refusedOn = async (now: string, leftOn: string, dateOfBirth: string) => {
        services.clock.set(new Date(now));
        const response = await record({
          ...cara,
          dateOfBirth,
          leftOn,
          destination: 'school',
          destinationLAEstab: '3304101',
        });
        assert.equal(response.statusCode, 422, response.body);
        assert.deepEqual(response.json().error.fields, [
          {
            field: 'leftOn',
            message:
              'Date left must be one s2s can count the CTF’s 15 school days from: its school calendar runs from 1 January 2000 to 31 December 2035',
          },
        ]);
      };
      try {
        await refusedOn('2000-02-01T09:00:00Z', '1999-12-20', '1992-05-17');
        // 15 school days after 20 December 2035 fall in 2036, past the calendar's end.
        await refusedOn('2035-12-10T09:00:00Z', '2035-12-20', '2026-05-17');

        const browser = await signIn(app, services, school.account);
        const page = await browser.submit('/leavers/new', '/leavers/new', {
          surname: cara.surname,
          forename: cara.forename,
          'dob-day': '17',
          'dob-month': '5',
          'dob-year': '2026',
          upn: cara.upn,
          'left-day': '20',
          'left-month': '12',
          'left-year': '2035',
          went: 'school',
          destinationLAEstab: '3304101',
        });
        assert.equal(page.statusCode, 422);
        assert.match(page.body, /govuk-error-summary/);
        assert.match(
          page.body,
          /<a href="#left-day">Date left must be one s2s can count the CTF’s 15 school days from/,
        );
        assert.equal(
          (await services.db.selectFrom('leavers').select('id').where('upn', '=', cara.upn).execute()).length,
          0,
        );
      } finally {
        services.clock.set(before);
      }
    });

    it('still lists a leaver stored with a due date outside the school calendar, without counting its days late', async () => {
      const id = crypto.randomUUID();
      await services.db
        .insertInto('leavers')
        .values({
          id,
          school_laestab: '8232003',
          la_code: '823',
          surname: eve.surname,
          forename: eve.forename,
          date_of_birth: '1990-03-03',
          sex: 'F',
          upn: eve.upn,
          left_on: '1999-06-01',
          destination: 'unknown',
          destination_laestab: null,
          reason: 'not-returned',
          reason_note: null,
          recorded_by: school.account.user.id,
          recorded_at: new Date('1999-06-02T09:00:00Z'),
          ctf_due_on: '1999-06-22',
          next_reminder_on: null,
          ctf_file_id: null,
          ctf_sent_to: null,
          ctf_sent_at: null,
        })
        .execute();
      const old = (await laLeavers(la)).find((l) => l.id === id)!;
      assert.equal(old.ctf, 'overdue');
      assert.equal(old.schoolDaysOverdue, null);
      assert.ok((await schoolLeavers()).some((l) => l.id === id));
      const laPage = await (await signIn(app, services, la.account)).get('/leavers/at-your-schools');
      assert.equal(laPage.statusCode, 200);
      assert.match(laPage.body, new RegExp(eve.surname));
      // Another user at the school, since the form test signed this one in at a later clock.
      const colleague = await actor('school-user', '8232003');
      assert.equal((await (await signIn(app, services, colleague.account)).get('/leavers')).statusCode, 200);
    });
  });
}
