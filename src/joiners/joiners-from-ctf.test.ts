import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { testDatabases } from '../../test/support/databases.js';
import { testServices } from '../../test/support/services.js';
import { ctfFile, multipart, noOtherNames, type TestFile } from '../../test/support/transfers.js';
import { addUser, csrfFrom, seedRegister, signIn, type Browser, type TestServices } from '../../test/support/world.js';
import { buildApp } from '../app/app.js';

const child = (forename: string, surname: string, dateOfBirth: string, sex: 'M' | 'F') => ({
  ...noOtherNames,
  forename,
  surname,
  dateOfBirth,
  sex,
});

/** The value a page's box holds, by its name. */
const box = (html: string, name: string) =>
  new RegExp(`name="${name}"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="${name}"`)
    .exec(html)
    ?.slice(1)
    .find(Boolean) ?? '';

for (const database of await testDatabases()) {
  describe(`registering a new pupil from the CTF they brought (${database.name})`, () => {
    let services: TestServices & { close(): Promise<void> };
    let app: FastifyInstance;
    let school: Browser; // Elmridge (8232002)

    const uploadCtf = async (file: TestFile) => {
      const token = csrfFrom((await school.get('/joiners/new')).body);
      const { body, contentType } = multipart([file], { _csrf: token });
      return app.inject({
        method: 'POST',
        url: '/joiners/from-ctf',
        payload: body,
        headers: { 'content-type': contentType, cookie: [...school.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
      });
    };

    before(async () => {
      services = await testServices(await database.open());
      await seedRegister(services);
      app = await buildApp(services);
      school = await signIn(app, services, await addUser(services, { role: 'school-user', org: '8232002' }));
    });
    after(async () => {
      await app.close();
      await services.close();
    });

    it('fills the form in from a one-pupil CTF, previous school from its source, and registers as the form does', async () => {
      const file = ctfFile('3304101', '8232002', { people: [child('Rosalind', 'Penhaligon', '2015-03-07', 'F')] });
      const page = await uploadCtf(file);
      assert.equal(page.statusCode, 200, page.body);
      assert.match(page.body, new RegExp(`Filled in from ${file.name}`));
      assert.equal(box(page.body, 'surname'), 'Penhaligon');
      assert.equal(box(page.body, 'forename'), 'Rosalind');
      assert.deepEqual(
        [box(page.body, 'dob-day'), box(page.body, 'dob-month'), box(page.body, 'dob-year')],
        ['7', '3', '2015'],
      );
      assert.match(page.body, /name="sex" type="radio" value="F" checked/);
      assert.equal(box(page.body, 'upn'), file.pupils[0]!.upn);
      assert.equal(box(page.body, 'previousLAEstab'), '3304101');

      const registered = await school.post('/joiners/new', {
        _csrf: csrfFrom(page.body),
        surname: box(page.body, 'surname'),
        forename: box(page.body, 'forename'),
        'dob-day': '7',
        'dob-month': '3',
        'dob-year': '2015',
        sex: 'F',
        upn: box(page.body, 'upn'),
        previousLAEstab: '3304101',
        'joined-day': '29',
        'joined-month': '10',
        'joined-year': '2026',
      });
      assert.equal(registered.statusCode, 200, registered.body);
      const joiner = await services.db
        .selectFrom('joiners')
        .select(['surname', 'previous_laestab'])
        .where('surname', '=', 'Penhaligon')
        .executeTakeFirstOrThrow();
      assert.equal(joiner.previous_laestab, '3304101');
    });

    it('lets the school pick the pupil from a file of several, and asks again when none is picked', async () => {
      const file = ctfFile('3304101', '8232002', {
        people: [child('Tobias', 'Quennell', '2014-11-02', 'M'), child('Ursula', 'Quennell', '2016-08-19', 'F')],
      });
      const choose = await uploadCtf(file);
      assert.equal(choose.statusCode, 200, choose.body);
      assert.match(choose.body, /Which pupil are you registering\?/);
      assert.match(choose.body, /Tobias Quennell[\s\S]*Born 2 November 2014/);
      const values = [...choose.body.matchAll(/name="pupil" type="radio" value="([^"]+)"/g)].map((m) => m[1]!);
      assert.equal(values.length, 2);
      const offered = [...choose.body.matchAll(/name="offered" value="([^"]+)"/g)].map((m) => m[1]!);

      const form = (extra: Array<[string, string]>) =>
        new URLSearchParams([
          ['_csrf', csrfFrom(choose.body)],
          ['fileName', file.name],
          ...offered.map((v): [string, string] => ['offered', v]),
          ...extra,
        ]).toString();
      const post = (payload: string) =>
        app.inject({
          method: 'POST',
          url: '/joiners/from-ctf/choose',
          payload,
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            cookie: [...school.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
          },
        });
      const none = await post(form([]));
      assert.equal(none.statusCode, 422);
      assert.match(none.body, /Select the pupil you are registering/);
      assert.match(none.body, /Ursula Quennell/);

      const ursula = await post(form([['pupil', values[1]!]]));
      assert.equal(ursula.statusCode, 200, ursula.body);
      assert.equal(box(ursula.body, 'forename'), 'Ursula');
      assert.equal(box(ursula.body, 'dob-day'), '19');
    });

    it('says what is wrong with a file it cannot read, in words, line by line', async () => {
      const file = ctfFile('3304101', '8232002', { people: [child('Vera', 'Wilmot', '2015-01-01', 'F')] });
      const broken = await uploadCtf({
        name: file.name,
        bytes: Buffer.from(file.bytes.toString('utf8').replace('</Header>', '')),
      });
      assert.equal(broken.statusCode, 422, broken.body);
      assert.match(broken.body, /What is wrong with the file/);
      assert.match(broken.body, /Line \d+, column \d+: /);
      assert.doesNotMatch(broken.body, /Vera/);
    });
  });
}
