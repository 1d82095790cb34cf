/**
 * A small world for web tests: the sample register, users in each role with known passwords and two-factor
 * secrets, and a signed-in HTTP client that carries cookies and CSRF tokens like a browser does.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { sampleRegisterFile } from '../../src/demo/seed-demo.js';
import { importRegister } from '../../src/establishments/import-register.js';
import { createUser, getUser } from '../../src/identity/accounts.js';
import type { User } from '../../src/platform/user.js';
import { hashPassword } from '../../src/identity/passwords.js';
import { newTotpSecret, totpCode } from '../../src/identity/two-factor.js';
import type { Role } from '../../src/platform/schema.js';
import type { Services } from '../../src/platform/services.js';
import type { Clock } from './services.js';

export type TestServices = Services & { clock: Clock };

export async function seedRegister(services: Services): Promise<void> {
  await importRegister(services.db, sampleRegisterFile, services.now());
}

export interface TestUser {
  user: User;
  password: string;
  totpSecret: string | null;
}

let counter = 0;

/** Creates an account with a password and (unless `enrolled: false`) two-factor already set up. */
export async function addUser(
  services: Services,
  options: { role: Role; org: string; email?: string; name?: string; enrolled?: boolean },
): Promise<TestUser> {
  counter += 1;
  const email = options.email ?? `${options.role}-${options.org.toLowerCase()}-${counter}@example.org`;
  const { user } = await createUser(
    services,
    { email, name: options.name ?? `Test ${options.role} ${counter}`, org: options.org, role: options.role },
    null,
  );
  const password = `correct horse battery ${counter}`;
  const totpSecret = options.enrolled === false ? null : newTotpSecret();
  await services.db
    .updateTable('users')
    .set({
      password_hash: await hashPassword(password),
      setup_token_hash: null,
      setup_expires_at: null,
      totp_secret: totpSecret ? services.keys.secrets.seal(Buffer.from(totpSecret), `totp:${user.id}`) : null,
      totp_key_id: totpSecret ? services.keys.secrets.currentId : null,
      totp_enrolled_at: totpSecret ? services.now() : null,
    })
    .where('id', '=', user.id)
    .execute();
  return { user: await getUser(services.db, user.id), password, totpSecret };
}

export function csrfFrom(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('page has no CSRF token');
  return match[1]!;
}

/** An HTTP client over app.inject that keeps cookies like a browser. */
export class Browser {
  cookies = new Map<string, string>();
  constructor(private readonly app: FastifyInstance) {}

  private remember(response: LightMyRequestResponse) {
    for (const cookie of response.cookies as Array<{ name: string; value: string; expires?: Date; maxAge?: number }>) {
      const cleared =
        cookie.value === '' || (cookie.expires && cookie.expires.getTime() < Date.now()) || cookie.maxAge === 0;
      if (cleared) this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.value);
    }
  }

  private cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async get(url: string, headers: Record<string, string> = {}) {
    const response = await this.app.inject({
      method: 'GET',
      url,
      headers: { cookie: this.cookieHeader(), ...headers },
    });
    this.remember(response);
    return response;
  }

  async post(url: string, form: Record<string, string>, headers: Record<string, string> = {}) {
    const response = await this.app.inject({
      method: 'POST',
      url,
      payload: new URLSearchParams(form).toString(),
      headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded', ...headers },
    });
    this.remember(response);
    return response;
  }

  /** Loads `pageUrl`, then submits its form to `action` with the page's CSRF token. */
  async submit(pageUrl: string, action: string, form: Record<string, string>) {
    const page = await this.get(pageUrl);
    return this.post(action, { _csrf: csrfFrom(page.body), ...form });
  }
}

/** Signs in through the real pages: password, then a TOTP code computed for the service's clock. */
export async function signIn(app: FastifyInstance, services: TestServices, account: TestUser): Promise<Browser> {
  const browser = new Browser(app);
  const afterPassword = await browser.submit('/sign-in', '/sign-in', {
    email: account.user.email,
    password: account.password,
  });
  if (afterPassword.statusCode !== 303 || afterPassword.headers.location !== '/sign-in/two-factor') {
    throw new Error(`password step failed: ${afterPassword.statusCode} ${afterPassword.headers.location ?? ''}`);
  }
  // Each sign-in needs a fresh time step: a code is accepted only once.
  services.clock.advance(30_000);
  const done = await browser.submit('/sign-in/two-factor', '/sign-in/two-factor', {
    code: totpCode(account.totpSecret!, services.now()),
  });
  if (done.statusCode !== 303 || done.headers.location !== '/')
    throw new Error(`two-factor step failed: ${done.statusCode}`);
  return browser;
}
