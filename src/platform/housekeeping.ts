/**
 * Periodic tidying that any node may run at any time: expired sessions, stale rate-limit counters and
 * idempotency keys are deleted, files past their retention are destroyed, requests for a new pupil's CTF that
 * went unanswered past their due date are passed to the new school's LA, schools are reminded of leavers' CTFs,
 * bulk jobs finished longer ago than their retention are deleted with their items, and sealed bodies a crash left
 * with no file referring to them are removed. Each step is idempotent or claims its rows (SKIP LOCKED, or a
 * conditional update), so nodes running it at once do no harm.
 */
import { purgeExpiredSessions } from '../identity/sessions.js';
import { passOverdueRequests } from '../joiners/ctf-requests.js';
import { forgetOldSentPupils, remindLeavers } from '../leavers/remind-leavers.js';
import { sendEmailNotices } from '../notifications/email-notices.js';
import { IDEMPOTENCY_HOURS } from '../transfers/idempotency.js';
import { purgeExpired } from '../transfers/retention.js';
import { deleteFinishedJobs } from './jobs.js';
import { purgeRateLimits } from './rate-limit-store.js';
import type { Services } from './services.js';

/**
 * A body with no key row this long after it was last written is litter, not an upload in progress: the key row is
 * written moments after the body, and no transaction stays open for a day.
 */
export const LITTER_HOURS = 24;

const PURGED_KINDS = ['files', 'repository_records', 'sessions', 'litter_bodies', 'finished_jobs'] as const;

export async function housekeeping(services: Services): Promise<{
  sessions: number;
  files: number;
  repositoryRecords: number;
  requestsPassedToLa: number;
  leaversReminded: number;
  finishedJobs: number;
  litterBodies: number;
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
  const finishedJobs = await deleteFinishedJobs(
    services.db,
    new Date(now.getTime() - services.config.jobRetentionDays * 86_400_000),
  );
  // Bodies' ages are the disk's and the database's clocks, not the service's (which tests set).
  const litterBodies = await services.blobs.removeLitter(new Date(Date.now() - LITTER_HOURS * 3_600_000));
  const removed = services.metrics.counter({
    name: 's2s_purged_total',
    help: 'What housekeeping removed, by kind: files destroyed, repository records, sessions, litter bodies (sealed bodies no file refers to, left by a crash), finished bulk jobs.',
    labelNames: ['kind'],
    initial: PURGED_KINDS.map((kind) => ({ kind })),
  });
  removed.inc({ kind: 'files' }, purged.files);
  const repositoryRecords = purged.repositoryRecords ?? 0;
  removed.inc({ kind: 'repository_records' }, repositoryRecords);
  removed.inc({ kind: 'sessions' }, sessions);
  removed.inc({ kind: 'litter_bodies' }, litterBodies);
  removed.inc({ kind: 'finished_jobs' }, finishedJobs);
  return {
    sessions,
    files: purged.files,
    repositoryRecords,
    requestsPassedToLa,
    leaversReminded,
    finishedJobs,
    litterBodies,
  };
}

/**
 * Runs housekeeping once at start and then every `minutes`, and sends waiting email notices every minute, until
 * stopped; failures are logged, never fatal. Litter removed is reported, so that operators can count it.
 */
export function scheduleHousekeeping(
  services: Services,
  onError: (error: unknown) => void,
  minutes = 10,
  onLitter?: (bodies: number) => void,
): () => void {
  // A node that was down (or a demo term seeded in the past) has files already past their retention: they go now,
  // not after the first interval.
  const run = () =>
    void housekeeping(services)
      .then((report) => {
        if (report.litterBodies > 0) onLitter?.(report.litterBodies);
      })
      .catch(onError);
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
