import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { apiActor, apiPost, type Actor } from '../../../test/support/api.js';
import { testDatabases } from '../../../test/support/databases.js';
import { testServices } from '../../../test/support/services.js';
import { ctfFile, upload } from '../../../test/support/transfers.js';
import { addUser, Browser, seedRegister, signIn, type TestServices } from '../../../test/support/world.js';
import { buildApp } from '../../app/app.js';

// The embedded database, whose errors carry the query's bound parameters.
const [database] = await testDatabases();

describe('no child and no secret in the log, at trace level', () => {
  let services: TestServices & { close(): Promise<void> };
  let app: FastifyInstance;
  let log = '';
  const secrets: string[] = [];
  let school: Actor;
  let la: Actor;

  before(async () => {
    services = await testServices(await database!.open(), {
      env: { S2S_REPOSITORY_SEARCHES_PER_MINUTE: '1000', S2S_REPOSITORY_SEARCH_ALERT_PER_DAY: '100000' },
    });
    await seedRegister(services);
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        log += chunk.toString();
        done();
      },
    });
    app = await buildApp(services, { logger: { level: 'trace', stream } });
    school = await apiActor(services, 'school-user', '8232003');
    la = await apiActor(services, 'la-user', '823');
    secrets.push(school.token, la.token);
    for (const key of Object.values(services.keys)) secrets.push(key.toString('hex'), key.toString('base64'));
  });
  after(async () => {
    await app.close();
    await services.close();
  });

  it('drives every journey and finds no UPN, name, date of birth, token, link or key in the output', async () => {
    // Account creation with a set-up link, the newcomer using it, and a password reset's new link.
    const admin = await signIn(app, services, await addUser(services, { role: 'la-admin', org: '823' }));
    const added = await admin.submit('/users/new', '/users/new', {
      name: 'Dana Price',
      email: 'dana.price@hollins.example',
      role: 'school-user',
      org: '8232003',
    });
    assert.equal(added.statusCode, 200);
    const link = /id="setup-link">([^<]+)</.exec(added.body)![1]!;
    const path = new URL(link).pathname;
    const newcomer = new Browser(app);
    const set = await newcomer.submit(path, path, { password: 'plum kettle harbour', confirm: 'plum kettle harbour' });
    assert.match(set.body, /Your password is set/);
    const dana = await services.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'dana.price@hollins.example')
      .executeTakeFirstOrThrow();
    const reset = await admin.submit('/users', `/users/${dana.id}/reset-password`, { confirmed: 'yes' });
    const resetLink = /id="setup-link">([^<]+)</.exec(reset.body)?.[1];
    assert.ok(resetLink, `the reset gave a new link: ${reset.statusCode}`);
    secrets.push(path.split('/').pop()!, new URL(resetLink).pathname.split('/').pop()!);
    secrets.push(...admin.cookies.values(), ...newcomer.cookies.values());

    // Uploads of CTFs, to a known school and to the repository.
    const people = [
      { surname: 'Wojciechowska', forename: 'Zuzanna', dateOfBirth: '2015-03-14' },
      { surname: 'Okonkwo-Baptiste', forename: 'Chidera', dateOfBirth: '2014-11-02' },
    ];
    const toRepository = ctfFile('8232003', 'XXXXXXX', { pupils: 3, people });
    const toSchool = ctfFile('8232003', '8232001', { pupils: 2 });
    const uploaded = await upload(app, school.token, [toRepository, toSchool]);
    assert.ok(uploaded.statusCode === 201 || uploaded.statusCode === 207, uploaded.body);
    const pupils = [...toRepository.pupils, ...toSchool.pupils];

    // Repository search, a joiner, an enquiry, by the API and by a page's query string.
    const search = await apiPost(app, la, '/api/v1/repository/search', {
      surname: people[0]!.surname,
      dateOfBirth: people[0]!.dateOfBirth,
    });
    assert.ok(search.statusCode < 500, search.body);
    await admin.get(`/repository?surname=${people[1]!.surname}&dateOfBirth=${people[1]!.dateOfBirth}`);
    const joiner = await apiPost(app, school, '/api/v1/joiners', {
      surname: 'Fairweather-Lund',
      forename: 'Imogen',
      dateOfBirth: '2016-07-21',
      joinedOn: '2026-11-02',
    });
    assert.ok(joiner.statusCode < 500, joiner.body);
    const enquiry = await apiPost(app, la, '/api/v1/enquiries', {
      surname: 'Kowalski',
      forename: 'Jakub',
      dateOfBirth: '2014-05-17',
      sex: 'M',
      lastAddress: '14 Mill Lane, Ashdown Vale',
      concern: 'Not seen at school or at home since 2 October.',
    });
    assert.ok(enquiry.statusCode < 500, enquiry.body);
    const sent = await apiPost(app, la, `/api/v1/enquiries/${enquiry.json().id}/send`, {
      recipients: [{ laCode: '330', reason: 'Father has family in Brackenford' }],
    });
    assert.ok(sent.statusCode < 500, sent.body);

    // A database fault with thousands of bound parameters, logged as the error handler logs a server fault.
    const upns = Array.from({ length: 2000 }, (_, i) => `${pupils[i % pupils.length]!.upn}`);
    const fault = await services.db
      .selectFrom('users')
      .select('id')
      .where('email', 'in', upns)
      .where(sql<boolean>`${people[0]!.dateOfBirth}::date = ${pupils[0]!.upn}::date`)
      .execute()
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    assert.ok(fault instanceof Error, 'the query failed');
    assert.ok(JSON.stringify(fault).includes(pupils[0]!.upn!), 'the raw error carries the bound parameters');
    app.log.error({ err: fault }, 'request failed');

    assert.match(log, /request failed/, 'the fault was logged');
    assert.match(log, /"level":10/, 'trace lines were written');
    const words = [
      ...pupils.flatMap((p) => [p.upn, p.surname, p.forename, p.dateOfBirth]),
      'Fairweather-Lund',
      'Imogen',
      '2016-07-21',
      'Kowalski',
      'Jakub',
      '2014-05-17',
      'Dana Price',
      ...secrets,
    ].filter((word): word is string => typeof word === 'string' && word.length >= 4);
    for (const word of words) assert.equal(log.includes(word), false, `the log holds ${word}`);
  });
});
