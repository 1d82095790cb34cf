/**
 * The bulk-work queue, kept in PostgreSQL so any node can take any job. Each node runs a few workers; a worker
 * claims the queued job whose organisation has the fewest jobs running (then the oldest), with FOR UPDATE SKIP
 * LOCKED, so one LA's many zips cannot starve another organisation's. A claim is a short lease, renewed by a
 * heartbeat while the job runs: a node that dies leaves its job to be taken over within seconds, and the job resumes
 * from the items it had recorded. The lease is short because waiting out a long one is what a sender would feel.
 */
import crypto from 'node:crypto';
import { EventEmitter } from 'node:events';
import { sql } from 'kysely';
import type { Db } from './database.js';

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

/** How long an idle worker waits before polling again, and the pauses after failed polls (doubling to a cap). */
export interface PollPauses {
  idleMs: number;
  firstRetryMs: number;
  longestRetryMs: number;
}

export const POLL_PAUSES: PollPauses = { idleMs: 250, firstRetryMs: 500, longestRetryMs: 10_000 };

/** What a node hears from its workers; each hook is optional. */
export interface JobQueueEvents {
  /** A job failed, or a running job's lease could not be renewed. */
  onError?: (error: unknown) => void;
  /** Every failed poll, with the pause before this worker polls again: for counting, not for logging each. */
  onPollFailed?: (error: unknown, pauseMs: number) => void;
  /** Polls began to fail (the database away, mostly): once, however many workers and polls fail after. */
  onPollingLost?: (error: unknown) => void;
  /** A poll succeeded again after failing, `afterMs` after the first failure: once per outage. */
  onPollingBack?: (afterMs: number) => void;
}

export function jobQueue(db: Db, now: () => Date, pauses: PollPauses = POLL_PAUSES) {
  const handlers = new Map<string, JobHandler>();
  const finished = new EventEmitter();
  finished.setMaxListeners(0);
  let running = false;
  let wake: (() => void) | undefined;
  const loops: Promise<void>[] = [];
  let events: JobQueueEvents = {};
  const onError = (error: unknown) => events.onError?.(error);
  // Shared by the workers, so that an outage is reported once and its end once.
  let pollsFailingSince: number | undefined;

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
    const result = await db.transaction().execute(async (trx) => {
      await sql`SELECT pg_advisory_xact_lock(${CLAIM_LOCK})`.execute(trx);
      return sql<{
        id: string;
        kind: string;
        org_code: string;
        payload: Record<string, unknown>;
        attempts: number;
      }>`
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
    });
    const row = result.rows[0];
    return row
      ? { id: row.id, kind: row.kind, orgCode: row.org_code, payload: row.payload, attempts: row.attempts }
      : undefined;
  }

  async function run(job: Job): Promise<void> {
    const handler = handlers.get(job.kind);
    const context = await jobContext(db, job.id, now);
    // The heartbeat goes on however long an item takes; a failed renewal (the database away) is reported and tried
    // again at the next beat, and the lease still has two beats to spare.
    const heartbeat = setInterval(() => {
      db.updateTable('jobs')
        .set({ lease_until: new Date(now().getTime() + LEASE_MS) })
        .where('id', '=', job.id)
        .where('state', '=', 'running')
        .execute()
        .catch(onError);
    }, HEARTBEAT_MS);
    heartbeat.unref();
    try {
      if (!handler) throw new Error(`no handler for jobs of kind ${job.kind}`);
      const result = await handler(job, context);
      clearInterval(heartbeat);
      await db
        .updateTable('jobs')
        .set({ state: 'done', result: JSON.stringify(result), finished_at: now(), lease_until: null })
        .where('id', '=', job.id)
        .execute();
    } catch (error) {
      clearInterval(heartbeat);
      onError(error);
      await db
        .updateTable('jobs')
        .set({
          state: 'failed',
          error: error instanceof Error ? error.message : String(error),
          finished_at: now(),
          lease_until: null,
        })
        .where('id', '=', job.id)
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
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pauseMs);
        // A job enqueued here proves the database is back: the worker need not wait out its pause.
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  return {
    register(kind: string, handler: JobHandler) {
      handlers.set(kind, handler);
    },
    async enqueue(kind: string, orgCode: string, payload: Record<string, unknown>): Promise<string> {
      const id = crypto.randomUUID();
      await db
        .insertInto('jobs')
        .values({ id, kind, org_code: orgCode, payload: JSON.stringify(payload), state: 'queued', created_at: now() })
        .execute();
      wake?.();
      return id;
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
      for (let i = 0; i < workers; i++) loops.push(loop());
    },
    async stop() {
      running = false;
      wake?.();
      await Promise.all(loops.splice(0));
    },
  };
}

export type JobQueue = ReturnType<typeof jobQueue>;
