/**
 * One budget of lookups per user. Every path that can tell a user where a child is or went (a repository search, a
 * new pupil's registration, an enquiry sent (a draft looks nothing up), a UPN checked against CTFs sent) spends from
 * it, whichever session or token the user comes by and whichever node answers. A lookup is counted and admitted in
 * one upsert, so simultaneous lookups cannot all pass on a count read before any was written; and the day's count
 * raises one unusual-volume flag for the user's LA administrators once it reaches the threshold, however far past
 * the threshold a burst carries it.
 */
import crypto from 'node:crypto';
import { sql } from 'kysely';
import { auditActor, type User } from '../platform/user.js';
import type { Db } from '../platform/database.js';
import type { LookupBudgetsTable } from '../platform/schema.js';
import type { TransferDeps } from '../transfers/public.js';
import { tellAdministrators } from './review-alerts.js';

/** The paths a lookup comes by, as the audit names them. */
export type LookupPath = 'repository-search' | 'joiner-registration' | 'enquiry' | 'sent-ctfs-check';

export type LookupAdmission = { admitted: true } | { admitted: false; retryAfterSeconds: number };

const MINUTE = 60_000;

/** Counts one lookup in the user's current window of `span`, starting a new window once the old one has ended. */
async function countLookup(
  db: Db,
  userId: string,
  span: LookupBudgetsTable['span'],
  windowStart: Date,
  expired: ReturnType<typeof sql<boolean>>,
): Promise<{ count: number; windowStart: Date }> {
  const row = await db
    .insertInto('lookup_budgets')
    .values({ user_id: userId, span, window_start: windowStart, count: 1 })
    .onConflict((oc) =>
      oc.columns(['user_id', 'span']).doUpdateSet({
        count: sql`CASE WHEN ${expired} THEN 1 ELSE lookup_budgets.count + 1 END`,
        window_start: sql`CASE WHEN ${expired} THEN ${windowStart}::timestamptz ELSE lookup_budgets.window_start END`,
      }),
    )
    .returning(['count', 'window_start'])
    .executeTakeFirstOrThrow();
  return { count: row.count, windowStart: new Date(row.window_start) };
}

/**
 * Spends one lookup from the user's budget: refused (and audited) once the minute's lookups pass the limit, so the
 * caller must then answer nothing about any child; admitted lookups count towards the day's unusual volume.
 */
export async function spendLookup(
  deps: TransferDeps,
  user: User,
  path: LookupPath,
  sourceIp: string | null,
): Promise<LookupAdmission> {
  const now = deps.now();
  const minute = await countLookup(
    deps.db,
    user.id,
    'minute',
    now,
    sql<boolean>`lookup_budgets.window_start + (${MINUTE} * interval '1 millisecond') <= ${now}`,
  );
  if (minute.count > deps.config.repositorySearchesPerMinute) {
    await deps.audit({
      action: 'repository.search-refused',
      outcome: 'denied',
      actor: auditActor(user),
      sourceIp,
      details: { reason: 'rate limit', path, lookupsInThisMinute: minute.count },
    });
    const retryAfterMs = minute.windowStart.getTime() + MINUTE - now.getTime();
    return { admitted: false, retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) };
  }

  const day = await countToday(deps.db, user.id, 'day', now);
  if (day.count >= deps.config.repositorySearchAlertPerDay)
    await flagUnusualVolume(deps, user, now, day.dayStart, day.count);
  return { admitted: true };
}

/**
 * Counts one event in the user's window of the current UTC day (a new day starts the count again), in the one
 * upsert that admits lookups, so simultaneous events on any node are all counted.
 */
export async function countToday(
  db: Db,
  userId: string,
  span: 'day' | 'refused-by-id-day',
  now: Date,
): Promise<{ count: number; dayStart: Date }> {
  const dayStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const { count } = await countLookup(
    db,
    userId,
    span,
    dayStart,
    sql<boolean>`lookup_budgets.window_start < ${dayStart}`,
  );
  return { count, dayStart };
}

/** Raises the day's one flag for the user's LA administrators; the key on user and day makes a second a no-op. */
async function flagUnusualVolume(
  deps: TransferDeps,
  user: User,
  now: Date,
  dayStart: Date,
  lookups: number,
): Promise<void> {
  const laCode = user.laCode ?? user.orgCode;
  const raised = await deps.db
    .insertInto('repository_search_alerts')
    .values({
      id: crypto.randomUUID(),
      la_code: laCode,
      user_id: user.id,
      org_code: user.orgCode,
      searches: lookups,
      raised_at: now,
      day: dayStart.toISOString().slice(0, 10),
    })
    .onConflict((oc) => oc.columns(['user_id', 'day']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!raised) return;
  await tellAdministrators(deps.db, now, laCode);
  await deps.audit({
    action: 'repository.search-volume-flagged',
    actor: auditActor(user),
    laCode,
    target: { kind: 'repository-search-alert', id: raised.id },
    details: { lookupsToday: lookups },
  });
}
