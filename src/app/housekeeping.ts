/**
 * Periodic tidying that any node may run at any time: expired sessions, stale rate-limit counters and
 * idempotency keys are deleted, files past their retention are destroyed, requests for a new pupil's CTF that
 * went unanswered past their due date are passed to the new school's LA, schools are reminded of leavers' CTFs,
 * bulk jobs finished longer ago than their retention are deleted with their items, and sealed bodies a crash left
 * with no file referring to them are removed. Each step is idempotent or claims its rows (SKIP LOCKED, or a
 * conditional update), so nodes running it at once do no harm.
 */
import type { HousekeepingTask } from '../platform/capability.js';
import { deleteFinishedJobs } from '../platform/jobs.js';
import { purgeRateLimits } from '../platform/rate-limit-store.js';
import type { Services } from '../platform/services.js';
import { capabilities } from './capabilities.js';

/**
 * A body with no key row this long after it was last written is litter, not an upload in progress: the key row is
 * written moments after the body, and no transaction stays open for a day.
 */
export const LITTER_HOURS = 24;

/** What the platform tidies itself, beside the capabilities' own tasks. */
const platformTasks: HousekeepingTask[] = [
  {
    name: 'forget stale rate-limit counters',
    async run(services, now) {
      await purgeRateLimits(services.db, new Date(now.getTime() - 60 * 60_000));
      return {};
    },
  },
  {
    name: 'delete finished bulk jobs',
    run: async (services, now) => ({
      finishedJobs: await deleteFinishedJobs(
        services.db,
        new Date(now.getTime() - services.config.jobRetentionDays * 86_400_000),
      ),
    }),
    purged: { finishedJobs: 'finished_jobs' },
  },
  {
    name: 'remove litter bodies',
    // Bodies' ages are the disk's and the database's clocks, not the service's (which tests set).
    run: async (services) => ({
      litterBodies: await services.blobs.removeLitter(new Date(Date.now() - LITTER_HOURS * 3_600_000)),
    }),
    purged: { litterBodies: 'litter_bodies' },
  },
];

const tasks: HousekeepingTask[] = [
  ...capabilities.flatMap((capability) => capability.housekeeping ?? []),
  ...platformTasks,
];

/** Runs every task in turn, and reports what each did by name (`{ sessions: 2, files: 3, … }`). */
export async function housekeeping(services: Services): Promise<Record<string, number>> {
  const now = services.now();
  const report: Record<string, number> = {};
  for (const task of tasks) Object.assign(report, await task.run(services, now));
  const purgedKinds = tasks.flatMap((task) => Object.entries(task.purged ?? {}));
  const removed = services.metrics.counter({
    name: 's2s_purged_total',
    help: 'What housekeeping removed, by kind: files destroyed, repository records, sessions, litter bodies (sealed bodies no file refers to, left by a crash), finished bulk jobs.',
    labelNames: ['kind'],
    initial: purgedKinds.map(([, kind]) => ({ kind })),
  });
  for (const [key, kind] of purgedKinds) removed.inc({ kind }, report[key] ?? 0);
  return report;
}

/**
 * Runs housekeeping once at start and then every `minutes`, and each capability's periodic work (email notices every minute) until
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
        const litter = report.litterBodies ?? 0;
        if (litter > 0) onLitter?.(litter);
      })
      .catch(onError);
  const first = setTimeout(run, 0);
  const timer = setInterval(run, minutes * 60_000);
  const periodic = capabilities
    .flatMap((capability) => capability.periodic ?? [])
    .map((task) => setInterval(() => task.run(services).catch(onError), task.everySeconds * 1000));
  first.unref();
  timer.unref();
  for (const timer of periodic) timer.unref();
  return () => {
    clearTimeout(first);
    clearInterval(timer);
    for (const timer of periodic) clearInterval(timer);
  };
}
