/**
 * The demo: on an empty database, import the sample establishment register and create one account per role,
 * each with a fresh random password printed once. Two-factor is set up at each account's first sign-in.
 */
import crypto from 'node:crypto';
import path from 'node:path';
import { importRegister } from '../establishments/import-register.js';
import { createUser, type User } from '../identity/accounts.js';
import { hashPassword } from '../identity/passwords.js';
import type { Role } from '../platform/schema.js';
import type { Services } from '../platform/services.js';
import { projectRoot } from '../platform/web/project-root.js';
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

/** Seeds the demo when the database has no users; returns the credentials created (empty when it did nothing). */
export async function seedDemo(services: Services): Promise<DemoCredentials[]> {
  const existing = await services.db.selectFrom('users').select('id').limit(1).executeTakeFirst();
  if (existing) return [];
  await importRegister(services.db, sampleRegisterFile, services.now());
  const credentials: DemoCredentials[] = [];
  let leaverSchoolUser: User | undefined;
  const officers: Record<string, User> = {};
  for (const account of demoAccounts) {
    const { user } = await createUser(services, account, null);
    if (account.org === DEMO_LEAVER_SCHOOL) leaverSchoolUser = user;
    if (account.role === 'la-user') officers[account.org] = user;
    // 96 random bits: shown once, so it need not be memorable.
    const password = crypto.randomBytes(12).toString('base64url');
    await services.db
      .updateTable('users')
      .set({ password_hash: await hashPassword(password), setup_token_hash: null, setup_expires_at: null })
      .where('id', '=', user.id)
      .execute();
    credentials.push({ email: account.email, password, role: account.role, describe: account.describe });
  }
  if (leaverSchoolUser) await seedRepositoryDemo(services, leaverSchoolUser);
  await seedTermDemo(services, officers);
  return credentials;
}

export function formatDemoCredentials(credentials: DemoCredentials[], url: string): string {
  const lines = [
    '',
    '  DEMO ACCOUNTS (fictitious data). These passwords are shown once: note them now.',
    `  Sign in at ${url}/sign-in; each account sets up two-factor authentication at its first sign-in.`,
    '',
    ...credentials.map((c) => `  ${c.role.padEnd(12)} ${c.email.padEnd(32)} ${c.password}   ${c.describe}`),
    '',
  ];
  return lines.join('\n');
}
