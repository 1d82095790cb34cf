/**
 * In-service notifications: what needs a user's attention, with a link to it. A notification never names a child:
 * the link leads to the page that does, behind the same permissions as always.
 */
import crypto from 'node:crypto';
import { sql } from 'kysely';
import type { User } from '../platform/user.js';
import type { Db } from '../platform/database.js';
import type { Role } from '../platform/schema.js';

export interface Notification {
  id: string;
  kind: string;
  message: string;
  link: string;
  createdAt: Date;
  read: boolean;
  /** How many times it came while unread; 1 for a notice that came once. */
  times: number;
}

/**
 * Tells each user in `userIds`. The same notice again while the first is still unread is counted on it, and the
 * notice moves to the top, rather than added again: a weekly reminder is one line that says how often it came.
 */
export async function notify(
  db: Db,
  now: Date,
  userIds: readonly string[],
  notice: { kind: string; message: string; link: string },
): Promise<void> {
  if (userIds.length === 0) return;
  const repeated = await db
    .updateTable('notifications')
    .set((eb) => ({ repeats: eb('repeats', '+', 1), created_at: now }))
    .where('user_id', 'in', [...userIds])
    .where('kind', '=', notice.kind)
    .where('link', '=', notice.link)
    .where('message', '=', notice.message)
    .where('read_at', 'is', null)
    .returning('user_id')
    .execute();
  const told = new Set(repeated.map((r) => r.user_id));
  const fresh = [...new Set(userIds)].filter((id) => !told.has(id));
  if (fresh.length === 0) return;
  await db
    .insertInto('notifications')
    .values(fresh.map((userId) => ({ id: crypto.randomUUID(), user_id: userId, ...notice, created_at: now })))
    .execute();
}

/** The active users of an LA with one of the given roles: whom an LA-wide notice goes to. */
export async function laUsers(db: Db, laCode: string, roles: readonly Role[]): Promise<string[]> {
  const rows = await db
    .selectFrom('users')
    .select('id')
    .where('org_kind', '=', 'la')
    .where('org_code', '=', laCode)
    .where('role', 'in', [...roles])
    .where('status', '=', 'active')
    .execute();
  return rows.map((r) => r.id);
}

/** The active staff of a school: whom a notice for the school goes to. */
export async function schoolUsers(db: Db, laestab: string): Promise<string[]> {
  const rows = await db
    .selectFrom('users')
    .select('id')
    .where('org_kind', '=', 'school')
    .where('org_code', '=', laestab)
    .where('role', '=', 'school-user')
    .where('status', '=', 'active')
    .execute();
  return rows.map((r) => r.id);
}

/** Files waiting uncollected in the user's organisation's inbox, and how many of them expire within a week. */
export async function inboxWaiting(db: Db, user: User, now: Date): Promise<{ waiting: number; expiringSoon: number }> {
  const row = await db
    .selectFrom('transfer_files')
    .select([
      sql<string>`count(*)`.as('waiting'),
      sql<string>`count(*) FILTER (WHERE expires_at < ${new Date(now.getTime() + 7 * 86_400_000)})`.as('expiring'),
    ])
    .where('recipient_org_code', '=', user.orgCode)
    .where('status', '=', 'delivered')
    .where('collected_at', 'is', null)
    .executeTakeFirstOrThrow();
  return { waiting: Number(row.waiting), expiringSoon: Number(row.expiring) };
}

export async function listNotifications(db: Db, user: User): Promise<Notification[]> {
  const rows = await db
    .selectFrom('notifications')
    .select(['id', 'kind', 'message', 'link', 'created_at', 'read_at', 'repeats'])
    .where('user_id', '=', user.id)
    .orderBy('created_at', 'desc')
    .limit(100)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    message: r.message,
    link: r.link,
    createdAt: new Date(r.created_at),
    read: r.read_at !== null,
    times: r.repeats,
  }));
}

export async function markNotificationsRead(db: Db, user: User, now: Date): Promise<void> {
  await db
    .updateTable('notifications')
    .set({ read_at: now })
    .where('user_id', '=', user.id)
    .where('read_at', 'is', null)
    .execute();
}
