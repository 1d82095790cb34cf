/**
 * User accounts: creation within an administrator's reach, one-time set-up links, disabling, resets.
 * Every change is audited against the LA whose trail it belongs to.
 */
import crypto from 'node:crypto';
import type { RecordAudit } from '../platform/audit/record-audit.js';
import type { Db } from '../platform/database.js';
import { randomToken, sha256Hex } from '../platform/keys.js';
import type { OrgKind, Role } from '../platform/schema.js';
import { forgetCachedTokens } from './api-tokens.js';
import { AccountError, auditActor, toUser, userColumns, type User } from '../platform/user.js';
import { manageableRoles } from '../platform/permissions.js';
import { hashPassword, passwordProblem } from './passwords.js';
import { isUuid } from '../platform/ids.js';

export interface AccountDeps {
  db: Db;
  now: () => Date;
  audit: RecordAudit;
  publicUrl: string;
}

const SETUP_LINK_DAYS = 7;

export const orgKindForRole: Record<Role, OrgKind> = {
  'school-user': 'school',
  'la-user': 'la',
  'la-admin': 'la',
  'dfe-admin': 'dfe',
};

/** Resolves an organisation named by a LAEstab, an LA code or DFE; checks it fits the role. */
export async function resolveOrganisation(
  db: Db,
  org: string,
  role: Role,
): Promise<{ orgKind: OrgKind; orgCode: string; laCode: string | null; name: string }> {
  const code = org.trim().toUpperCase();
  const kind = orgKindForRole[role];
  if (kind === 'dfe') {
    if (code !== 'DFE') throw new AccountError('ORG_ROLE_MISMATCH', 'A DfE administrator belongs to DFE', 'org');
    return { orgKind: 'dfe', orgCode: 'DFE', laCode: null, name: 'Department for Education' };
  }
  if (kind === 'la') {
    if (!/^\d{3}$/.test(code)) {
      throw new AccountError(
        'ORG_ROLE_MISMATCH',
        `A ${role} belongs to a local authority: give its 3-digit code`,
        'org',
      );
    }
    const la = await db
      .selectFrom('local_authorities')
      .select(['code', 'name'])
      .where('code', '=', code)
      .executeTakeFirst();
    if (!la) throw new AccountError('ORG_NOT_FOUND', `There is no local authority with code ${code}`, 'org');
    return { orgKind: 'la', orgCode: la.code, laCode: la.code, name: la.name };
  }
  if (!/^\d{7}$/.test(code)) {
    throw new AccountError('ORG_ROLE_MISMATCH', 'A school user belongs to a school: give its 7-digit LAEstab', 'org');
  }
  const school = await db
    .selectFrom('establishments')
    .select(['laestab', 'la_code', 'name', 'status'])
    .where('laestab', '=', code)
    .executeTakeFirst();
  if (!school) throw new AccountError('ORG_NOT_FOUND', `There is no school with LAEstab ${code}`, 'org');
  if (school.status === 'Closed') {
    throw new AccountError(
      'ORG_CLOSED',
      `${school.name} (${code}) is closed: accounts can only be made for open schools`,
      'org',
    );
  }
  return { orgKind: 'school', orgCode: school.laestab, laCode: school.la_code, name: school.name };
}

/** Whether `manager` may create or change an account with this role in this organisation. */
export function withinReach(manager: User, target: { role: Role; laCode: string | null }): boolean {
  if (manager.status !== 'active') return false;
  if (!manageableRoles[manager.role].includes(target.role)) return false;
  if (manager.role === 'la-admin') return target.laCode !== null && target.laCode === manager.laCode;
  return manager.role === 'dfe-admin';
}

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface NewUser {
  email: string;
  name: string;
  org: string;
  role: Role;
}

