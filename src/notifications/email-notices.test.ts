/**
 * Email notices through a real SMTP exchange: an in-process SMTP server (smtp-server) stands in for the operator's
 * mail relay, which cannot run here.
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { testDatabases } from '../../test/support/databases.js';
import { testServices } from '../../test/support/services.js';
import { addUser, seedRegister, type TestServices } from '../../test/support/world.js';
import { makeUpn } from '../ctf/upn.js';
import { recordLeaver } from '../leavers/record-leaver.js';
import { remindLeavers } from '../leavers/remind-leavers.js';
import { sendEmailNotices } from './email-notices.js';
import { notify } from './notify.js';

interface Received {
  to: string[];
  raw: string;
}

for (const database of await testDatabases()) {
  describe(`email notices (${database.name})`, () => {
    let services: TestServices & { close(): Promise<void> };
    let server: SMTPServer;
    const received: Received[] = [];
    const refused = new Set<string>();

    before(async () => {
      server = new SMTPServer({
        authOptional: true,
        disabledCommands: ['STARTTLS', 'AUTH'],
        onRcptTo(address, _session, callback) {
          if (refused.has(address.address))
            callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }));
          else callback();
        },
        onData(stream, session, callback) {
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('end', () => {
            received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString() });
            callback();
          });
        },
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.server.address() as AddressInfo;
      services = await testServices(await database.open(), {
        env: { S2S_SMTP_URL: `smtp://127.0.0.1:${port}`, S2S_SMTP_FROM: 's2s <no-reply@s2s.test>' },
      });
      await seedRegister(services);
    });
    after(async () => {
      await services.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    const run = () => sendEmailNotices(services.db, services.now(), services.mailer, services.config.publicUrl);
    const states = async (userId: string) =>
      (
        await services.db
          .selectFrom('notifications')
          .select(['email_state', 'email_attempts'])
          .where('user_id', '=', userId)
          .execute()
      ).map((n) => `${n.email_state}/${n.email_attempts}`);

    it('sends each user one email for their waiting notices, naming no child, and never twice', async () => {
      const office = await addUser(services, { role: 'school-user', org: '8232003', email: 'office@hollins.test' });
      const disabled = await addUser(services, { role: 'school-user', org: '8232003', email: 'gone@hollins.test' });
      await services.db.updateTable('users').set({ status: 'disabled' }).where('id', '=', disabled.user.id).execute();
      // A leaver whose CTF is coming due: the reminder is the notice.
      const recorded = await recordLeaver(
        services,
        office.user,
        {
          surname: 'Thistlewood',
          forename: 'Imogen',
          dateOfBirth: '2015-04-04',
          upn: makeUpn('823200344401'),
          leftOn: '2026-10-12',
          destination: 'unknown',
          reason: 'not-returned',
        },
        null,
      );
      assert.equal(recorded.kind, 'recorded');
      assert.equal(await remindLeavers(services.db, services.now()), 1);
      await notify(services.db, services.now(), [office.user.id], {
        kind: 'test',
        message: 'A request for a CTF is waiting',
        link: '/ctf-requests',
      });

      const first = await run();
      assert.deepEqual(first, { emails: 1, notices: 2, failed: 0 });
      assert.equal(received.length, 1);
      const [email] = received;
      assert.deepEqual(email!.to, ['office@hollins.test']);
      assert.match(email!.raw, /^Subject: s2s: 2 things need your attention/m);
      assert.match(email!.raw, /^From: s2s <no-reply@s2s\.test>/m);
      assert.match(email!.raw, /http:\/\/s2s\.test\/leavers/);
      assert.match(email!.raw, /http:\/\/s2s\.test\/ctf-requests/);
      for (const detail of ['Thistlewood', 'Imogen', makeUpn('823200344401'), '2015']) {
        assert.ok(!email!.raw.includes(detail), `the email does not contain ${detail}`);
      }
      assert.deepEqual(await states(office.user.id), ['sent/0', 'sent/0']);
      assert.deepEqual(await run(), { emails: 0, notices: 0, failed: 0 }, 'nothing is sent twice');
      assert.deepEqual(await states(disabled.user.id), [], 'a disabled user was not reminded');
    });

    it('retries a refused email on later runs, five times at most', async () => {
      const la = await addUser(services, { role: 'la-user', org: '823', email: 'cme@refuses.test' });
      refused.add('cme@refuses.test');
      await notify(services.db, services.now(), [la.user.id], {
        kind: 'test',
        message: 'An enquiry',
        link: '/enquiries',
      });
      assert.deepEqual(await run(), { emails: 0, notices: 0, failed: 1 });
      assert.deepEqual(await states(la.user.id), ['pending/1']);
      for (let attempt = 2; attempt <= 5; attempt++) await run();
      assert.deepEqual(await states(la.user.id), ['failed/5']);
      assert.deepEqual(await run(), { emails: 0, notices: 0, failed: 0 }, 'given up');
    });

    it('marks notices off when no SMTP server is configured', async () => {
      const school = await addUser(services, { role: 'school-user', org: '8232004' });
      await notify(services.db, services.now(), [school.user.id], { kind: 'test', message: 'A file', link: '/inbox' });
      await sendEmailNotices(services.db, services.now(), undefined, services.config.publicUrl);
      assert.deepEqual(await states(school.user.id), ['off/0']);
    });
  });
}
