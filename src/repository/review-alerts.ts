/**
 * A search alert is work for the LA's administrators: they are told when one is raised, see it on their home page
 * until one of them marks it reviewed, and the review is audited with who and when.
 */
import { auditActor, type User } from '../platform/user.js';
import type { Db } from '../platform/database.js';
import { isUuid } from '../platform/ids.js';
import { laUsers, notify } from '../notifications/public.js';
import type { TransferDeps } from '../transfers/public.js';
import type { DayFlagTable } from './day-flags.js';

export const SEARCH_ALERT = {
  kind: 'search-alert',
  message: 'Someone in your LA has searched the repository, or asked for records, unusually often: review it',
  link: '/repository/alerts',
};

/** Tells the LA's administrators that an alert has been raised. */
export async function tellAdministrators(db: Db, now: Date, laCode: string): Promise<void> {
  await notify(db, now, await laUsers(db, laCode, ['la-admin']), SEARCH_ALERT);
}

/** Marks one of the administrator's LA's alerts reviewed; false when there is none such not yet reviewed. */
export async function markAlertReviewed(
  deps: Pick<TransferDeps, 'db' | 'now' | 'audit'>,
  admin: User,
  table: DayFlagTable,
  id: string,
  sourceIp: string | null,
): Promise<boolean> {
  if (!isUuid(id)) return false;
  const updated = await deps.db
    .updateTable(table)
    .set({ reviewed_at: deps.now(), reviewed_by: admin.id })
    .where('id', '=', id)
    .where('la_code', '=', admin.laCode ?? admin.orgCode)
    .where('reviewed_at', 'is', null)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) return false;
  await deps.audit({
    action: 'repository.alert-reviewed',
    actor: auditActor(admin),
    target: { kind: table === 'probing_alerts' ? 'probing-alert' : 'repository-search-alert', id },
    sourceIp,
  });
  return true;
}
