/**
 * Probing by id is seen: every refusal by id (a 403 or 404 on a route that names a record) counts towards the user's
 * day, in the same one-upsert budget as lookups, and once the day's count reaches the threshold the user's LA
 * administrators get one flag for that day, beside the unusual-search flags.
 */
import crypto from 'node:crypto';
import { sql } from 'kysely';
import { auditActor, type User } from '../platform/user.js';
import type { TransferDeps } from '../transfers/public.js';
import { countToday } from './lookup-budget.js';
import { tellAdministrators } from './review-alerts.js';

type ProbingDeps = Pick<TransferDeps, 'db' | 'now' | 'audit' | 'config'>;

/** Counts one refusal by id to the user, raising the day's one probing flag once the count reaches the threshold. */
export async function countRefusalById(deps: ProbingDeps, user: User, sourceIp: string | null): Promise<void> {
  const now = deps.now();
  const { count, dayStart } = await countToday(deps.db, user.id, 'refused-by-id-day', now);
  if (count < deps.config.probeAlertPerDay) return;
  const laCode = user.laCode ?? user.orgCode;
  // The key on user and day makes every later refusal that day, on any node, a no-op here.
  const raised = await deps.db
    .insertInto('probing_alerts')
    .values({
      id: crypto.randomUUID(),
      la_code: laCode,
      user_id: user.id,
      org_code: user.orgCode,
      refusals: count,
      raised_at: now,
      day: dayStart.toISOString().slice(0, 10),
    })
    .onConflict((oc) => oc.columns(['user_id', 'day']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!raised) {
    // The flag shows the day's whole count, not only the count that crossed the threshold.
    await deps.db
      .updateTable('probing_alerts')
      .set({ refusals: sql<number>`GREATEST(refusals, ${count})` })
      .where('user_id', '=', user.id)
      .where('day', '=', dayStart.toISOString().slice(0, 10))
      .execute();
    return;
  }
  await tellAdministrators(deps.db, now, laCode);
  await deps.audit({
    action: 'request.probing-flagged',
    actor: auditActor(user),
    laCode,
    sourceIp,
    target: { kind: 'probing-alert', id: raised.id },
    details: { refusalsToday: count },
  });
}
