import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { testDatabases } from '../../test/support/databases.js';
import { testServices } from '../../test/support/services.js';
import { addUser, Browser, csrfFrom, seedRegister, signIn, type TestServices } from '../../test/support/world.js';
import { buildApp } from '../app/app.js';
import { checkPassword } from './sign-in.js';
import { ACCOUNT_SOURCE_LIMIT, SOURCE_LIMIT, THROTTLE_WINDOW_MINUTES } from './sign-in-throttle.js';
import { totpCode } from './two-factor.js';

for (const database of await testDatabases()) {
  describe(`sign-in with two-factor (${database.name})`, () => {
    let services: TestServices & { close(): Promise<void> };
    let app: FastifyInstance;
    let logged = '';
    before(async () => {
      services = await testServices(await database.open());
      await seedRegister(services);
      const logStream = new Writable({
        write(chunk, _encoding, done) {
          logged += String(chunk);
          done();
        },
      });
      app = await buildApp(services, { logger: { level: 'trace', stream: logStream } as { level: string } });
    });
    after(async () => {
      await app.close();
      await services.close();
    });

    it('signs in with password then code, rotating the session and setting safe cookies', async () => {
      const account = await addUser(services, { role: 'school-user', org: '8232003' });
      const browser = new Browser(app);
      const page = await browser.get('/sign-in');
      assert.equal(page.statusCode, 200);
      const afterPassword = await browser.post('/sign-in', {
        _csrf: csrfFrom(page.body),
        email: account.user.email,
        password: account.password,
      });
      assert.equal(afterPassword.headers.location, '/sign-in/two-factor');
      const cookie = String(afterPassword.headers['set-cookie']);
      assert.match(cookie, /s2s_session=[^;]+; Path=\/; HttpOnly; SameSite=Lax/);
      const firstSession = browser.cookies.get('s2s_session');
      assert.equal((await browser.get('/')).headers.location, '/sign-in', 'a password alone does not sign in');
      services.clock.advance(30_000);
      const code = totpCode(account.totpSecret!, services.now());
      const done = await browser.submit('/sign-in/two-factor', '/sign-in/two-factor', { code });
      assert.equal(done.headers.location, '/');
      assert.notEqual(browser.cookies.get('s2s_session'), firstSession, 'the session id changes at sign-in');
      const home = await browser.get('/');
      assert.equal(home.statusCode, 200);
      assert.match(home.body, /Hollins Lane Primary School \(8232003\)/);
      assert.equal(home.headers['cache-control'], 'no-store');
      const audit = await services.db
        .selectFrom('audit_events')
        .select(['action', 'outcome'])
        .where('actor_user_id', '=', account.user.id)
        .execute();
      assert.ok(audit.some((a) => a.action === 'sign-in' && a.outcome === 'success'));
    });

    it('refuses a replayed code', async () => {
      const account = await addUser(services, { role: 'school-user', org: '8232003' });
      await signIn(app, services, account);
      const browser = new Browser(app);
      await browser.submit('/sign-in', '/sign-in', { email: account.user.email, password: account.password });
      const replay = await browser.submit('/sign-in/two-factor', '/sign-in/two-factor', {
        code: totpCode(account.totpSecret!, services.now()),
      });
      assert.equal(replay.statusCode, 400);
      assert.match(replay.body, /Enter the 6-digit code/);
    });

    it('enrols two-factor with a QR code at the first sign-in', async () => {
      const account = await addUser(services, { role: 'la-user', org: '823', enrolled: false });
      const browser = new Browser(app);
      const step = await browser.submit('/sign-in', '/sign-in', {
        email: account.user.email,
        password: account.password,
      });
      assert.equal(step.headers.location, '/two-factor/set-up');
      const page = await browser.get('/two-factor/set-up');
      assert.match(page.body, /<svg/);
      const secret = /id="secret">([A-Z2-7 ]+)</.exec(page.body)![1]!.replace(/ /g, '');
      const wrong = await browser.post('/two-factor/set-up', { _csrf: csrfFrom(page.body), code: '000000' });
      assert.equal(wrong.statusCode, 400);
      const done = await browser.post('/two-factor/set-up', {
        _csrf: csrfFrom(page.body),
        code: totpCode(secret, services.now()),
      });
      assert.equal(done.headers.location, '/');
      const row = await services.db
        .selectFrom('users')
        .select(['totp_secret', 'totp_enrolled_at'])
        .where('id', '=', account.user.id)
        .executeTakeFirstOrThrow();
      assert.ok(row.totp_enrolled_at);
      assert.equal(row.totp_secret!.includes(Buffer.from(secret)), false, 'the TOTP secret is stored sealed');
      assert.equal((await browser.get('/')).statusCode, 200);
    });

    it('stores passwords as argon2id and logs no password, secret or token', async () => {
      const account = await addUser(services, { role: 'la-admin', org: '823' });
      const browser = await signIn(app, services, account);
      const created = await browser.submit('/account/api-tokens', '/account/api-tokens', { label: 'Office MIS' });
      const token = /id="token">(s2s_[^<]+)</.exec(created.body)![1]!;
      const row = await services.db
        .selectFrom('users')
        .select('password_hash')
        .where('id', '=', account.user.id)
        .executeTakeFirstOrThrow();
      assert.match(row.password_hash!, /^\$argon2id\$/);
      const tokens = await services.db.selectFrom('api_tokens').select(['token_hash', 'prefix']).execute();
      assert.ok(tokens.every((t) => t.token_hash !== token && t.token_hash.length === 64));
      assert.ok(logged.length > 0, 'the app logged requests');
      for (const secret of [account.password, account.totpSecret!, token]) assert.equal(logged.includes(secret), false);
    });

    const attempt = (email: string, password: string, sourceIp: string) =>
      checkPassword(services, email, password, sourceIp);

    it('an attacker hammering an email from elsewhere does not keep its owner out', async () => {
      const account = await addUser(services, { role: 'school-user', org: '8232003' });
      const outcomes: string[] = [];
      for (let i = 0; i < ACCOUNT_SOURCE_LIMIT * 3; i++) {
        outcomes.push((await attempt(account.user.email, `wrong password ${i}`, '198.51.100.7')).outcome);
      }
      assert.equal(outcomes.at(-1), 'throttled', 'the attacker is slowed');
      const owner = await new Browser(app).submit('/sign-in', '/sign-in', {
        email: account.user.email,
        password: account.password,
      });
      assert.equal(owner.headers.location, '/sign-in/two-factor', 'the owner signs in from their own address');
      const denied = await services.db
        .selectFrom('audit_events')
        .select('outcome')
        .where('target_id', '=', account.user.id)
        .where('source_ip', '=', '198.51.100.7')
        .where('action', '=', 'sign-in')
        .execute();
      assert.equal(denied.length, ACCOUNT_SOURCE_LIMIT * 3, 'every probe is audited');
      assert.ok(denied.some((d) => d.outcome === 'denied'));
    });

    it('throttles the owner’s own address only for a short, bounded time', async () => {
      const account = await addUser(services, { role: 'school-user', org: '8232003' });
      for (let i = 0; i < ACCOUNT_SOURCE_LIMIT; i++) await attempt(account.user.email, 'mistyped', '192.0.2.20');
      assert.equal((await attempt(account.user.email, account.password, '192.0.2.20')).outcome, 'throttled');
      services.clock.advance(THROTTLE_WINDOW_MINUTES * 60_000);
      assert.equal((await attempt(account.user.email, account.password, '192.0.2.20')).outcome, 'ok');
    });

    it('slows one address trying many accounts', async () => {
      const account = await addUser(services, { role: 'school-user', org: '8232003' });
      const outcomes: string[] = [];
      for (let i = 0; i < SOURCE_LIMIT; i++) {
        outcomes.push((await attempt(`guess${i}@school.example.org.uk`, 'password guess 1', '198.51.100.8')).outcome);
      }
      assert.ok(outcomes.every((o) => o === 'invalid'));
      assert.equal((await attempt('guess-next@school.example.org.uk', 'x', '198.51.100.8')).outcome, 'throttled');
      assert.equal(
        (await attempt(account.user.email, account.password, '198.51.100.8')).outcome,
        'throttled',
        'even a right password waits, so the address learns nothing',
      );
      assert.equal((await attempt(account.user.email, account.password, '198.51.100.9')).outcome, 'ok');
    });

    it('answers unknown and known emails with byte-identical wording, wrong or throttled', async () => {
      services.clock.advance(THROTTLE_WINDOW_MINUTES * 60_000);
      const account = await addUser(services, { role: 'school-user', org: '8232003' });
      const answers = async (email: string) => {
        const browser = new Browser(app);
        const seen: string[] = [];
        for (let i = 0; i <= ACCOUNT_SOURCE_LIMIT; i++) {
          const response = await browser.submit('/sign-in', '/sign-in', { email, password: 'wrong password!' });
          seen.push(`${response.statusCode} ${/govuk-error-summary__list[\s\S]*?<\/ul>/.exec(response.body)![0]}`);
        }
        return seen;
      };
      const known = await answers(account.user.email);
      const unknown = await answers('nobody-here@school.example.org.uk');
      assert.deepEqual(unknown, known);
      assert.match(known[0]!, /Enter a correct email address and password/);
      assert.match(known.at(-1)!, /Too many attempts to sign in from here/);
    });

    it('counts attempts atomically under parallel requests', async (t) => {
      if (database.name !== 'postgres') return t.skip('parallel connections need PostgreSQL');
      services.clock.advance(THROTTLE_WINDOW_MINUTES * 60_000);
      const account = await addUser(services, { role: 'school-user', org: '8232003' });
      const outcomes = await Promise.all(
        Array.from({ length: ACCOUNT_SOURCE_LIMIT * 2 }, () => attempt(account.user.email, 'wrong!', '192.0.2.30')),
      );
      assert.equal(outcomes.filter((o) => o.outcome === 'invalid').length, ACCOUNT_SOURCE_LIMIT);
      assert.equal(outcomes.filter((o) => o.outcome === 'throttled').length, ACCOUNT_SOURCE_LIMIT);
    });

    it('refuses a form without its CSRF token with 403', async () => {
      const account = await addUser(services, { role: 'la-admin', org: '823' });
      const browser = await signIn(app, services, account);
      const response = await browser.post('/account/api-tokens', { label: 'no token' });
      assert.equal(response.statusCode, 403);
      assert.match(response.body, /This form has expired/);
      const anonymous = await new Browser(app).post('/sign-in', {
        email: account.user.email,
        password: account.password,
      });
      assert.equal(anonymous.statusCode, 403);
      const forged = await browser.post('/account/api-tokens', { _csrf: 'x'.repeat(43), label: 'forged' });
      assert.equal(forged.statusCode, 403);
    });

    it('ends a session after 30 idle minutes and after 12 hours whatever the activity', async () => {
      const account = await addUser(services, { role: 'school-user', org: '8232003' });
      const idle = await signIn(app, services, account);
      services.clock.advance(29 * 60_000);
      assert.equal((await idle.get('/')).statusCode, 200);
      services.clock.advance(31 * 60_000);
      assert.equal((await idle.get('/')).headers.location, '/sign-in');

      const busy = await signIn(app, services, account);
      for (let minutes = 0; minutes < 12 * 60 - 20; minutes += 20) {
        services.clock.advance(20 * 60_000);
        assert.equal((await busy.get('/')).statusCode, 200, `still signed in after ${minutes + 20} minutes`);
      }
      services.clock.advance(25 * 60_000);
      assert.equal((await busy.get('/')).headers.location, '/sign-in');
    });

    it('signs out', async () => {
      const account = await addUser(services, { role: 'school-user', org: '8232003' });
      const browser = await signIn(app, services, account);
      const out = await browser.submit('/', '/sign-out', {});
      assert.equal(out.headers.location, '/signed-out');
      assert.equal((await browser.get('/')).headers.location, '/sign-in');
    });
  });
}
