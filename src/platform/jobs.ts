/**
 * The bulk-work queue, kept in PostgreSQL so any node can take any job. Each node runs a few workers; a worker
 * claims the queued job whose organisation has the fewest jobs running (then the oldest), with FOR UPDATE SKIP
 * LOCKED, so one LA's many zips cannot starve another organisation's. A claim is a short lease, renewed by a
 * heartbeat while the job runs: a node that dies leaves its job to be taken over within seconds, and the job resumes
 * from the items it had recorded. The lease is short because waiting out a long one is what a sender would feel.
 * A job is started at most a set number of times: one whose every attempt stops its node is given up as failed,
 * rather than taken up for ever. Idle workers wait to be told of new work (`job-wakeups.ts`), polling only slowly.
 */
import crypto from 'node:crypto';
import { EventEmitter } from 'node:events';
import { sql, type Insertable } from 'kysely';
import { isDatabaseUnavailable, type Db } from './database.js';
import { inProcessWakeups, type JobWakeups } from './job-wakeups.js';
import type { JobsTable } from './schema.js';

/** How long a claim holds without a heartbeat, and how often a running job's node renews it. */
export const LEASE_MS = 15_000;
export const HEARTBEAT_MS = 5_000;
/** The advisory lock that makes claims take turns (any number unique among s2s's advisory locks). */
const CLAIM_LOCK = 7_315_220_404;

export interface Job {
  id: string;
  kind: string;
  orgCode: string;
  payload: Record<string, unknown>;
  attempts: number;
}

export interface JobContext {
  /** Results recorded by an earlier attempt, by item number. */
  done: Map<number, Record<string, unknown>>;
  /**
   * Records one finished item (and extends the lease). `alongside` adds the handler's own statements to the same
   * transaction, for what must become true exactly when the item counts as done: a node that dies before the
   * commit leaves neither, and the resumed job does the item again.
   */
  record(seq: number, result: Record<string, unknown>, alongside?: (trx: Db) => Promise<void>): Promise<void>;
}

export type JobHandler = (job: Job, context: JobContext) => Promise<Record<string, unknown>>;

/** What a kind of job does besides its work: on being given up, what it leaves behind is tidied away. */
export interface JobKindOptions {
  onAbandoned?: (job: Job) => Promise<void>;
}

export interface JobStatus {
  state: 'queued' | 'running' | 'done' | 'failed';
  result: Record<string, unknown> | null;
  error: string | null;
}

/** The context a job's handler works in: what earlier attempts recorded, and how to record more. */
export async function jobContext(db: Db, jobId: string, now: () => Date): Promise<JobContext> {
  const items = await db.selectFrom('job_items').select(['seq', 'result']).where('job_id', '=', jobId).execute();
  // One statement: a zip of thousands of entries records each one.
  const recordItem = (q: Db, seq: number, result: Record<string, unknown>) =>
    q
      .with('item', (w) =>
        w
          .insertInto('job_items')
          .values({ job_id: jobId, seq, result: JSON.stringify(result) })
          .onConflict((oc) => oc.columns(['job_id', 'seq']).doNothing()),
      )
      .updateTable('jobs')
      .set({ lease_until: new Date(now().getTime() + LEASE_MS) })
      .where('id', '=', jobId)
      .execute();
  return {
    done: new Map(items.map((i) => [i.seq, i.result])),
    async record(seq, result, alongside) {
      if (!alongside) {
        await recordItem(db, seq, result);
        return;
      }
      await db.transaction().execute(async (trx) => {
        await alongside(trx);
        await recordItem(trx, seq, result);
      });
    },
  };
}

/**
 * How long an idle worker waits before polling again, and the pauses after failed polls (doubling to a cap). The
 * idle wait is long: new jobs wake workers, and the poll is only there for a wake-up that went astray.
 */
export interface PollPauses {
  idleMs: number;
  firstRetryMs: number;
  longestRetryMs: number;
}

export const POLL_PAUSES: PollPauses = { idleMs: 5_000, firstRetryMs: 500, longestRetryMs: 10_000 };

/** Times a job is started before it is given up (S2S_JOB_MAX_ATTEMPTS). */
export const MAX_ATTEMPTS = 5;

