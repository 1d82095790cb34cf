/**
 * The flags raised to an LA's administrators about one user's day, for unusual search volume or for repeated
 * refusals by id: one a user and day, listed for the administrators of the user's LA.
 */
import { sql } from 'kysely';
import type { User } from '../platform/user.js';
import type { Db } from '../platform/database.js';

/** Each table of flags, and the column holding the day's count it flags. */
const countColumn = { repository_search_alerts: 'searches', probing_alerts: 'refusals' } as const;

export type DayFlagTable = keyof typeof countColumn;

export interface DayFlag {
  id: string;
  userEmail: string;
  orgCode: string;
  /** The day's searches, or refusals by id, as the flag last counted them. */
  count: number;
  raisedAt: Date;
  /** The UTC day the flag is for, `YYYY-MM-DD` (null only on search flags from before flags had a day). */
  day: string | null;
  reviewedAt: Date | null;
}

/** The flags in `table` for users in the administrator's LA, newest first. */
export async function flagsInLa(db: Db, table: DayFlagTable, user: User): Promise<DayFlag[]> {
  const rows = await db
    .selectFrom(table)
    .innerJoin('users as u', 'u.id', `${table}.user_id`)
    .select([
      `${table}.id`,
      'u.email',
      `${table}.org_code`,
      `${table}.raised_at`,
      `${table}.day`,
      `${table}.reviewed_at`,
    ])
    .select(sql<number>`${sql.ref(`${table}.${countColumn[table]}`)}`.as('count'))
    .where(`${table}.la_code`, '=', user.laCode ?? user.orgCode)
    .orderBy(`${table}.raised_at`, 'desc')
    .limit(200)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    userEmail: r.email,
    orgCode: r.org_code,
    count: Number(r.count),
    raisedAt: new Date(r.raised_at),
    day: r.day === null ? null : String(r.day).slice(0, 10),
    reviewedAt: r.reviewed_at ? new Date(r.reviewed_at) : null,
  }));
}
