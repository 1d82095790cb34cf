/**
 * The process's Prometheus metrics: one registry per service graph, with Node's own figures (event-loop delay among
 * them), HTTP answers by route, the platform's faults, and what capabilities count through `counter`. Labels are
 * fixed words chosen in code (a route's pattern, an outcome, a file type), never a value that came in a request:
 * no pupil data, file name, email address or token can reach a label.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Answers refused for a fault or a bound, counted whatever the route. */
export const REFUSAL_CODES = ['DATABASE_UNAVAILABLE', 'STORAGE_FULL', 'BUSY', 'TOO_MANY_UPLOADS'] as const;

/** How long a scrape waits for the job table before answering without its figures. */
export const QUEUE_READ_TIMEOUT_MS = 1000;

export interface CounterOptions<L extends string> {
  name: string;
  help: string;
  labelNames?: readonly L[];
  /** Label sets shown at 0 from the start, so a rate can be taken before the first event. */
  initial?: ReadonlyArray<Record<L, string>>;
}

export interface Count<L extends string> {
  inc(labels?: Record<L, string>, by?: number): void;
}

export interface Metrics {
  registry: Registry;
  /** A counter a capability declares; asking again by the same name gives the same counter. */
  counter<L extends string = never>(options: CounterOptions<L>): Count<L>;
  /** One HTTP answer: `route` is the matched route's pattern (or `unmatched`), never the address asked for. */
  observeRequest(route: string, method: string, statusCode: number, seconds: number): void;
  /** An error answer by its code; only the codes in REFUSAL_CODES are counted. */
  countRefusal(code: string): void;
  countSlowBody(): void;
  countJobPollFailed(): void;
  /** Reports, at each scrape, how many clients wait for a database connection in this process. */
  watchPoolWaiting(waiting: () => number): void;
  /** Reads, at each scrape, how many jobs wait by kind and the oldest one's age. */
  watchJobQueue(read: () => Promise<Array<{ kind: string; waiting: number; oldestSeconds: number }>>): void;
  /** The text Prometheus reads. */
  text(): Promise<string>;
}

const withTimeout = <T>(work: Promise<T>, ms: number): Promise<T> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    work.then(resolve, reject).finally(() => clearTimeout(timer));
  });

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const counters = new Map<string, Counter<string>>();

  const counter = <L extends string = never>(options: CounterOptions<L>): Count<L> => {
    let found = counters.get(options.name);
    if (!found) {
      found = new Counter({
        name: options.name,
        help: options.help,
        labelNames: [...(options.labelNames ?? [])],
        registers: [registry],
      });
      for (const labels of options.initial ?? []) found.inc(labels, 0);
      counters.set(options.name, found);
    }
    const it = found;
    return { inc: (labels, by = 1) => it.inc(labels ?? {}, by) };
  };

  const requests = new Histogram({
    name: 's2s_http_request_duration_seconds',
    help: 'HTTP answers by route pattern, method and status class, and how long each took (_count is the request count).',
    labelNames: ['route', 'method', 'status_class'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  const refusals = counter({
    name: 's2s_refusals_total',
    help: 'Answers refused for a fault or a bound: 503 DATABASE_UNAVAILABLE, STORAGE_FULL or BUSY, 429 TOO_MANY_UPLOADS.',
    labelNames: ['code'],
    initial: REFUSAL_CODES.map((code) => ({ code })),
  });
  const slowBodies = counter({
    name: 's2s_slow_bodies_disconnected_total',
    help: 'Requests disconnected because their body arrived slower than S2S_MIN_BODY_BYTES_PER_SECOND.',
    initial: [{}],
  });
  const pollsFailed = counter({
    name: 's2s_job_polls_failed_total',
    help: 'Polls of the bulk-job queue that failed (the database away, mostly).',
    initial: [{}],
  });

  let poolWaiting: (() => number) | undefined;
  new Gauge({
    name: 's2s_database_pool_waiting',
    help: 'Queries waiting for a free PostgreSQL connection at the scrape (a node adds up its processes).',
    registers: [registry],
    collect() {
      this.set(poolWaiting?.() ?? 0);
    },
  });

  const watchJobQueue: Metrics['watchJobQueue'] = (read) => {
    const kindsSeen = new Set<string>();
    // The three gauges are collected side by side at each scrape, and share its one read of the queue.
    let reading: Promise<Map<string, { waiting: number; oldestSeconds: number }> | undefined> | undefined;
    const readOnce = () =>
      (reading ??= withTimeout(read(), QUEUE_READ_TIMEOUT_MS)
        .then((rows) => {
          for (const row of rows) kindsSeen.add(row.kind);
          return new Map(
            [...kindsSeen].map((kind) => [kind, rows.find((r) => r.kind === kind) ?? { waiting: 0, oldestSeconds: 0 }]),
          );
        })
        .catch(() => undefined)
        .finally(() => {
          reading = undefined;
        }));
    // One process per node reads the queue (the table is the whole service's), so gauges are never added up.
    const byKind = (name: string, help: string, figure: 'waiting' | 'oldestSeconds') =>
      new Gauge({
        name,
        help,
        labelNames: ['kind'],
        aggregator: 'max',
        registers: [registry],
        async collect() {
          this.reset();
          for (const [kind, row] of (await readOnce()) ?? []) this.set({ kind }, row[figure]);
        },
      });
    byKind(
      's2s_jobs_waiting',
      'Bulk jobs waiting to be claimed, by kind (queued, or running on a node that stopped renewing its lease).',
      'waiting',
    );
    byKind(
      's2s_jobs_oldest_waiting_seconds',
      'Age of the oldest waiting bulk job, by kind (0 when none waits).',
      'oldestSeconds',
    );
    new Gauge({
      name: 's2s_jobs_queue_read',
      help: '1 when the scrape read the job queue; 0 when the database did not answer in time, and the queue figures are absent.',
      aggregator: 'max',
      registers: [registry],
      async collect() {
        this.set((await readOnce()) ? 1 : 0);
      },
    });
  };

  return {
    registry,
    counter,
    observeRequest(route, method, statusCode, seconds) {
      requests.observe({ route, method, status_class: `${Math.floor(statusCode / 100)}xx` }, seconds);
    },
    countRefusal(code) {
      if ((REFUSAL_CODES as readonly string[]).includes(code)) refusals.inc({ code });
    },
    countSlowBody: () => slowBodies.inc(),
    countJobPollFailed: () => pollsFailed.inc(),
    watchPoolWaiting(waiting) {
      poolWaiting = waiting;
    },
    watchJobQueue,
    text: () => registry.metrics(),
  };
}
