/**
 * The one permissions map: what each role may do. Every route names one of these permissions (or `public` /
 * `signed-in`), and the authorisation matrix test is generated from this map, so a route without a rule, or a
 * rule that drifts from this table, fails the suite. Deny unless listed.
 */
import type { Role } from './schema.js';

export { roles } from './vocabulary.js';

export const roleNames: Record<Role, string> = {
  'school-user': 'School user',
  'la-user': 'Local authority user',
  'la-admin': 'Local authority administrator',
  'dfe-admin': 'DfE administrator',
};

export const permissions = {
  'establishments:search': ['school-user', 'la-user', 'la-admin', 'dfe-admin'],
  // DfE staff administer the service; they neither send nor receive pupil files.
  'transfers:send': ['school-user', 'la-user', 'la-admin'],
  'transfers:receive': ['school-user', 'la-user', 'la-admin'],
  // LA staff see what waits, uncollected, at their schools.
  'transfers:oversee': ['la-user', 'la-admin'],
  // Searching the unknown-destination repository; DfE staff have no need to see a child's record.
  'repository:search': ['school-user', 'la-user', 'la-admin'],
  // LA staff see which children who left their schools were found, and by whom.
  'repository:oversee': ['la-user', 'la-admin'],
  // Unusual search volume is flagged to LA administrators.
  'repository:alerts': ['la-admin'],
  // A school registers a new pupil who came without a CTF, and answers requests for its former pupils' CTFs.
  'joiners:register': ['school-user'],
  'ctf-requests:answer': ['school-user'],
  // LA staff take over the search for a new pupil's record when the school could not get it.
  'joiners:oversee': ['la-user', 'la-admin'],
  // A school records its leavers, and is reminded until each one's CTF is sent.
  'leavers:record': ['school-user'],
  // LA staff see their schools' leavers whose CTF has not been sent, or whose destination is not known.
  'leavers:oversee': ['la-user', 'la-admin'],
  // CME officers make targeted missing-pupil enquiries and answer other LAs'; sending to many needs an LA admin.
  'enquiries:make': ['la-user', 'la-admin'],
  'enquiries:approve': ['la-admin'],
  // Reports on an LA's schools' use of s2s, and its CME figures.
  'reports:la': ['la-user', 'la-admin'],
  // Each LA's register of children missing education.
  'cme:cases': ['la-user', 'la-admin'],
  // National figures, with small numbers withheld; DfE staff see no child-level data.
  'reports:national': ['dfe-admin'],
  'account:tokens': ['school-user', 'la-user', 'la-admin', 'dfe-admin'],
  'users:manage': ['la-admin', 'dfe-admin'],
  'audit:view': ['la-admin', 'dfe-admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof permissions;

/** What a route requires: a permission, any signed-in user, or nobody (public pages: sign-in, health). */
export type Access = Permission | 'signed-in' | 'public';

export function can(role: Role, permission: Permission): boolean {
  return (permissions[permission] as readonly Role[]).includes(role);
}

/**
 * Which roles a manager may create or change. LA admins look after their LA's staff and its schools' staff;
 * DfE admins look after LA admins and each other. Nobody manages accounts outside that reach.
 */
export const manageableRoles: Record<Role, readonly Role[]> = {
  'school-user': [],
  'la-user': [],
  'la-admin': ['school-user', 'la-user'],
  'dfe-admin': ['la-admin', 'dfe-admin'],
};
