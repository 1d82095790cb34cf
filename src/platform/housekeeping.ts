/**
 * Periodic tidying that any node may run at any time: expired sessions, stale rate-limit counters and
 * idempotency keys are deleted, files past their retention are destroyed, requests for a new pupil's CTF that
 * went unanswered past their due date are passed to the new school's LA, and schools are reminded of leavers'
 * CTFs. Each step is idempotent or claims its rows (SKIP LOCKED, or a conditional update), so nodes running it at
 * once do no harm.
 */
import { purgeExpiredSessions } from '../identity/sessions.js';
import { passOverdueRequests } from '../joiners/ctf-requests.js';
import { forgetOldSentPupils, remindLeavers } from '../leavers/remind-leavers.js';
import { sendEmailNotices } from '../notifications/email-notices.js';
import { IDEMPOTENCY_HOURS } from '../transfers/idempotency.js';
import { purgeExpired } from '../transfers/retention.js';
import { purgeRateLimits } from './rate-limit-store.js';
import type { Services } from './services.js';

export async function housekeeping(services: Services): Promise<{
  sessions: number;
  files: number;
  repositoryRecords: number;
  requestsPassedToLa: number;
  leaversReminded: number;
}> {
  const now = services.now();
  const sessions = await purgeExpiredSessions(services.db, now, {
    idleMinutes: services.config.sessionIdleMinutes,
    maxHours: services.config.sessionMaxHours,
  });
  await purgeRateLimits(services.db, new Date(now.getTime() - 60 * 60_000));
  await services.db
    .deleteFrom('idempotency_keys')
    .where('created_at', '<', new Date(now.getTime() - IDEMPOTENCY_HOURS * 3_600_000))
    .execute();
  const purged = await purgeExpired(services);
  const requestsPassedToLa = await passOverdueRequests(services);
  const leaversReminded = await remindLeavers(services.db, now);
  await forgetOldSentPupils(services.db, now);
  return { sessions, ...purged, requestsPassedToLa, leaversReminded };
}

/**
 * Runs housekeeping once at start and then every `minutes`, and sends waiting email notices every minute, until
 * stopped; failures are logged, never fatal.
 */
export function scheduleHousekeeping(services: Services, onError: (error: unknown) => void, minutes = 10): () => void {
  // A node that was down (or a demo term seeded in the past) has files already past their retention: they go now,
  // not after the first interval.
  const run = () => void housekeeping(services).catch(onError);
  const first = setTimeout(run, 0);
  const timer = setInterval(run, minutes * 60_000);
  const emails = setInterval(() => {
    sendEmailNotices(services.db, services.now(), services.mailer, services.config.publicUrl).catch(onError);
  }, 60_000);
  first.unref();
  timer.unref();
  emails.unref();
  return () => {
    clearTimeout(first);
    clearInterval(timer);
    clearInterval(emails);
  };
}
