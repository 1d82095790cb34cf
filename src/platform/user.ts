/**
 * Who a signed-in user is, as every part of s2s sees them: the user's record read from its row, the actor their
 * actions are audited as, and the error an account change is refused with. A leaf, so that accounts and API tokens
 * can both use it without importing each other.
 */
import type { AuditActor } from './audit/record-audit.js';
import type { OrgKind, Role } from './schema.js';

export interface User {
  id: string;
  email: string;
  name: string;
  orgKind: OrgKind;
  orgCode: string;
  laCode: string | null;
  role: Role;
  status: 'active' | 'disabled';
  twoFactorEnrolled: boolean;
  hasPassword: boolean;
  lockedUntil: Date | null;
  createdAt: Date;
}

export class AccountError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export type UserRow = {
  id: string;
  email: string;
  name: string;
  org_kind: OrgKind;
  org_code: string;
  la_code: string | null;
  role: Role;
  status: 'active' | 'disabled';
  totp_enrolled_at: Date | string | null;
  password_hash: string | null;
  locked_until: Date | string | null;
  created_at: Date | string;
};

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    orgKind: row.org_kind,
    orgCode: row.org_code,
    laCode: row.la_code,
    role: row.role,
    status: row.status,
    twoFactorEnrolled: row.totp_enrolled_at !== null,
    hasPassword: row.password_hash !== null,
    lockedUntil: row.locked_until ? new Date(row.locked_until) : null,
    createdAt: new Date(row.created_at),
  };
}

export const userColumns = [
  'id',
  'email',
  'name',
  'org_kind',
  'org_code',
  'la_code',
  'role',
  'status',
  'totp_enrolled_at',
  'password_hash',
  'locked_until',
  'created_at',
] as const;

export function auditActor(user: User): AuditActor {
  return {
    userId: user.id,
    email: user.email,
    role: user.role,
    orgKind: user.orgKind,
    orgCode: user.orgCode,
    laCode: user.laCode,
  };
}