/** Creates an account and returns its one-time set-up link. `manager` is null only for the operator CLI. */
export async function createUser(
  deps: AccountDeps,
  input: NewUser,
  manager: User | null,
  sourceIp: string | null = null,
): Promise<{ user: User; setupLink: string }> {
  const email = input.email.trim().toLowerCase();
  const name = input.name.trim();
  if (!emailPattern.test(email) || email.length > 254) {
    throw new AccountError(
      'EMAIL_INVALID',
      'Enter an email address in the correct format, like name@school.org.uk',
      'email',
    );
  }
  if (name.length === 0 || name.length > 200)
    throw new AccountError('NAME_INVALID', 'Enter the person’s full name', 'name');
  const org = await resolveOrganisation(deps.db, input.org, input.role);
  if (manager && !withinReach(manager, { role: input.role, laCode: org.laCode })) {
    throw new AccountError(
      'OUT_OF_REACH',
      'You cannot create this account: it is outside the organisations you manage',
      'org',
    );
  }
  const existing = await deps.db
    .selectFrom('users')
    .select('id')
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email))
    .executeTakeFirst();
  if (existing) throw new AccountError('EMAIL_TAKEN', 'An account with this email address already exists', 'email');

  const token = randomToken();
  const id = crypto.randomUUID();
  const now = deps.now();
  await deps.db
    .insertInto('users')
    .values({
      id,
      email,
      name,
      org_kind: org.orgKind,
      org_code: org.orgCode,
      la_code: org.laCode,
      role: input.role,
      password_hash: null,
      totp_secret: null,
      totp_key_id: null,
      totp_enrolled_at: null,
      totp_last_step: null,
      locked_until: null,
      setup_token_hash: sha256Hex(token),
      setup_expires_at: new Date(now.getTime() + SETUP_LINK_DAYS * 86_400_000),
      created_by: manager?.id ?? null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  const user = await getUser(deps.db, id);
  await deps.audit({
    action: 'user.created',
    actor: manager ? auditActor(manager) : null,
    laCode: org.laCode,
    target: { kind: 'user', id },
    sourceIp,
    details: { email, role: input.role, org: org.orgCode, by: manager ? 'administrator' : 'operator' },
  });
  return { user, setupLink: `${deps.publicUrl}/set-up/${token}` };
}

export async function getUser(db: Db, id: string): Promise<User> {
  const row = await db.selectFrom('users').select(userColumns).where('id', '=', id).executeTakeFirst();
  if (!row) throw new AccountError('USER_NOT_FOUND', 'There is no such account');
  return toUser(row);
}

export async function findUserByEmail(db: Db, email: string): Promise<User | undefined> {
  const row = await db
    .selectFrom('users')
    .select(userColumns)
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email.trim().toLowerCase()))
    .executeTakeFirst();
  return row ? toUser(row) : undefined;
}

/** An account that `manager` may see and change, or undefined: callers answer 404, never "forbidden". */
export async function userInReach(db: Db, manager: User, id: string): Promise<User | undefined> {
  if (!isUuid(id)) return undefined;
  const row = await db.selectFrom('users').select(userColumns).where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  const user = toUser(row);
  return withinReach(manager, user) ? user : undefined;
}

export async function listUsersInReach(db: Db, manager: User): Promise<User[]> {
  const reachable = manageableRoles[manager.role];
  if (reachable.length === 0) return [];
  let query = db
    .selectFrom('users')
    .select(userColumns)
    .where('role', 'in', [...reachable]);
  if (manager.role === 'la-admin') query = query.where('la_code', '=', manager.laCode);
  const rows = await query.orderBy('org_code').orderBy('name').limit(1000).execute();
  return rows.map(toUser);
}

export async function findSetupToken(deps: AccountDeps, token: string): Promise<User | undefined> {
  const row = await deps.db
    .selectFrom('users')
    .select([...userColumns, 'setup_expires_at'])
    .where('setup_token_hash', '=', sha256Hex(token))
    .executeTakeFirst();
  if (!row || !row.setup_expires_at || new Date(row.setup_expires_at) < deps.now() || row.status !== 'active') {
    return undefined;
  }
  return toUser(row);
}

