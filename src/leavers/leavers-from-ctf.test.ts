import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { apiActor, apiGet, type Actor } from '../../test/support/api.js';
import { testDatabases } from '../../test/support/databases.js';
import { testServices } from '../../test/support/services.js';
import { ctfFile, multipart, noOtherNames, type TestFile } from '../../test/support/transfers.js';
import { csrfFrom, seedRegister, signIn, type Browser, type TestServices } from '../../test/support/world.js';
import { makeUpn } from '../ctf/upn.js';
import { buildApp } from '../app/app.js';
import { uploadGateFor } from '../transfers/public.js';

// Pupils of Hollins Lane Primary (8232003); the clock starts on Monday 2 November 2026.
const pupil = (forename: string, surname: string, upnBody: string) => ({
  ...noOtherNames,
  forename,
  surname,
  dateOfBirth: '2016-05-17',
  sex: 'F' as const,
  upn: makeUpn(upnBody),
});
const ada = pupil('Ada', 'Quill', '823200310001');
const ben = pupil('Ben', 'Rowntree', '823200310002');
const cara = pupil('Cara', 'Spindle', '823200310003');

interface Recorded {
  id: string;
  surname: string;
  upn: string;
  ctfDueOn: string;
}

for (const database of await testDatabases()) {
  describe(`leavers recorded from their CTF (${database.name})`, () => {
    let services: TestServices & { close(): Promise<void> };
    let app: FastifyInstance;
    let school: Actor; // Hollins Lane Primary, 8232003

    const postXml = (file: TestFile, query: string) =>
      app.inject({
        method: 'POST',
        url: `/api/v1/leavers/from-ctf?${query}`,
        payload: file.bytes,
        headers: { authorization: `Bearer ${school.token}`, 'content-type': 'application/xml' },
      });
    const postMultipart = (file: TestFile, query: string) => {
      const { body, contentType } = multipart([file]);
      return app.inject({
        method: 'POST',
        url: `/api/v1/leavers/from-ctf?${query}`,
        payload: body,
        headers: { authorization: `Bearer ${school.token}`, 'content-type': contentType },
      });
    };
    const audited = async () =>
      (
        await services.db
          .selectFrom('audit_events')
          .select('target_id')
          .where('action', '=', 'leaver.recorded')
          .execute()
      ).length;

    before(async () => {
      services = await testServices(await database.open());
      await seedRegister(services);
      app = await buildApp(services);
      school = await apiActor(services, 'school-user', '8232003');
    });
    after(async () => {
      await app.close();
      await services.close();
    });

    it('records each pupil of an XML body going to the school it is addressed to, audited, and skips them the second time', async () => {
      const file = ctfFile('8232003', '3304101', { people: [ada, ben] });
      const before = await audited();
      const first = await postXml(file, 'leftOn=2026-10-30');
      assert.equal(first.statusCode, 201, first.body);
      const recorded = first.json().recorded as Recorded[];
      assert.deepEqual(recorded.map((r) => r.surname).sort(), ['Quill', 'Rowntree']);
      assert.equal(recorded[0]!.ctfDueOn, '2026-11-20');
      assert.equal(await audited(), before + 2, 'each leaver recorded is audited');
      const trail = await services.db
        .selectFrom('audit_events')
        .select('details')
        .where('action', '=', 'leaver.recorded')
        .where('target_id', '=', recorded[0]!.id)
        .executeTakeFirstOrThrow();
      assert.match(JSON.stringify(trail.details), /"readFromCtf":"the request body"/);
      const leavers = (await apiGet(app, school, '/api/v1/leavers')).json().leavers as Array<{
        upn: string;
        destination: string;
        destinationLAEstab: string;
        leftOn: string;
      }>;
      const adaLeaver = leavers.find((l) => l.upn === ada.upn)!;
      assert.equal(adaLeaver.destination, 'school');
      assert.equal(adaLeaver.destinationLAEstab, '3304101');
      assert.equal(adaLeaver.leftOn, '2026-10-30');

      const again = await postXml(file, 'leftOn=2026-10-29');
      assert.equal(again.statusCode, 201, again.body);
      assert.deepEqual(again.json().recorded, []);
      assert.deepEqual((again.json().alreadyRecorded as Array<{ upn: string }>).map((p) => p.upn).sort(), [
        ...[ada.upn, ben.upn].sort(),
      ]);
      assert.equal(await audited(), before + 2);
    });

    it('takes a multipart file to XXXXXXX, asking why the destination is not known before recording', async () => {
      const file = ctfFile('8232003', 'XXXXXXX', { people: [cara] });
      const noReason = await postMultipart(file, 'leftOn=2026-10-30');
      assert.equal(noReason.statusCode, 422, noReason.body);
      assert.equal(noReason.json().error.code, 'INVALID_LEAVER');
      assert.match(JSON.stringify(noReason.json().error.fields), /why the destination is not known/);
      const noDate = await postMultipart(file, 'reason=not-returned');
      assert.equal(noDate.statusCode, 422);
      assert.match(JSON.stringify(noDate.json().error.fields), /Enter the date the pupil left/);

      const ok = await postMultipart(file, 'leftOn=2026-10-30&reason=not-returned');
      assert.equal(ok.statusCode, 201, ok.body);
      const leaver = (await apiGet(app, school, '/api/v1/leavers'))
        .json()
        .leavers.find((l: { upn: string }) => l.upn === cara.upn);
      assert.equal(leaver.destination, 'unknown');
      assert.equal(leaver.reason, 'not-returned');
      const trail = await services.db
        .selectFrom('audit_events')
        .select('details')
        .where('action', '=', 'leaver.recorded')
        .where('target_id', '=', leaver.id)
        .executeTakeFirstOrThrow();
      assert.match(JSON.stringify(trail.details), new RegExp(`"readFromCtf":"${file.name}"`));
    });

    it('refuses a broken file with each problem’s line and why, a file from another school, and other bodies', async () => {
      const file = ctfFile('8232003', '3304101', { people: [pupil('Dan', 'Tolley', '823200310004')] });
      const cut = { name: file.name, bytes: file.bytes.subarray(0, Math.floor(file.bytes.length / 2)) };
      const broken = await postXml(cut, 'leftOn=2026-10-30');
      assert.equal(broken.statusCode, 422, broken.body);
      const fields = broken.json().error.fields as Array<{ field: string; message: string }>;
      assert.equal(broken.json().error.code, 'INVALID_CTF');
      assert.match(fields[0]!.message, /^Line \d+, column \d+: /);
      assert.doesNotMatch(fields[0]!.message, /[A-Z]+_[A-Z_]+/, 'no engine codes in the words');

      const doctype = Buffer.from(
        file.bytes
          .toString('utf8')
          .replace('<CTfile', '<!DOCTYPE CTfile [<!ENTITY x SYSTEM "file:///etc/passwd">]><CTfile'),
      );
      const entity = await postXml({ name: file.name, bytes: doctype }, 'leftOn=2026-10-30');
      assert.equal(entity.statusCode, 422, entity.body);
      assert.doesNotMatch(entity.body, /root:/);

      const theirs = await postXml(ctfFile('3304101', '8232003'), 'leftOn=2026-10-30');
      assert.equal(theirs.statusCode, 422);
      assert.match(JSON.stringify(theirs.json().error.fields), /from 3304101.*not from your school \(8232003\)/);

      const toLa = await postXml(ctfFile('8232003', '823LLLL'), 'leftOn=2026-10-30');
      assert.equal(toLa.statusCode, 422);
      assert.match(JSON.stringify(toLa.json().error.fields), /addressed to 823LLLL, which is not a school/);

      const json = await app.inject({
        method: 'POST',
        url: '/api/v1/leavers/from-ctf?leftOn=2026-10-30',
        payload: { file: 'x' },
        headers: { authorization: `Bearer ${school.token}` },
      });
      assert.equal(json.statusCode, 415);
      assert.equal(
        (await services.db.selectFrom('leavers').select('id').where('surname', '=', 'Tolley').execute()).length,
        0,
      );
    });

    it('refuses a multipart upload while the user already holds every upload slot, reading none of it', async () => {
      const gate = uploadGateFor(services);
      const held: Array<{ release: () => void }> = [];
      for (let i = 0; i < services.config.maxConcurrentUploadsPerUser; i++) {
        const entered = gate.enter(school.account.user);
        if ('release' in entered) held.push(entered);
      }
      try {
        const refused = await postMultipart(ctfFile('8232003', 'MMMMMMM'), 'leftOn=2026-10-30&reason=abroad');
        assert.equal(refused.statusCode, 429, refused.body);
        assert.equal(refused.json().error.code, 'TOO_MANY_UPLOADS');
      } finally {
        for (const slot of held) slot.release();
      }
    });

    describe('the pages', () => {
      let browser: Browser;
      const upload = async (file: TestFile) => {
        const token = csrfFrom((await browser.get('/leavers')).body);
        const { body, contentType } = multipart([file], { _csrf: token });
        return app.inject({
          method: 'POST',
          url: '/leavers/from-ctf',
          payload: body,
          headers: {
            'content-type': contentType,
            cookie: [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
          },
        });
      };
      const sealedFrom = (html: string) => /name="sealed" value="([^"]+)"/.exec(html)![1]!;

      before(async () => {
        browser = await signIn(app, services, school.account);
      });

      it('reads the file, lists its pupils, asks for the day they left (every error at once) and records them', async () => {
        const eve = pupil('Eve', 'Umber', '823200310005');
        const fay = pupil('Fay', 'Varley', '823200310006');
        const check = await upload(ctfFile('8232003', '3304101', { people: [eve, fay, ada] }));
        assert.equal(check.statusCode, 200, check.body);
        for (const shown of ['Eve Umber', 'Fay Varley', eve.upn, '17 May 2016', 'Brackenford High School (3304101)'])
          assert.ok(check.body.includes(shown), shown);
        const sealed = sealedFrom(check.body);

        const partDate = await browser.post('/leavers/from-ctf/confirm', {
          _csrf: csrfFrom(check.body),
          sealed,
          'left-day': '30',
          'left-month': '',
          'left-year': '2026',
        });
        assert.equal(partDate.statusCode, 422);
        assert.match(partDate.body, /Date left must include a day, month and year/);
        assert.match(partDate.body, /Eve Umber/, 'the pupils are still listed');
        assert.match(partDate.body, /href="#left-day"/, 'the error links to the date');

        const tampered = await browser.post('/leavers/from-ctf/confirm', {
          _csrf: csrfFrom(check.body),
          sealed: `${sealed.slice(0, -2)}xx`,
          'left-day': '30',
          'left-month': '10',
          'left-year': '2026',
        });
        assert.equal(tampered.statusCode, 400);
        assert.match(tampered.body, /expired or was changed/);

        const done = await browser.post('/leavers/from-ctf/confirm', {
          _csrf: csrfFrom(check.body),
          sealed,
          'left-day': '30',
          'left-month': '10',
          'left-year': '2026',
        });
        assert.equal(done.statusCode, 200, done.body);
        assert.match(done.body, /2 leavers recorded/);
        assert.match(done.body, /Already recorded[\s\S]*Ada Quill/);
        const list = await browser.get('/leavers');
        assert.match(list.body, /Eve Umber/);
      });

      it('asks why for a file to MMMMMMM, and names every problem at once, each linked to its place', async () => {
        const odd = pupil('Hal', 'Yarrow2', '823200310008');
        const check = await upload(ctfFile('8232003', 'MMMMMMM', { people: [odd] }));
        assert.equal(check.statusCode, 200, check.body);
        assert.match(check.body, /MMMMMMM \(outside the maintained sector\)/);
        assert.match(check.body, /Where did the pupils go outside the maintained sector\?/);
        const refused = await browser.post('/leavers/from-ctf/confirm', {
          _csrf: csrfFrom(check.body),
          sealed: sealedFrom(check.body),
        });
        assert.equal(refused.statusCode, 422);
        const summary = refused.body.slice(refused.body.indexOf('govuk-error-summary'));
        assert.match(summary, /href="#left-day">Enter the date the pupil left/);
        assert.match(summary, /href="#reason">Choose where the pupil went outside the maintained sector/);
        assert.match(summary, /href="#ctf-pupils">Hal Yarrow2: Surname can only include letters/);

        const other = await browser.post('/leavers/from-ctf/confirm', {
          _csrf: csrfFrom(check.body),
          sealed: sealedFrom(check.body),
          'left-day': '30',
          'left-month': '10',
          'left-year': '2026',
          reason: 'other',
        });
        assert.match(other.body, /href="#reasonNote">Say what happened, for “Other”/);
        assert.equal(
          (await services.db.selectFrom('leavers').select('id').where('surname', '=', 'Yarrow2').execute()).length,
          0,
        );
      });

      it('shows a bad file’s problems in words, with the codes only under technical details', async () => {
        const file = ctfFile('8232003', '3304101', { people: [pupil('Gus', 'Wren', '823200310007')] });
        const response = await upload({
          name: file.name,
          bytes: Buffer.from(file.bytes.toString('utf8').replace('<Surname>Wren</Surname>', '<Surname></Surname>')),
        });
        assert.equal(response.statusCode, 422, response.body);
        assert.match(response.body, /What is wrong with the file/);
        assert.match(response.body, /Line \d+, column \d+: /);
        assert.match(response.body, /Technical details[\s\S]*<code>/);
        const empty = await upload({ name: '', bytes: Buffer.alloc(0) });
        assert.equal(empty.statusCode, 400);
        assert.match(empty.body, /Choose the CTF to read/);
      });
    });
  });
}
