import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { apiActor, apiGet, apiPost, leaverWithCtfSent, type Actor } from '../../test/support/api.js';
import { testDatabases } from '../../test/support/databases.js';
import { testServices } from '../../test/support/services.js';
import { ctfFile, upload } from '../../test/support/transfers.js';
import { seedRegister, type TestServices } from '../../test/support/world.js';
import { makeUpn } from '../ctf/upn.js';
import { buildApp } from '../app/app.js';
import type { RepositoryMatch } from '../repository/match-repository.js';
import { passOverdueRequests } from './ctf-requests.js';

const amelia = {
  forename: 'Amelia',
  surname: 'Hartley',
  middleNames: null,
  preferredSurname: null,
  preferredForename: null,
  formerSurname: null,
  formerForename: null,
  formerUpns: [],
  dateOfBirth: '2016-03-04',
  sex: 'F' as const,
};

for (const database of await testDatabases()) {
  describe(`new pupils without a CTF, and requests for their records (${database.name})`, () => {
    let services: TestServices & { close(): Promise<void> };
    let app: FastifyInstance;
    let newSchool: Actor; // Brackenford High, 3304101 in LA 330: the child has arrived here
    let previousSchool: Actor; // Hollins Lane Primary, 8232003 in LA 823: the child was here before
    let otherSchool: Actor; // Kestrel Moor Primary, 9092201
    let newSchoolLa: Actor; // Brackenford, 330
    let otherLa: Actor; // 909

    const actor = (role: 'school-user' | 'la-user' | 'la-admin', org: string) => apiActor(services, role, org);
    const post = (who: Actor, url: string, body: unknown) => apiPost(app, who, url, body);
    const get = (who: Actor, url: string) => apiGet(app, who, url);
    const register = (body: Record<string, string>) => post(newSchool, '/api/v1/joiners', body);
    const joinerState = async (id: string) =>
      services.db
        .selectFrom('joiners')
        .select(['state', 'with_la_reason', 'ctf_file_id'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();

    before(async () => {
      services = await testServices(await database.open(), {
        env: { S2S_REPOSITORY_SEARCHES_PER_MINUTE: '1000', S2S_REPOSITORY_SEARCH_ALERT_PER_DAY: '100000' },
      });
      await seedRegister(services);
      app = await buildApp(services);
      newSchool = await actor('school-user', '3304101');
      previousSchool = await actor('school-user', '8232003');
      otherSchool = await actor('school-user', '9092201');
      newSchoolLa = await actor('la-user', '330');
      otherLa = await actor('la-user', '909');
      // Amelia left Hollins Lane with her destination unknown: her CTF went to the repository.
      const sent = await upload(app, previousSchool.token, [ctfFile('8232003', 'XXXXXXX', { people: [amelia] })]);
      assert.equal(sent.statusCode, 201, sent.body);
    });
    after(async () => {
      await app.close();
      await services.close();
    });

    it('refuses incomplete or impossible details, field by field, and stores nothing', async () => {
      const empty = await register({});
      assert.equal(empty.statusCode, 422);
      const fields = (empty.json().error.fields as Array<{ field: string }>).map((f) => f.field).sort();
      assert.deepEqual(fields, ['dateOfBirth', 'forename', 'joinedOn', 'surname']);
      const blank = await register({ surname: ' ', forename: '', dateOfBirth: '', joinedOn: '' });
      const blanks = (blank.json().error.fields as Array<{ field: string }>).map((f) => f.field).sort();
      assert.deepEqual(blanks, ['dateOfBirth', 'forename', 'joinedOn', 'surname'], 'one message for each empty field');

      const cases: Array<[Record<string, string>, string, RegExp]> = [
        [{ previousLAEstab: '8239999' }, 'previousLAEstab', /no school with LAEstab 8239999/],
        [{ previousLAEstab: '3304101' }, 'previousLAEstab', /cannot be your own school/],
        [{ upn: 'A123' }, 'upn', /check letter/],
        [{ joinedOn: '2026-12-01' }, 'joinedOn', /today or in the past/],
        [{ dateOfBirth: '2026-01-01' }, 'dateOfBirth', /school age/],
        [{ dateOfBirth: '2016-02-30' }, 'dateOfBirth', /real date/],
        [{ nickname: 'Mimi' }, 'nickname', /Unknown field/],
      ];
      const valid = { surname: 'Hartly', forename: 'Amelia', dateOfBirth: '2016-04-03', joinedOn: '2026-11-02' };
      for (const [change, field, message] of cases) {
        const response = await register({ ...valid, ...change });
        assert.equal(response.statusCode, 422, JSON.stringify(change));
        const error = (response.json().error.fields as Array<{ field: string; message: string }>).find(
          (f) => f.field === field,
        );
        assert.ok(error, `${field} error for ${JSON.stringify(change)}: ${response.body}`);
        assert.match(error.message, message);
      }
      const stored = await services.db.selectFrom('joiners').select('id').execute();
      assert.equal(stored.length, 0);
    });

    it('shows the school a repository record the new pupil matches, and asks the previous school for the CTF', async () => {
      const response = await register({
        surname: 'Hartly',
        forename: 'Amelia',
        dateOfBirth: '2016-04-03',
        sex: 'F',
        previousLAEstab: '8232003',
        joinedOn: '2026-11-02',
      });
      assert.equal(response.statusCode, 201, response.body);
      const body = response.json() as { id: string; matchesChecked: boolean; matches: RepositoryMatch[] };
      assert.equal(body.matchesChecked, true);
      const match = body.matches.find((m) => m.surname === 'Hartley');
      assert.ok(match, 'Amelia Hartley is shown');
      assert.ok(match.reasons.includes('day and month of birth swapped'), match.reasons.join('; '));
      // The match was shown to this school's user, so they may open it like any search result.
      const opened = await post(newSchool, `/api/v1/repository/records/${match.id}/open`, {
        reason: 'New pupil registered without a CTF',
      });
      assert.equal(opened.statusCode, 200, opened.body);

      const requests = await get(previousSchool, '/api/v1/ctf-requests');
      assert.equal(requests.statusCode, 200);
      const request = (requests.json().requests as Array<Record<string, string>>).find((r) => r.joinerId === body.id);
      assert.ok(request, 'the previous school sees the request');
      assert.equal(request.requestingLAEstab, '3304101');
      assert.equal(request.surname, 'Hartly');
      // Ten school days from Monday 2 November 2026.
      assert.equal(request.dueOn, '2026-11-16');
      assert.equal((await get(otherSchool, '/api/v1/ctf-requests')).json().requests.length, 0);
      const notices = (await get(previousSchool, '/api/v1/notifications')).json().notifications as Array<{
        kind: string;
        message: string;
      }>;
      assert.ok(
        notices.some((n) => n.kind === 'ctf-request'),
        'the previous school is notified of the request',
      );
      assert.ok(
        notices.every((n) => !n.message.includes('Hartly')),
        'without naming the child',
      );
      assert.equal((await get(newSchoolLa, '/api/v1/ctf-requests')).statusCode, 403);

      const actions = (await services.db.selectFrom('audit_events').select('action').orderBy('seq').execute()).map(
        (r) => r.action,
      );
      assert.ok(actions.includes('joiner.registered') && actions.includes('repository.searched'));
    });

    it('answers a request only with a CTF that carries the pupil, whatever the previous school says', async () => {
      const registered = await register({
        surname: 'Okafor',
        forename: 'Chidi',
        dateOfBirth: '2014-09-09',
        previousLAEstab: '8232003',
        joinedOn: '2026-10-30',
      });
      assert.equal(registered.statusCode, 201, registered.body);
      const joinerId = registered.json().id as string;
      const requestId = (
        (await get(previousSchool, '/api/v1/ctf-requests')).json().requests as Array<{ id: string; joinerId: string }>
      ).find((r) => r.joinerId === joinerId)!.id;
      const answerUrl = `/api/v1/ctf-requests/${requestId}/answer`;

      const early = await post(previousSchool, answerUrl, { answer: 'sent' });
      assert.equal(early.statusCode, 422);
      assert.match(early.json().error.message, /has not sent a CTF to Brackenford High School \(3304101\) yet/);
      assert.equal((await post(otherSchool, answerUrl, { answer: 'no-record' })).statusCode, 404);
      assert.equal((await post(previousSchool, answerUrl, { answer: 'maybe' })).statusCode, 422);
      // The body is checked by the schema the API document shows, and refused in words, field by field.
      for (const [body, field, message] of [
        [{ answer: 'maybe' }, 'answer', /answer must be "sent" \(the CTF has been sent\) or "no-record"/],
        [{ answer: 'sent', fileId: 'not-an-id' }, 'fileId', /fileId must be the id of a file your school sent/],
        [{ answer: 'no-record', note: 'x'.repeat(501) }, 'note', /500 characters or fewer/],
        [{ answer: 'sent', reason: 'moved' }, 'reason', /Unknown field: reason\. Send answer, fileId and note\./],
      ] as const) {
        const refused = await post(previousSchool, answerUrl, body);
        assert.equal(refused.statusCode, 422, refused.body);
        assert.equal(refused.json().error.code, 'INVALID_ANSWER');
        assert.deepEqual(
          (refused.json().error.fields as Array<{ field: string }>).map((f) => f.field),
          [field],
        );
        assert.match(refused.json().error.message, message);
      }

      // Another pupil's CTF is there, and the previous school says "sent": the new school has still received nothing.
      const other = await upload(app, previousSchool.token, [ctfFile('8232003', '3304101', { pupils: 1 })]);
      assert.equal(other.statusCode, 201, other.body);
      const answered = await post(previousSchool, answerUrl, { answer: 'sent' });
      assert.equal(answered.statusCode, 200, answered.body);
      // Three school days from Monday 2 November 2026.
      assert.deepEqual(answered.json(), { state: 'said-sent', fileId: null, arrivalDueOn: '2026-11-05' });
      assert.equal((await post(previousSchool, answerUrl, { answer: 'sent' })).statusCode, 409);
      await services.jobs.runQueued();
      const said = ((await get(newSchool, '/api/v1/joiners')).json().joiners as Array<Record<string, unknown>>).find(
        (j) => j.id === joinerId,
      )!;
      assert.equal(said.state, 'seeking', 'a click is not a file');
      assert.equal(said.ctfFileId, null);
      assert.deepEqual(
        [(said.request as { answer: string }).answer, (said.request as { arrivalDueOn: string }).arrivalDueOn],
        ['sent', '2026-11-05'],
      );
      const pending = (await get(previousSchool, '/api/v1/ctf-requests')).json().requests as Array<{
        id: string;
        answer: string | null;
      }>;
      assert.equal(pending.find((r) => r.id === requestId)?.answer, 'sent', 'the previous school still sees it');

      // Chidi's CTF arrives, his name as the previous school spells it: that answers the request.
      const chidi = { ...amelia, forename: 'Chidi', surname: 'Okafor', sex: 'M' as const, dateOfBirth: '2014-09-09' };
      const carrying = await upload(app, previousSchool.token, [ctfFile('8232003', '3304101', { people: [chidi] })]);
      assert.equal(carrying.statusCode, 201, carrying.body);
      const fileId = carrying.json().files[0].id as string;
      assert.ok((await services.jobs.runQueued()) >= 1);
      assert.deepEqual(await joinerState(joinerId), { state: 'received', with_la_reason: null, ctf_file_id: fileId });
      const request = await services.db
        .selectFrom('ctf_requests')
        .select(['file_id', 'answer'])
        .where('id', '=', requestId)
        .executeTakeFirstOrThrow();
      assert.deepEqual(request, { file_id: fileId, answer: 'sent' });
      const notices = (await get(newSchool, '/api/v1/notifications')).json().notifications as Array<{ kind: string }>;
      assert.ok(
        notices.some((n) => n.kind === 'joiner-ctf-received'),
        'the new school is told the CTF has come',
      );
      const left = (await get(previousSchool, '/api/v1/ctf-requests')).json().requests as Array<{ id: string }>;
      assert.equal(
        left.some((r) => r.id === requestId),
        false,
        'the request is answered',
      );
      const actions = (await services.db.selectFrom('audit_events').select('action').execute()).map((r) => r.action);
      assert.ok(actions.includes('joiner.ctf-received'));
    });

    it('passes the search to the LA when the CTF the previous school said it sent does not arrive', async () => {
      services.clock.set(new Date('2026-11-02T09:00:00Z'));
      const registered = await register({
        surname: 'Kowalczyk',
        forename: 'Marta',
        dateOfBirth: '2013-05-17',
        previousLAEstab: '8232003',
        joinedOn: '2026-11-02',
      });
      const joinerId = registered.json().id as string;
      const requestId = (
        (await get(previousSchool, '/api/v1/ctf-requests')).json().requests as Array<{ id: string; joinerId: string }>
      ).find((r) => r.joinerId === joinerId)!.id;
      // The previous school sends a CTF, but not Marta's.
      await upload(app, previousSchool.token, [ctfFile('8232003', '3304101', { pupils: 1 })]);
      const answered = await post(previousSchool, `/api/v1/ctf-requests/${requestId}/answer`, { answer: 'sent' });
      assert.equal(answered.json().state, 'said-sent', answered.body);
      services.clock.set(new Date('2026-11-05T17:00:00Z'));
      await passOverdueRequests(services);
      assert.equal((await joinerState(joinerId)).state, 'seeking', 'still due on the third school day');
      services.clock.set(new Date('2026-11-06T08:00:00Z'));
      assert.ok((await passOverdueRequests(services)) >= 1);
      assert.deepEqual(await joinerState(joinerId), {
        state: 'with-la',
        with_la_reason: 'sent-not-received',
        ctf_file_id: null,
      });
      services.clock.set(new Date('2026-11-02T09:00:00Z'));
    });

    it('finds the CTF already in the inbox when the pupil is registered, by name and date of birth', async () => {
      // Zofia's CTF came first, her day and month of birth swapped by the previous school's office.
      const zofia = { ...amelia, forename: 'Zofia', surname: 'Nowak', dateOfBirth: '2015-01-12' };
      const waiting = await upload(app, previousSchool.token, [ctfFile('8232003', '3304101', { people: [zofia] })]);
      const fileId = waiting.json().files[0].id as string;
      const registered = await register({
        surname: 'Nowak',
        forename: 'Zofia',
        dateOfBirth: '2015-12-01',
        previousLAEstab: '8232003',
        joinedOn: '2026-11-02',
      });
      assert.equal(registered.statusCode, 201);
      assert.equal(registered.json().receivedIn, fileId);
      assert.ok((registered.json().waitingFiles as Array<{ id: string }>).some((f) => f.id === fileId));
      assert.equal((await joinerState(registered.json().id)).state, 'received');
      // Someone else with the same date of birth is not taken for her.
      const other = await register({
        surname: 'Brown',
        forename: 'Oliver',
        dateOfBirth: '2015-01-12',
        previousLAEstab: '8232003',
        joinedOn: '2026-11-02',
      });
      assert.equal(other.json().receivedIn, null);
    });

    it('keeps a new pupil with a strong repository match at the school until it has looked at the match', async () => {
      const registered = await register({
        surname: 'Hartley',
        forename: 'Amelia',
        dateOfBirth: '2016-03-04',
        sex: 'F',
        joinedOn: '2026-11-02',
      });
      assert.equal(registered.statusCode, 201, registered.body);
      const { id, strongMatch } = registered.json() as { id: string; strongMatch: string | null };
      assert.ok(strongMatch, 'the record is a strong match');
      assert.equal((await joinerState(id)).state, 'seeking', 'not passed to the LA');
      assert.equal(await passOverdueRequests(services), 0);
      const listed = ((await get(newSchool, '/api/v1/joiners')).json().joiners as Array<Record<string, unknown>>).find(
        (j) => j.id === id,
      )!;
      assert.equal(listed.matchToReview, strongMatch);
      assert.equal(
        (await post(otherSchool, `/api/v1/joiners/${id}/match`, { verdict: 'not-this-child' })).statusCode,
        404,
      );
      assert.equal((await post(newSchool, `/api/v1/joiners/${id}/match`, { verdict: 'maybe' })).statusCode, 422);
      const reviewed = await post(newSchool, `/api/v1/joiners/${id}/match`, { verdict: 'not-this-child' });
      assert.deepEqual(reviewed.json(), { verdict: 'not-this-child', recordId: strongMatch, passedToLa: true });
      assert.deepEqual(await joinerState(id), {
        state: 'with-la',
        with_la_reason: 'no-previous-school',
        ctf_file_id: null,
      });
      assert.equal((await post(newSchool, `/api/v1/joiners/${id}/match`, { verdict: 'same-child' })).statusCode, 404);

      // The same child registered again and recognised: the search ends with the record's CTF.
      const again = await register({
        surname: 'Hartley',
        forename: 'Amelia',
        dateOfBirth: '2016-03-04',
        sex: 'F',
        joinedOn: '2026-11-02',
      });
      const same = await post(newSchool, `/api/v1/joiners/${again.json().id}/match`, { verdict: 'same-child' });
      assert.equal(same.statusCode, 200, same.body);
      const state = await joinerState(again.json().id);
      assert.equal(state.state, 'received');
      assert.ok(state.ctf_file_id, 'the record’s file is the CTF');
    });

    it('given a UPN, shows where any school’s CTF carrying it went, and nothing for a UPN never sent', async () => {
      // Hollins Lane sent the CTF of a pupil with this UPN to Kestrel Moor; the pupil turned up at Brackenford.
      const upn = makeUpn('823200355501');
      const fileId = await leaverWithCtfSent(app, previousSchool, '9092201', {
        surname: 'Begum',
        forename: 'Hana',
        dateOfBirth: '2014-09-09',
        upn,
      });
      const registered = await register({
        surname: 'Begum',
        forename: 'Hana',
        dateOfBirth: '2014-09-09',
        upn,
        joinedOn: '2026-11-02',
      });
      assert.equal(registered.statusCode, 201, registered.body);
      const [sent, ...more] = registered.json().ctfsForUpn as Array<Record<string, unknown>>;
      assert.equal(more.length, 0);
      assert.deepEqual(
        { fileId: sent!.fileId, sentBy: sent!.sentBy, sentTo: sent!.sentTo, collected: sent!.collected },
        { fileId, sentBy: '8232003', sentTo: '9092201', collected: false },
      );
      const unknown = await register({
        surname: 'Begum',
        forename: 'Hana',
        dateOfBirth: '2014-09-09',
        upn: makeUpn('823200355502'),
        joinedOn: '2026-11-02',
      });
      assert.deepEqual(unknown.json().ctfsForUpn, []);
      // A school that guesses the UPN, with a made-up name, learns nothing: the answer is that for a UPN never sent.
      const guessed = await register({
        surname: 'Madeup',
        forename: 'Someone',
        dateOfBirth: '2014-09-09',
        upn,
        joinedOn: '2026-11-02',
      });
      assert.equal(guessed.statusCode, 201, guessed.body);
      const { id: _g, ...guessedAnswer } = guessed.json() as Record<string, unknown>;
      const never = await register({
        surname: 'Madeup',
        forename: 'Someone',
        dateOfBirth: '2014-09-09',
        upn: makeUpn('823200355503'),
        joinedOn: '2026-11-02',
      });
      const { id: _n, ...neverAnswer } = never.json() as Record<string, unknown>;
      assert.deepEqual(guessedAnswer, neverAnswer);
      assert.deepEqual(guessedAnswer.ctfsForUpn, []);
    });

    it('passes the search to the LA at once when nobody knows the previous school', async () => {
      const registered = await register({
        surname: 'Mensah',
        forename: 'Kofi',
        dateOfBirth: '2013-06-30',
        joinedOn: '2026-11-02',
      });
      assert.equal(registered.statusCode, 201);
      const id = registered.json().id as string;
      assert.deepEqual(await joinerState(id), {
        state: 'with-la',
        with_la_reason: 'no-previous-school',
        ctf_file_id: null,
      });
      const withLa = (await get(newSchoolLa, '/api/v1/joiners/with-la')).json().joiners as Array<{ id: string }>;
      assert.ok(
        withLa.some((j) => j.id === id),
        'the school’s LA sees it',
      );
      const elsewhere = (await get(otherLa, '/api/v1/joiners/with-la')).json().joiners as Array<{ id: string }>;
      assert.equal(
        elsewhere.some((j) => j.id === id),
        false,
        'another LA does not',
      );
      assert.equal((await get(newSchool, '/api/v1/joiners/with-la')).statusCode, 403);
    });

    it('passes the search to the LA when the previous school holds no record', async () => {
      const registered = await register({
        surname: 'Ivanova',
        forename: 'Daria',
        dateOfBirth: '2012-12-12',
        previousLAEstab: '8232003',
        joinedOn: '2026-11-02',
      });
      const joinerId = registered.json().id as string;
      const requestId = (
        (await get(previousSchool, '/api/v1/ctf-requests')).json().requests as Array<{ id: string; joinerId: string }>
      ).find((r) => r.joinerId === joinerId)!.id;
      const answered = await post(previousSchool, `/api/v1/ctf-requests/${requestId}/answer`, {
        answer: 'no-record',
        note: 'No pupil of that name or date of birth has been on roll here.',
      });
      assert.equal(answered.statusCode, 200, answered.body);
      assert.deepEqual(await joinerState(joinerId), {
        state: 'with-la',
        with_la_reason: 'no-record',
        ctf_file_id: null,
      });
      const told = (await get(newSchool, '/api/v1/notifications')).json().notifications as Array<{ kind: string }>;
      assert.ok(
        told.some((n) => n.kind === 'joiner-no-record'),
        'the new school is told',
      );
      const withLa = (await get(newSchoolLa, '/api/v1/joiners/with-la')).json().joiners as Array<{
        id: string;
        request: { note: string | null };
      }>;
      assert.match(String(withLa.find((j) => j.id === joinerId)?.request.note), /No pupil of that name/);
      const notices = (await get(newSchoolLa, '/api/v1/notifications')).json().notifications as Array<{ kind: string }>;
      assert.ok(
        notices.some((n) => n.kind === 'joiner-with-la'),
        'the LA is notified',
      );
    });

    it('passes a request still unanswered after ten school days to the LA, once', async () => {
      const registered = await register({
        surname: 'Walsh',
        forename: 'Niamh',
        dateOfBirth: '2014-02-14',
        previousLAEstab: '8232003',
        joinedOn: '2026-11-02',
      });
      const joinerId = registered.json().id as string;
      services.clock.set(new Date('2026-11-16T17:00:00Z'));
      await passOverdueRequests(services);
      assert.equal((await joinerState(joinerId)).state, 'seeking', 'still due on the tenth school day');
      services.clock.set(new Date('2026-11-17T08:00:00Z'));
      assert.ok((await passOverdueRequests(services)) >= 1);
      assert.deepEqual(await joinerState(joinerId), {
        state: 'with-la',
        with_la_reason: 'unanswered',
        ctf_file_id: null,
      });
      assert.equal(await passOverdueRequests(services), 0, 'nothing is passed twice');
      const withLa = (await get(newSchoolLa, '/api/v1/joiners/with-la')).json().joiners as Array<{ id: string }>;
      assert.ok(withLa.some((j) => j.id === joinerId));
    });
  });
}