/** Sets the password from a set-up link; the link is spent. Two-factor is enrolled at the first sign-in. */
export async function completeSetup(
  deps: AccountDeps,
  token: string,
  password: string,
  confirm: string,
  sourceIp: string | null,
): Promise<User> {
  const user = await findSetupToken(deps, token);
  if (!user) throw new AccountError('SETUP_LINK_INVALID', 'This set-up link has expired or has been used');
  const problem = passwordProblem(password, user.email);
  if (problem) throw new AccountError('PASSWORD_WEAK', problem, 'password');
  if (password !== confirm) throw new AccountError('PASSWORD_MISMATCH', 'The passwords do not match', 'confirm');
  await deps.db
    .updateTable('users')
    .set({
      password_hash: await hashPassword(password),
      setup_token_hash: null,
      setup_expires_at: null,
      failed_sign_ins: 0,
      locked_until: null,
      updated_at: deps.now(),
    })
    .where('id', '=', user.id)
    .execute();
  await deps.audit({
    action: 'user.password-set',
    actor: auditActor(user),
    target: { kind: 'user', id: user.id },
    sourceIp,
  });
  return getUser(deps.db, user.id);
}

type AccountChange = 'disable' | 'enable' | 'reset-two-factor' | 'reset-password';

/** Applies an administrator's change to an account in reach; returns a new set-up link for reset-password. */
export async function changeAccount(
  deps: AccountDeps,
  manager: User,
  target: User,
  change: AccountChange,
  sourceIp: string | null,
): Promise<{ setupLink?: string }> {
  if (!withinReach(manager, target)) throw new AccountError('OUT_OF_REACH', 'There is no such account');
  if (target.id === manager.id && change === 'disable') {
    throw new AccountError('SELF_DISABLE', 'You cannot disable your own account');
  }
  const now = deps.now();
  let setupLink: string | undefined;
  await deps.db.transaction().execute(async (trx) => {
    if (change === 'disable') {
      await trx.updateTable('users').set({ status: 'disabled', updated_at: now }).where('id', '=', target.id).execute();
      await trx.deleteFrom('sessions').where('user_id', '=', target.id).execute();
    } else if (change === 'enable') {
      await trx
        .updateTable('users')
        .set({ status: 'active', failed_sign_ins: 0, locked_until: null, updated_at: now })
        .where('id', '=', target.id)
        .execute();
    } else if (change === 'reset-two-factor') {
      await trx
        .updateTable('users')
        .set({ totp_secret: null, totp_key_id: null, totp_enrolled_at: null, totp_last_step: null, updated_at: now })
        .where('id', '=', target.id)
        .execute();
      await trx.deleteFrom('sessions').where('user_id', '=', target.id).execute();
    } else {
      const token = randomToken();
      setupLink = `${deps.publicUrl}/set-up/${token}`;
      await trx
        .updateTable('users')
        .set({
          password_hash: null,
          setup_token_hash: sha256Hex(token),
          setup_expires_at: new Date(now.getTime() + SETUP_LINK_DAYS * 86_400_000),
          failed_sign_ins: 0,
          locked_until: null,
          updated_at: now,
        })
        .where('id', '=', target.id)
        .execute();
      await trx.deleteFrom('sessions').where('user_id', '=', target.id).execute();
    }
    // Whoever held the old password, second factor or enabled account may have minted tokens with it: a reset or
    // a disabling ends them with the sessions, and re-enabling does not bring them back.
    if (change !== 'enable') {
      await trx
        .updateTable('api_tokens')
        .set({ revoked_at: now })
        .where('user_id', '=', target.id)
        .where('revoked_at', 'is', null)
        .execute();
    }
  });
  // The revoked tokens must stop working now, not when this node's check of them expires.
  forgetCachedTokens(deps.db, { userId: target.id });
  await deps.audit({
    action: `user.${change}`,
    actor: auditActor(manager),
    laCode: target.laCode,
    target: { kind: 'user', id: target.id },
    sourceIp,
    details: { email: target.email },
  });
  return setupLink ? { setupLink } : {};
}