/** The error a job given up records, in words its sender can act on; `abandonedJob` tells it from others. */
export function abandonedError(attempts: number): string {
  return (
    `Given up after ${attempts} attempts: each time, the server working on it stopped before it finished. ` +
    'Something in it may be stopping s2s: send it again in smaller parts, or ask for help.'
  );
}

export function abandonedJob(error: string | null): boolean {
  return error?.startsWith('Given up after ') ?? false;
}

export interface JobQueueOptions {
  pauses?: PollPauses;
  maxAttempts?: number;
  /** How this node hears of new jobs; by default only those queued through this queue. */
  wakeups?: JobWakeups;
}

/** What a node hears from its workers; each hook is optional. */
export interface JobQueueEvents {
  /** A job failed, or a running job's lease could not be renewed. */
  onError?: (error: unknown) => void;
  /** A running job went back to the queue because the database went away under it: not a failure of the job. */
  onRequeued?: (job: Job, error: unknown) => void;
  /** Every failed poll, with the pause before this worker polls again: for counting, not for logging each. */
  onPollFailed?: (error: unknown, pauseMs: number) => void;
  /** Polls began to fail (the database away, mostly): once, however many workers and polls fail after. */
  onPollingLost?: (error: unknown) => void;
  /** A poll succeeded again after failing, `afterMs` after the first failure: once per outage. */
  onPollingBack?: (afterMs: number) => void;
}

interface JobRow {
  id: string;
  kind: string;
  org_code: string;
  payload: Record<string, unknown>;
  attempts: number;
}

function toJob(row: JobRow): Job {
  return { id: row.id, kind: row.kind, orgCode: row.org_code, payload: row.payload, attempts: row.attempts };
}

/**
 * A queued job's row, for a caller that writes it in its own statement or transaction, so that the job exists exactly
 * when what it follows from does; the caller then calls the queue's `announce`.
 */
export function queuedJob(
  kind: string,
  orgCode: string,
  payload: Record<string, unknown>,
  at: Date,
): Insertable<JobsTable> {
  return {
    id: crypto.randomUUID(),
    kind,
    org_code: orgCode,
    payload: JSON.stringify(payload),
    state: 'queued',
    created_at: at,
  };
}

