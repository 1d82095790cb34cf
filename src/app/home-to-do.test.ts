/**
 * The home page says what needs doing, counted afresh from the records for whoever is signed in, and each count
 * falls when the work is done: files to download, requests to answer, enquiries to approve, search alerts to
 * review (whose administrators are told once, however often the alert is raised again).
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { apiActor, apiGet, apiPost } from '../../test/support/api.js';
import { testDatabases } from '../../test/support/databases.js';
import { testServices } from '../../test/support/services.js';
import { ctfFile, upload } from '../../test/support/transfers.js';
import { addUser, seedRegister, signIn, type TestServices } from '../../test/support/world.js';
import { buildApp } from './app.js';

/** The home page's "what needs doing" lines, each with its count. */
function toDo(html: string): Record<string, number> {
  const lines: Record<string, number> = {};
  for (const [, count, text] of html.matchAll(/data-count="(\d+)">([^<]+)<\/a>/g)) lines[text!] = Number(count);
  return lines;
}

for (const database of await testDatabases()) {
  describe(`what needs doing, on the home page (${database.name})`, () => {
    let services: TestServices & { close(): Promise<void> };
    let app: FastifyInstance;

    before(async () => {
      services = await testServices(await database.open(), { env: { S2S_PROBE_ALERT_PER_DAY: '2' } });
      await seedRegister(services);
      app = await buildApp(services);
    });
    after(async () => {
      await app.close();
      await services.close();
    });

    it('counts a school’s files to download and requests to answer, and each falls when done', async () => {
      const school = await addUser(services, { role: 'school-user', org: '3304101' });
      const browser = await signIn(app, services, school);
      assert.match((await browser.get('/')).body, /Nothing is waiting for you just now/);

      const sender = await apiActor(services, 'school-user', '8232003');
      const sent = await upload(app, sender.token, [ctfFile('8232003', '3304101'), ctfFile('8232003', '3304101')]);
      assert.equal(sent.statusCode, 201, sent.body);
      assert.deepEqual(toDo((await browser.get('/')).body), {
        '2 files waiting in your inbox, not yet downloaded': 2,
      });
      const [first] = sent.json().files as Array<{ id: string }>;
      assert.equal((await browser.get(`/files/${first!.id}/download`)).statusCode, 200);
      assert.deepEqual(toDo((await browser.get('/')).body), { '1 file waiting in your inbox, not yet downloaded': 1 });

      // A new pupil at Brackenford High asks Hollins Lane for a CTF: Hollins Lane has a request to answer.
      const registered = await apiPost(app, await apiActor(services, 'school-user', '3304101'), '/api/v1/joiners', {
        surname: 'Achterberg',
        forename: 'Femke',
        dateOfBirth: '2014-03-03',
        previousLAEstab: '8232003',
        joinedOn: '2026-11-02',
      });
      assert.equal(registered.statusCode, 201, registered.body);
      const holder = await signIn(app, services, await addUser(services, { role: 'school-user', org: '8232003' }));
      assert.equal(toDo((await holder.get('/')).body)['1 request for a former pupil’s CTF to answer'], 1);
      const [request] = (await apiGet(app, sender, '/api/v1/ctf-requests')).json().requests as Array<{ id: string }>;
      const answered = await apiPost(app, sender, `/api/v1/ctf-requests/${request!.id}/answer`, {
        answer: 'no-record',
      });
      assert.equal(answered.statusCode, 200, answered.body);
      assert.equal(toDo((await holder.get('/')).body)['1 request for a former pupil’s CTF to answer'], undefined);
    });

    it('counts an LA administrator’s enquiries to approve and search alerts, until approved and reviewed', async () => {
      const admin = await addUser(services, { role: 'la-admin', org: '823' });
      const browser = await signIn(app, services, admin);
      const officer = await apiActor(services, 'la-user', '823');
      const made = await apiPost(app, officer, '/api/v1/enquiries', {
        surname: 'Lindgren',
        forename: 'Astrid',
        dateOfBirth: '2013-08-08',
        lastAddress: '4 Rope Walk, Ashdown Vale',
        concern: 'Not at school since 1 October.',
      });
      const id = made.json().id as string;
      const reason = 'Family links to the area, per the school';
      await apiPost(app, officer, `/api/v1/enquiries/${id}/send`, {
        recipients: ['330', '909', '940', '660'].map((laCode) => ({ laCode, reason })),
      });
      assert.equal(toDo((await browser.get('/')).body)['1 enquiry waiting for your approval'], 1);

      // A school user in the LA asks three times for files that are not theirs: the administrators are told once.
      const prober = await apiActor(services, 'school-user', '8232004');
      for (let i = 0; i < 3; i++)
        assert.equal((await apiGet(app, prober, `/api/v1/files/${crypto.randomUUID()}`)).statusCode, 404);
      assert.equal(toDo((await browser.get('/')).body)['1 search alert to review'], 1);
      const told = await services.db
        .selectFrom('notifications')
        .select('repeats')
        .where('user_id', '=', admin.user.id)
        .where('kind', '=', 'search-alert')
        .execute();
      assert.deepEqual(told, [{ repeats: 1 }], 'the administrator is told once');

      assert.equal(
        (await apiPost(app, await apiActor(services, 'la-admin', '823'), `/api/v1/enquiries/${id}/approve`, {}))
          .statusCode,
        200,
      );
      const alerts = (await browser.get('/repository/alerts')).body;
      const action = /action="(\/repository\/alerts\/refusals\/[0-9a-f-]{36}\/reviewed)"/.exec(alerts)?.[1];
      assert.ok(action, 'the alert offers to be marked reviewed');
      const reviewed = await browser.submit('/repository/alerts', action, {});
      assert.equal(reviewed.statusCode, 303);
      assert.deepEqual(toDo((await browser.get('/')).body), {});
      const elsewhere = await signIn(app, services, await addUser(services, { role: 'la-admin', org: '330' }));
      assert.equal((await elsewhere.submit('/repository/alerts', action, {})).statusCode, 404, 'another LA’s alert');
    });

    it('groups the same notice while it is unread, rather than adding it again', async () => {
      const { notify } = await import('../notifications/public.js');
      const user = await addUser(services, { role: 'school-user', org: '8232002' });
      const notice = { kind: 'leaver-reminder', message: 'A leaver’s CTF is overdue', link: '/leavers' };
      await notify(services.db, services.now(), [user.user.id], notice);
      await notify(services.db, services.now(), [user.user.id], notice);
      await notify(services.db, services.now(), [user.user.id], { ...notice, message: 'Something else' });
      const rows = await services.db
        .selectFrom('notifications')
        .select(['message', 'repeats'])
        .where('user_id', '=', user.user.id)
        .orderBy('message')
        .execute();
      assert.deepEqual(rows, [
        { message: 'A leaver’s CTF is overdue', repeats: 2 },
        { message: 'Something else', repeats: 1 },
      ]);
    });
  });
}
