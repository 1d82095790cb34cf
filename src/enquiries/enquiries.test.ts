import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { apiActor, apiGet, apiPost, leaverWithCtfSent, type Actor } from '../../test/support/api.js';
import { testDatabases } from '../../test/support/databases.js';
import { testServices } from '../../test/support/services.js';
import { ctfFile, upload, noOtherNames } from '../../test/support/transfers.js';
import { seedRegister, signIn, type TestServices } from '../../test/support/world.js';
import { makeUpn } from '../ctf/upn.js';
import { buildApp } from '../app/app.js';

const none = noOtherNames;

const child = {
  surname: 'Kowalski',
  forename: 'Jakub',
  dateOfBirth: '2014-05-17',
  sex: 'M',
  lastAddress: '14 Mill Lane, Ashdown Vale',
  concern: 'Not seen at school or at home since 2 October; family believed to have moved.',
};

for (const database of await testDatabases()) {
  describe(`missing-pupil enquiries between LAs (${database.name})`, () => {
    let services: TestServices & { close(): Promise<void> };
    let app: FastifyInstance;
    let officer: Actor; // CME officer, Ashdown Vale (823)
    let admin: Actor; // LA administrator, Ashdown Vale
    let brackenford: Actor; // la-user, 330
    let kestrel: Actor; // la-user, 909
    let other: Actor; // la-user, 940: never chosen
    let joiningSchool: Actor; // Kestrel Moor Primary, 9092201
    let leavingSchool: Actor; // Brackenford school 3302101

    const actor = (role: 'school-user' | 'la-user' | 'la-admin', org: string) => apiActor(services, role, org);
    const post = (who: Actor, url: string, body: unknown) => apiPost(app, who, url, body);
    const get = (who: Actor, url: string) => apiGet(app, who, url);
    const notifications = async (who: Actor) =>
      (await get(who, '/api/v1/notifications')).json().notifications as Array<{ kind: string; link: string }>;
    const create = async (details: Record<string, string> = child) => {
      const response = await post(officer, '/api/v1/enquiries', details);
      assert.equal(response.statusCode, 201, response.body);
      return response.json() as { id: string; matches: Array<{ kind: string; score: number; where: string }> };
    };
    const reason = 'Father has family in this area, known from the 2025 assessment';
    type Match = { kind: string; score: number; where: string };
    const matchesOf = async (id: string) => (await get(officer, `/api/v1/enquiries/${id}`)).json().matches as Match[];
    /** Starts an enquiry and sends it to one LA, which is when s2s looks for the child. */
    const createAndSend = async (details: Record<string, string> = child) => {
      const { id } = await create(details);
      const sent = await post(officer, `/api/v1/enquiries/${id}/send`, { recipients: [{ laCode: '330', reason }] });
      assert.equal(sent.statusCode, 200, sent.body);
      return { id, matches: await matchesOf(id) };
    };
    /** The officer's lookups today, as the lookup budget counts them, and the repository searches recorded. */
    const lookupsSpent = async () => {
      const day = await services.db
        .selectFrom('lookup_budgets')
        .select('count')
        .where('user_id', '=', officer.account.user.id)
        .where('span', '=', 'day')
        .executeTakeFirst();
      const searches = await services.db
        .selectFrom('repository_searches')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('user_id', '=', officer.account.user.id)
        .executeTakeFirstOrThrow();
      return { lookups: day?.count ?? 0, searches: Number(searches.n) };
    };
    /** A child recorded as a leaver by a Brackenford school, whose CTF is in flight to Kestrel Moor Primary. */
    const ctfInFlight = (person: { surname: string; forename: string; dateOfBirth: string; upn: string }) =>
      leaverWithCtfSent(app, leavingSchool, '9092201', person, none);

    before(async () => {
      services = await testServices(await database.open(), {
        env: { S2S_REPOSITORY_SEARCHES_PER_MINUTE: '1000', S2S_REPOSITORY_SEARCH_ALERT_PER_DAY: '100000' },
      });
      await seedRegister(services);
      app = await buildApp(services);
      officer = await actor('la-user', '823');
      admin = await actor('la-admin', '823');
      brackenford = await actor('la-user', '330');
      kestrel = await actor('la-user', '909');
      other = await actor('la-user', '940');
      joiningSchool = await actor('school-user', '9092201');
      leavingSchool = await actor('school-user', '3302101');
      // Jakub left a Brackenford school for an unknown destination, and has since joined a Kestrel Moor school.
      const sent = await upload(app, leavingSchool.token, [
        ctfFile('3302101', 'XXXXXXX', {
          people: [{ ...none, surname: 'Kowalski', forename: 'Jakub', dateOfBirth: '2014-05-17', sex: 'M' }],
        }),
      ]);
      assert.equal(sent.statusCode, 201, sent.body);
      const joined = await post(joiningSchool, '/api/v1/joiners', {
        surname: 'Kowalsky',
        forename: 'Jakub',
        dateOfBirth: '2014-05-17',
        joinedOn: '2026-10-20',
      });
      assert.equal(joined.statusCode, 201, joined.body);
    });
    after(async () => {
      await app.close();
      await services.close();
    });

    it('refuses an enquiry without the details that make it targeted, field by field', async () => {
      const empty = await post(officer, '/api/v1/enquiries', {});
      assert.equal(empty.statusCode, 422);
      const fields = (empty.json().error.fields as Array<{ field: string }>).map((f) => f.field).sort();
      assert.deepEqual(fields, ['concern', 'dateOfBirth', 'forename', 'lastAddress', 'surname']);
      assert.equal((await post(joiningSchool, '/api/v1/enquiries', child)).statusCode, 403, 'schools do not');
    });

    it('shows the repository record and the new pupil that match once the enquiry is sent', async () => {
      const { matches } = await createAndSend();
      const kinds = matches.map((m) => m.kind).sort();
      assert.deepEqual(kinds, ['joiner', 'repository']);
      assert.match(matches.find((m) => m.kind === 'joiner')!.where, /^Joined .* \(9092201\)$/);
      assert.match(matches.find((m) => m.kind === 'repository')!.where, /\(3302101\)/);
    });

    it('given a UPN, also shows where any school’s CTF carrying it went', async () => {
      const upn = makeUpn('330210166601');
      await ctfInFlight({ surname: 'Osei', forename: 'Kwame', dateOfBirth: '2013-01-05', upn });
      const { matches } = await createAndSend({
        ...child,
        surname: 'Osei',
        forename: 'Kwame',
        dateOfBirth: '2013-01-05',
        upn,
      });
      const ctf = matches.find((m) => m.kind === 'sent-ctf');
      assert.ok(ctf, JSON.stringify(matches));
      assert.equal(ctf.score, 100);
      assert.match(ctf.where, /^CTF sent by .* \(3302101\) to .* \(9092201\) on 2 November 2026; not yet collected$/);
      const without = await createAndSend({ ...child, surname: 'Osei', forename: 'Kwame', dateOfBirth: '2013-01-05' });
      assert.equal(without.matches.filter((m) => m.kind === 'sent-ctf').length, 0, 'no UPN, no CTF match');
    });

    it('looks nothing up for a draft, even with the UPN of a child whose CTF is in flight; sending spends one lookup', async () => {
      const upn = makeUpn('330210166604');
      const zofia = { surname: 'Nowak', forename: 'Zofia', dateOfBirth: '2013-03-07', upn };
      await ctfInFlight(zofia);
      const before = await lookupsSpent();
      const draft = await create({ ...child, ...zofia });
      assert.deepEqual(draft.matches, [], 'a draft answers no matches');
      assert.deepEqual(await matchesOf(draft.id), []);
      const page = await (await signIn(app, services, officer.account)).get(`/enquiries/${draft.id}`);
      assert.equal(page.statusCode, 200);
      assert.doesNotMatch(page.body, /CTF sent by|id="matches"|id="no-matches"/, 'nor does its page');
      assert.match(page.body, /id="not-yet-matched"/);
      assert.deepEqual(await lookupsSpent(), before, 'a draft spends nothing and searches nothing');

      const sent = await post(officer, `/api/v1/enquiries/${draft.id}/send`, {
        recipients: [{ laCode: '330', reason }],
      });
      assert.equal(sent.statusCode, 200, sent.body);
      assert.deepEqual(await lookupsSpent(), { lookups: before.lookups + 1, searches: before.searches + 1 });
      assert.deepEqual(
        (await matchesOf(draft.id)).map((m) => m.kind),
        ['sent-ctf'],
        'sent, the UPN with an agreeing name and date of birth finds where the CTF went',
      );

      const guessed = await create({ ...child, surname: 'Guess', forename: 'Anyone', dateOfBirth: '2013-03-07', upn });
      assert.deepEqual(await lookupsSpent(), { lookups: before.lookups + 1, searches: before.searches + 1 });
      await post(officer, `/api/v1/enquiries/${guessed.id}/send`, { recipients: [{ laCode: '330', reason }] });
      assert.deepEqual(await lookupsSpent(), { lookups: before.lookups + 2, searches: before.searches + 2 });
      assert.deepEqual(await matchesOf(guessed.id), [], 'sent with a made-up name, the UPN alone finds nothing');

      // To many LAs, the lookup is spent on sending and the child looked for only once the administrator approves.
      const held = await create({ ...child, ...zofia });
      const many = ['330', '909', '940', '660'].map((laCode) => ({ laCode, reason }));
      const waiting = await post(officer, `/api/v1/enquiries/${held.id}/send`, { recipients: many });
      assert.deepEqual(waiting.json(), { state: 'awaiting-approval', recipients: 4 });
      assert.deepEqual(await lookupsSpent(), { lookups: before.lookups + 3, searches: before.searches + 2 });
      assert.deepEqual(await matchesOf(held.id), [], 'nothing is looked for before approval');
      assert.equal((await post(admin, `/api/v1/enquiries/${held.id}/approve`, {})).statusCode, 200);
      assert.deepEqual(await lookupsSpent(), { lookups: before.lookups + 3, searches: before.searches + 3 });
      assert.deepEqual(
        (await matchesOf(held.id)).map((m) => m.kind),
        ['sent-ctf'],
      );
    });

    it('learns nothing from a guessed UPN with a made-up name: the answer is that for no match', async () => {
      const upn = makeUpn('330210166602');
      await ctfInFlight({ surname: 'Mensah', forename: 'Ama', dateOfBirth: '2013-02-06', upn });
      const made = { ...child, surname: 'Guess', forename: 'Anyone', dateOfBirth: '2013-02-06' };
      const guessed = await createAndSend({ ...made, upn });
      const never = await createAndSend({ ...made, upn: makeUpn('330210166603') });
      assert.deepEqual(guessed.matches, [], 'a UPN alone finds no CTF');
      assert.deepEqual(guessed.matches, never.matches);
      const shown = (await get(officer, `/api/v1/enquiries/${guessed.id}`)).json() as Record<string, unknown>;
      const shownNever = (await get(officer, `/api/v1/enquiries/${never.id}`)).json() as Record<string, unknown>;
      assert.deepEqual(Object.keys(shown).sort(), Object.keys(shownNever).sort());
      const right = await createAndSend({
        ...child,
        surname: 'Mensah',
        forename: 'Ama',
        dateOfBirth: '2013-02-06',
        upn,
      });
      assert.deepEqual(
        right.matches.map((m) => m.kind),
        ['sent-ctf'],
        'the right name and date of birth still match',
      );
      const audited = await services.db
        .selectFrom('audit_events')
        .select('details')
        .where('action', '=', 'repository.searched')
        .where('actor_user_id', '=', officer.account.user.id)
        .execute();
      const criteria = audited.map((e) => {
        const d = (typeof e.details === 'string' ? JSON.parse(e.details) : e.details) as {
          criteria: Record<string, unknown>;
        };
        return d.criteria;
      });
      assert.ok(
        criteria.some((c) => c.upn === upn && c.surname === 'Guess'),
        'the guessing lookup’s criteria are audited',
      );
    });

    it('sends only to chosen LAs, each with a reason; never to its own LA, twice, or to every LA', async () => {
      const { id } = await create();
      const send = (recipients: unknown) => post(officer, `/api/v1/enquiries/${id}/send`, { recipients });
      const field = async (recipients: unknown) => {
        const response = await send(recipients);
        assert.equal(response.statusCode, 422, response.body);
        return (response.json().error.fields as Array<{ field: string; message: string }>)[0]!;
      };
      assert.equal((await field([])).field, 'recipients');
      assert.equal((await field([{ laCode: '330' }])).field, 'recipients.0.reason');
      assert.equal((await field([{ laCode: '330', reason: 'link' }])).field, 'recipients.0.reason');
      assert.match((await field([{ laCode: '823', reason }])).message, /your own LA/);
      assert.match((await field([{ laCode: '999', reason }])).message, /no LA with code/);
      assert.match(
        (
          await field([
            { laCode: '330', reason },
            { laCode: '330', reason },
          ])
        ).message,
        /more than once/,
      );
      const everyone = Array.from({ length: 21 }, (_, i) => ({ laCode: String(100 + i), reason }));
      assert.match((await field(everyone)).message, /never sends to every LA/);

      const sent = await send([
        { laCode: '330', reason },
        { laCode: '909', reason: 'Child’s aunt lives in Kestrel Moor' },
      ]);
      assert.equal(sent.statusCode, 200, sent.body);
      assert.deepEqual(sent.json(), { state: 'sent', recipients: 2 });
      assert.equal((await send([{ laCode: '940', reason }])).statusCode, 409, 'a sent enquiry is not sent again');

      const received = (await get(brackenford, '/api/v1/enquiries/received')).json().enquiries as Array<{
        id: string;
        reason: string;
        concern: string;
      }>;
      const mine = received.find((e) => e.id === id);
      assert.ok(mine, 'Brackenford received it');
      assert.equal(mine.reason, reason);
      assert.equal(mine.concern, child.concern);
      assert.equal(
        ((await get(other, '/api/v1/enquiries/received')).json().enquiries as Array<{ id: string }>).some(
          (e) => e.id === id,
        ),
        false,
        'an LA that was not chosen sees nothing',
      );
      const viewed = await services.db
        .selectFrom('audit_events')
        .select(['actor_user_id', 'details'])
        .where('action', '=', 'pupil-data.viewed')
        .execute();
      assert.ok(
        viewed.some(
          (e) =>
            e.actor_user_id === brackenford.account.user.id &&
            JSON.stringify(e.details).includes('/api/v1/enquiries/received'),
        ),
        'reading the enquiry’s child details is audited',
      );
      assert.ok(
        (await notifications(brackenford)).some(
          (n) => n.kind === 'enquiry-received' && n.link === `/enquiries/received#enquiry-${id}`,
        ),
        'the notice leads to the enquiry on the received page',
      );
      const note = JSON.stringify(await notifications(brackenford));
      assert.equal(note.includes('Kowalski'), false, 'notifications never name the child');
    });

    it('sends an enquiry once when it is sent several times at once, answering the others 409', async () => {
      const { id } = await create();
      const recipients = [{ laCode: '330', reason }];
      const answers = await Promise.all(
        Array.from({ length: 4 }, () => post(officer, `/api/v1/enquiries/${id}/send`, { recipients })),
      );
      assert.deepEqual(
        answers.map((a) => a.statusCode).sort(),
        [200, 409, 409, 409],
        answers.map((a) => a.body).join('\n'),
      );
      for (const refused of answers.filter((a) => a.statusCode === 409))
        assert.equal(refused.json().error.message, 'This enquiry is sent; it cannot be sent again.');
      const rows = await services.db
        .selectFrom('enquiry_recipients')
        .select('la_code')
        .where('enquiry_id', '=', id)
        .execute();
      assert.deepEqual(rows, [{ la_code: '330' }]);
      const sends = await services.db
        .selectFrom('audit_events')
        .select('seq')
        .where('action', '=', 'enquiry.sent')
        .where('target_id', '=', id)
        .execute();
      assert.equal(sends.length, 1, 'one send is recorded');
    });

    it('holds an enquiry to many LAs for the LA administrator’s approval', async () => {
      const { id } = await create();
      const many = ['330', '909', '940', '660'].map((laCode) => ({ laCode, reason }));
      const held = await post(officer, `/api/v1/enquiries/${id}/send`, { recipients: many });
      assert.deepEqual(held.json(), { state: 'awaiting-approval', recipients: 4 });
      const seen = async () =>
        ((await get(other, '/api/v1/enquiries/received')).json().enquiries as Array<{ id: string }>).some(
          (e) => e.id === id,
        );
      assert.equal(await seen(), false, 'nothing goes out before approval');
      assert.ok((await notifications(admin)).some((n) => n.kind === 'enquiry-approval' && n.link.endsWith(id)));
      assert.equal((await post(officer, `/api/v1/enquiries/${id}/approve`, {})).statusCode, 403);
      const approved = await post(admin, `/api/v1/enquiries/${id}/approve`, {});
      assert.equal(approved.statusCode, 200, approved.body);
      assert.equal(await seen(), true);
      assert.equal((await post(admin, `/api/v1/enquiries/${id}/approve`, {})).statusCode, 409);
    });

    it('lets the LA administrator send an enquiry to many LAs back to the officer, with a reason', async () => {
      const { id } = await create();
      const many = ['330', '909', '940', '660'].map((laCode) => ({ laCode, reason }));
      await post(officer, `/api/v1/enquiries/${id}/send`, { recipients: many });
      const url = `/api/v1/enquiries/${id}/send-back`;
      assert.equal((await post(officer, url, { reason: 'Please choose fewer LAs' })).statusCode, 403);
      const short = await post(admin, url, { reason: 'no' });
      assert.equal(short.statusCode, 422);
      assert.match(short.json().error.message, /Say why you are sending the enquiry back/);
      const sentBack = await post(admin, url, { reason: 'Four LAs is too many: which has she a link to?' });
      assert.equal(sentBack.statusCode, 200, sentBack.body);
      const draft = (await get(officer, `/api/v1/enquiries/${id}`)).json();
      assert.equal(draft.state, 'draft');
      assert.equal(draft.sentBack.reason, 'Four LAs is too many: which has she a link to?');
      assert.deepEqual(draft.recipients, [], 'its LAs are chosen afresh');
      assert.ok((await notifications(officer)).some((n) => n.kind === 'enquiry-sent-back' && n.link.endsWith(id)));
      assert.equal((await post(admin, url, { reason: 'Four LAs is too many, again' })).statusCode, 409);
      assert.equal((await post(admin, `/api/v1/enquiries/${id}/approve`, {})).statusCode, 409, 'nothing to approve');
      // Sent again to one LA, it goes at once.
      const again = await post(officer, `/api/v1/enquiries/${id}/send`, { recipients: [{ laCode: '909', reason }] });
      assert.equal(again.json().state, 'sent', again.body);
      assert.equal((await get(officer, `/api/v1/enquiries/${id}`)).json().sentBack, null);
    });

    it('records each chosen LA’s answer and tells the officer; others cannot answer', async () => {
      const { id } = await create();
      await post(officer, `/api/v1/enquiries/${id}/send`, { recipients: [{ laCode: '909', reason }] });
      const url = `/api/v1/enquiries/${id}/answer`;
      assert.equal((await post(other, url, { answer: 'not-known' })).statusCode, 404);
      const vague = await post(kestrel, url, { answer: 'known' });
      assert.equal(vague.statusCode, 422);
      assert.equal(vague.json().error.fields[0].field, 'detail');
      const answered = await post(kestrel, url, {
        answer: 'known',
        detail: 'On roll at Kestrel Moor Primary (9092201)',
      });
      assert.equal(answered.statusCode, 204, answered.body);
      const enquiry = (await get(officer, `/api/v1/enquiries/${id}`)).json() as {
        recipients: Array<{ laCode: string; answer: string; answerDetail: string }>;
      };
      assert.deepEqual(
        enquiry.recipients.map((r) => [r.laCode, r.answer, r.answerDetail]),
        [['909', 'known', 'On roll at Kestrel Moor Primary (9092201)']],
      );
      assert.ok((await notifications(officer)).some((n) => n.kind === 'enquiry-answered' && n.link.endsWith(id)));
      assert.equal(
        (await get(kestrel, `/api/v1/enquiries/${id}`)).statusCode,
        404,
        'only the enquiring LA sees it all',
      );
      for (const notAnId of ['------------------------------------', 'x'.repeat(36)])
        assert.equal((await get(officer, `/api/v1/enquiries/${notAnId}`)).statusCode, 404, notAnId);
    });

    it('alerts the officer when a matching new pupil or repository record appears later, until it is closed', async () => {
      const { id } = await create({
        ...child,
        surname: 'Adeyemi',
        forename: 'Tola',
        dateOfBirth: '2013-08-09',
        sex: 'F',
      });
      const kindsFound = async () => (await matchesOf(id)).map((m) => m.kind);
      assert.deepEqual(await kindsFound(), []);
      const tola = { surname: 'Adeyemi', forename: 'Tola', dateOfBirth: '2013-09-08', joinedOn: '2026-11-02' };
      assert.equal((await post(joiningSchool, '/api/v1/joiners', tola)).statusCode, 201);
      assert.deepEqual(await kindsFound(), [], 'a draft does not match');
      assert.ok(
        !(await notifications(officer)).some((n) => n.kind === 'enquiry-match' && n.link.endsWith(id)),
        'nor notify',
      );
      const sent = await post(officer, `/api/v1/enquiries/${id}/send`, { recipients: [{ laCode: '330', reason }] });
      assert.equal(sent.statusCode, 200, sent.body);
      assert.deepEqual(await kindsFound(), ['joiner'], 'sent, it finds the new pupil registered while it was a draft');

      const joined = await post(joiningSchool, '/api/v1/joiners', {
        surname: 'Adeyemi',
        forename: 'Tola',
        dateOfBirth: '2013-09-08',
        joinedOn: '2026-11-02',
      });
      assert.equal(joined.statusCode, 201);
      assert.deepEqual(await kindsFound(), ['joiner', 'joiner']);
      assert.ok((await notifications(officer)).some((n) => n.kind === 'enquiry-match' && n.link.endsWith(id)));

      const arrived = await upload(app, leavingSchool.token, [
        ctfFile('3302101', 'XXXXXXX', {
          people: [{ ...none, surname: 'Adeyemi', forename: 'Tola', dateOfBirth: '2013-08-09', sex: 'F' }],
        }),
      ]);
      assert.equal(arrived.statusCode, 201);
      // The record's alert follows the upload, by the job queue, once the upload has committed.
      assert.ok(await services.jobs.runQueued());
      assert.deepEqual((await kindsFound()).sort(), ['joiner', 'joiner', 'repository']);

      const bad = await post(officer, `/api/v1/enquiries/${id}/close`, { outcome: 'other' });
      assert.equal(bad.statusCode, 422);
      const closed = await post(officer, `/api/v1/enquiries/${id}/close`, {
        outcome: 'found-in-school',
        note: 'On roll at Kestrel Moor Primary',
      });
      assert.equal(closed.statusCode, 204);
      await post(joiningSchool, '/api/v1/joiners', {
        surname: 'Adeyemi',
        forename: 'Tola',
        dateOfBirth: '2013-08-09',
        joinedOn: '2026-11-02',
      });
      assert.deepEqual(
        (await kindsFound()).sort(),
        ['joiner', 'joiner', 'repository'],
        'a closed enquiry is not alerted again',
      );
    });
  });
}
