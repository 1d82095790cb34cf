/**
 * The demo: on an empty database, import the sample establishment register and create one account per role,
 * each with a fresh random password printed once. Two-factor is set up at each account's first sign-in.
 */
import crypto from 'node:crypto';
import path from 'node:path';
import { sql } from 'kysely';
import { capabilities } from '../app/capabilities.js';
import { importRegister } from '../establishments/import-register.js';
import { createUser } from '../identity/accounts.js';
import type { User } from '../platform/user.js';
import { hashPassword } from '../identity/passwords.js';
import type { Role } from '../platform/schema.js';
import { servicesInOneTransaction, type Services } from '../platform/services.js';
import { projectRoot } from '../platform/web/project-root.js';
import { demoPupils } from './demo-pupils.js';
import { demoTimeline } from './demo-timeline.js';
import { DEMO_LEAVER_SCHOOL, seedRepositoryDemo } from './seed-repository.js';
import { seedTermDemo } from './seed-term.js';

export const sampleRegisterFile = path.join(projectRoot, 'samples', 'establishments', 'edubasealldata-sample.csv');

export const demoAccounts: Array<{ email: string; name: string; org: string; role: Role; describe: string }> = [
  {
    email: 'office@hollins-lane.example',
    name: 'Sam Okafor',
    org: '8232003',
    role: 'school-user',
    describe: 'school office, Hollins Lane Primary (8232003)',
  },
  {
    email: 'data@brackenford-high.example',
    name: 'Priya Shah',
    org: '3304101',
    role: 'school-user',
    describe: 'data manager, Brackenford High (3304101)',
  },
  {
    email: 'cme@ashdown-vale.example',
    name: 'Jo Whitfield',
    org: '823',
    role: 'la-user',
    describe: 'CME officer, Ashdown Vale LA (823)',
  },
  {
    email: 'cme@brackenford.example',
    name: 'Jo Adeyemi',
    org: '330',
    role: 'la-user',
    describe: 'CME officer, Brackenford LA (330)',
  },
  {
    email: 'admin@ashdown-vale.example',
    name: 'Chris Morgan',
    org: '823',
    role: 'la-admin',
    describe: 's2s administrator, Ashdown Vale LA (823)',
  },
  { email: 'admin@dfe.example', name: 'Alex Reid', org: 'DFE', role: 'dfe-admin', describe: 'DfE administrator' },
];

export interface DemoCredentials {
  email: string;
  password: string;
  role: Role;
  describe: string;
}

/** Any number unique among s2s's advisory locks: nodes starting together on PostgreSQL seed one at a time. */
const SEED_LOCK = 7_315_220_417;

/**
 * Seeds the demo when the database has no users; returns the credentials created (empty when it did nothing).
 * The seed is one transaction, so "has users" means "seeded": a start killed part-way leaves no users behind, and
 * the next start seeds again from the beginning.
 */
export async function seedDemo(services: Services): Promise<DemoCredentials[]> {
  return servicesInOneTransaction(services, async (inOne) => {
    await sql`SELECT pg_advisory_xact_lock(${SEED_LOCK})`.execute(inOne.db);
    const existing = await inOne.db.selectFrom('users').select('id').limit(1).executeTakeFirst();
    return existing ? [] : seedEmptyDatabase(inOne);
  });
}

async function seedEmptyDatabase(services: Services): Promise<DemoCredentials[]> {
  // Everything happens at its moment in the twelve weeks before the start: the register and the accounts on their
  // first school day, before anyone acts.
  const timeline = demoTimeline(
    services,
    capabilities.flatMap((capability) => capability.jobs ?? []),
  );
  const { then } = timeline;
  timeline.now(0, 7, 0);
  await importRegister(then.db, sampleRegisterFile, then.now());
  const credentials: DemoCredentials[] = [];
  let leaverSchoolUser: User | undefined;
  const officers: Record<string, User> = {};
  for (const account of demoAccounts) {
    const { user } = await createUser(then, account, null);
    if (account.org === DEMO_LEAVER_SCHOOL) leaverSchoolUser = user;
    if (account.role === 'la-user') officers[account.org] = user;
    // 96 random bits: shown once, so it need not be memorable.
    const password = crypto.randomBytes(12).toString('base64url');
    await then.db
      .updateTable('users')
      .set({ password_hash: await hashPassword(password), setup_token_hash: null, setup_expires_at: null })
      .where('id', '=', user.id)
      .execute();
    credentials.push({ email: account.email, password, role: account.role, describe: account.describe });
  }
  // One generator for all the demo's pupils: its counters give each a UPN of its own, from the demo's UPN space.
  const pupils = demoPupils(timeline);
  if (leaverSchoolUser) seedRepositoryDemo(timeline, pupils, leaverSchoolUser);
  seedTermDemo(timeline, pupils, officers);
  await timeline.run();
  return credentials;
}

/**
 * What a new user reads at the first start: where to sign in, each account with its password, and how to get a
 * fresh set, since the passwords are stored only as hashes and never shown again. `freshStart` says how to begin
 * again (on the embedded database, which folder to delete).
 */
export function formatDemoCredentials(credentials: DemoCredentials[], url: string, freshStart?: string): string {
  const row = (role: string, email: string, password: string, who: string) =>
    `  ${role.padEnd(12)} ${email.padEnd(32)} ${password.padEnd(18)} ${who}`.trimEnd();
  const lines = [
    '',
    '  DEMO ACCOUNTS (fictitious people and data). Each password is shown this once: note them now.',
    `  Sign in at ${url}/sign-in with an email and its password. At its first sign-in each account sets up`,
    '  two-factor authentication: scan the QR code with an authenticator app, then type the code it shows.',
    ...(freshStart ? [`  Lost a password? ${freshStart}`] : []),
    '',
    row('role', 'email', 'password', 'who'),
    ...credentials.map((c) => row(c.role, c.email, c.password, c.describe)),
    '',
  ];
  return lines.join('\n');
}