export function jobQueue(db: Db, now: () => Date, options: JobQueueOptions = {}) {
  const pauses = options.pauses ?? POLL_PAUSES;
  const maxAttempts = options.maxAttempts ?? MAX_ATTEMPTS;
  const wakeups = options.wakeups ?? inProcessWakeups();
  const handlers = new Map<string, JobHandler>();
  const kinds = new Map<string, JobKindOptions>();
  const finished = new EventEmitter();
  finished.setMaxListeners(0);
  let running = false;
  // Every idle worker's way to stop waiting.
  const sleepers = new Set<() => void>();
  const wakeAll = () => [...sleepers].forEach((wake) => wake());
  let stopListening: (() => void) | undefined;
  const loops: Promise<void>[] = [];
  let events: JobQueueEvents = {};
  const onError = (error: unknown) => events.onError?.(error);
  // Shared by the workers, so that an outage is reported once and its end once.
  let pollsFailingSince: number | undefined;

  /**
   * Gives up the jobs whose lease ran out with every attempt spent: each start stopped its node, and another start
   * would most likely stop another. Their senders read why on the job.
   */
  async function abandonSpent(trx: Db, at: Date): Promise<Job[]> {
    const rows = await trx
      .updateTable('jobs')
      .set({ state: 'failed', error: abandonedError(maxAttempts), finished_at: at, lease_until: null })
      .where('state', '=', 'running')
      .where('lease_until', '<', at)
      .where('attempts', '>=', maxAttempts)
      .returning(['id', 'kind', 'org_code', 'payload', 'attempts'])
      .execute();
    return rows.map(toJob);
  }

  async function claim(): Promise<Job | undefined> {
    const at = now();
    const lease = new Date(at.getTime() + LEASE_MS);
    const claimable = sql`j.state = 'queued' OR (j.state = 'running' AND j.lease_until < ${at})`;
    // Idle workers poll: most polls find nothing, and need not queue for the claim lock to learn it.
    const waiting = await sql<{
      waiting: boolean;
    }>`SELECT EXISTS (SELECT 1 FROM jobs j WHERE ${claimable}) AS waiting`.execute(db);
    if (!waiting.rows[0]?.waiting) return undefined;
    // Claims take turns: a claim that ran beside another would count running jobs from before the other's claim
    // committed, and give a second worker the same organisation's next job. Claims are one per job, not per item.
    const { result, abandoned } = await db.transaction().execute(async (trx) => {
      await sql`SELECT pg_advisory_xact_lock(${CLAIM_LOCK})`.execute(trx);
      const abandoned = await abandonSpent(trx, at);
      const result = await sql<JobRow>`
      UPDATE jobs SET state = 'running', started_at = ${at}, lease_until = ${lease}, attempts = attempts + 1
      WHERE id = (
        SELECT j.id FROM jobs j
        WHERE ${claimable}
        ORDER BY (
          SELECT count(*) FROM jobs r WHERE r.org_code = j.org_code AND r.state = 'running' AND r.lease_until >= ${at}
        ), j.created_at
        LIMIT 1
        FOR UPDATE SKIP LOCKED
      )
      RETURNING id, kind, org_code, payload, attempts`.execute(trx);
      return { result, abandoned };
    });
    for (const job of abandoned) {
      onError(new Error(`bulk job ${job.id} (${job.kind}) given up after ${job.attempts} attempts`));
      finished.emit(job.id);
      await kinds.get(job.kind)?.onAbandoned?.(job).catch(onError);
    }
    const row = result.rows[0];
    return row ? toJob(row) : undefined;
  }

  async function run(job: Job): Promise<void> {
    const handler = handlers.get(job.kind);
    const context = await jobContext(db, job.id, now);
    // Only the attempt that holds the job renews it and records its end: a node thought dead that comes back after
    // its job was taken over, or given up, changes nothing.
    const whileHeld = () =>
      db
        .updateTable('jobs')
        .where('id', '=', job.id)
        .where('state', '=', 'running')
        .where('attempts', '=', job.attempts);
    // The heartbeat goes on however long an item takes; a failed renewal (the database away) is reported and tried
    // again at the next beat, and the lease still has two beats to spare.
    const heartbeat = setInterval(() => {
      whileHeld()
        .set({ lease_until: new Date(now().getTime() + LEASE_MS) })
        .execute()
        .catch(onError);
    }, HEARTBEAT_MS);
    heartbeat.unref();
    try {
      if (!handler) throw new Error(`no handler for jobs of kind ${job.kind}`);
      const result = await handler(job, context);
      clearInterval(heartbeat);
      await whileHeld()
        .set({ state: 'done', result: JSON.stringify(result), finished_at: now(), lease_until: null })
        .execute();
    } catch (error) {
      clearInterval(heartbeat);
      if (isDatabaseUnavailable(error)) {
        events.onRequeued?.(job, error);
        // The database went away under the job, no fault of the job's: it goes back to the queue, this attempt
        // not counted against its cap, and resumes after the items it recorded. Were the database still away, the
        // release fails too and the lease runs out instead.
        await whileHeld()
          .set((eb) => ({ state: 'queued', lease_until: null, attempts: eb('attempts', '-', 1) }))
          .execute();
        wakeAll();
        return;
      }
      onError(error);
      await whileHeld()
        .set({
          state: 'failed',
          error: error instanceof Error ? error.message : String(error),
          finished_at: now(),
          lease_until: null,
        })
        .execute();
    }
    finished.emit(job.id);
  }

  const retryPause = (failures: number) => Math.min(pauses.firstRetryMs * 2 ** (failures - 1), pauses.longestRetryMs);

  /** One worker: polls, runs what it claims, and after failed polls waits longer each time, up to a cap. */
  async function loop(): Promise<void> {
    let failures = 0;
    while (running) {
      let job: Job | undefined;
      let pauseMs = pauses.idleMs;
      try {
        job = await claim();
        failures = 0;
        if (pollsFailingSince !== undefined) {
          const afterMs = Date.now() - pollsFailingSince;
          pollsFailingSince = undefined;
          events.onPollingBack?.(afterMs);
        }
      } catch (error) {
        pauseMs = retryPause(++failures);
        if (pollsFailingSince === undefined) {
          pollsFailingSince = Date.now();
          events.onPollingLost?.(error);
        }
        events.onPollFailed?.(error, pauseMs);
      }
      if (job) {
        try {
          await run(job);
          continue;
        } catch (error) {
          // The job's end could not be recorded (the database away): its lease runs out, and a worker takes it over.
          onError(error);
          pauseMs = retryPause(++failures);
        }
      }
      // Stopped while it polled: the wake-up that stopping sent came before this worker began to wait.
      if (!running) break;
      // Woken by news of a job (which also proves the database is back): the worker need not wait out its pause.
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          sleepers.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, pauseMs);
        sleepers.add(wake);
      });
    }
  }

  return {
    register(kind: string, handler: JobHandler, kindOptions: JobKindOptions = {}) {
      handlers.set(kind, handler);
      kinds.set(kind, kindOptions);
    },
    async enqueue(kind: string, orgCode: string, payload: Record<string, unknown>): Promise<string> {
      const row = queuedJob(kind, orgCode, payload, now());
      await db.insertInto('jobs').values(row).execute();
      await wakeups.announce(db);
      return row.id;
    },
    /** Wakes the workers for jobs written by the caller (`queuedJob`), once they are committed. */
    async announce(): Promise<void> {
      await wakeups.announce(db);
    },
    /**
     * Runs the jobs waiting now, one after another in this process, until none is left; returns how many ran. For a
     * command or a test that needs the queue's work done without starting workers.
     */
    async runQueued(): Promise<number> {
      let ran = 0;
      for (let job = await claim(); job; job = await claim()) {
        await run(job);
        ran++;
      }
      return ran;
    },
    /**
     * Resolves when the job has finished on any node, or when `timeoutMs` has passed: then with the state it has
     * reached, for a caller that answers without waiting any longer.
     */
    async waitFor(id: string, timeoutMs = 30 * 60_000): Promise<JobStatus> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const row = await db
          .selectFrom('jobs')
          .select(['state', 'result', 'error'])
          .where('id', '=', id)
          .executeTakeFirstOrThrow();
        const left = deadline - Date.now();
        if (row.state === 'done' || row.state === 'failed' || left <= 0) return row;
        // Woken at once when this node finishes the job; otherwise (another node) checked again shortly.
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, Math.min(500, left));
          function done() {
            clearTimeout(timer);
            finished.off(id, done);
            resolve();
          }
          finished.on(id, done);
        });
      }
    },
    /**
     * How many jobs of each kind wait to be claimed, and how long the oldest has waited: one grouped read of the
     * queued-jobs index, for a metrics scrape.
     */
    async waiting(): Promise<Array<{ kind: string; waiting: number; oldestSeconds: number }>> {
      const at = now();
      const rows = await db
        .selectFrom('jobs')
        .select((eb) => ['kind', eb.fn.countAll<string>().as('waiting'), eb.fn.min('created_at').as('oldest')])
        .where((eb) =>
          eb.or([eb('state', '=', 'queued'), eb.and([eb('state', '=', 'running'), eb('lease_until', '<', at)])]),
        )
        .groupBy('kind')
        .execute();
      return rows.map((row) => ({
        kind: row.kind,
        waiting: Number(row.waiting),
        oldestSeconds: Math.max(0, (at.getTime() - new Date(row.oldest).getTime()) / 1000),
      }));
    },
    start(workers: number, hooks: JobQueueEvents = {}) {
      if (running) return;
      running = true;
      events = hooks;
      stopListening = wakeups.listen(wakeAll);
      for (let i = 0; i < workers; i++) loops.push(loop());
    },
    async stop() {
      running = false;
      stopListening?.();
      stopListening = undefined;
      wakeAll();
      await Promise.all(loops.splice(0));
    },
  };
}

export type JobQueue = ReturnType<typeof jobQueue>;

/**
 * Deletes finished jobs (done or failed) and their items that finished before `before`: their senders have long had
 * their answers, and a zip's per-file results would otherwise be kept for ever. Returns how many jobs went.
 */
export async function deleteFinishedJobs(db: Db, before: Date): Promise<number> {
  // Items go with their job (ON DELETE CASCADE).
  const deleted = await db
    .deleteFrom('jobs')
    .where('state', 'in', ['done', 'failed'])
    .where('finished_at', '<', before)
    .executeTakeFirst();
  return Number(deleted.numDeletedRows);
}
