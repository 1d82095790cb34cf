/**
 * Several serving processes per node, sharing one port through node:cluster. One process's event loop uses one
 * core, and a busy node has more. Every serving process is a whole service (its own database pool, its own share
 * of the bulk work), which is safe because everything they share lives in PostgreSQL: jobs are claimed with
 * SKIP LOCKED, the audit chain takes its lock there and rate limits count there. The primary process only
 * migrates, seeds, runs housekeeping and supervises.
 */
import cluster, { type Worker } from 'node:cluster';

const LISTENING = 's2s:listening';
/** A serving process that ran this long was working: one that then dies is replaced at once. */
const STABLE_MS = 60_000;
const LONGEST_RESTART_DELAY_MS = 30_000;

/**
 * How long to wait before replacing a serving process, given how many in a row have died soon after starting:
 * none after the first, then 1 s, 2 s, 4 s… up to 30 s. Processes that keep dying are failing to start (the
 * database is away, a disk is full), which may end by itself, so the node keeps trying, never faster than this,
 * rather than stopping for good and waiting for a person.
 */
export function restartDelayMs(quickExitsInARow: number): number {
  if (quickExitsInARow <= 1) return 0;
  return Math.min(1000 * 2 ** (quickExitsInARow - 2), LONGEST_RESTART_DELAY_MS);
}

export const isServingProcess = (): boolean => cluster.isWorker;

/** Tells the primary that this serving process is listening, and on which port. */
export function reportListening(port: number): void {
  process.send?.({ event: LISTENING, port });
}

/** Lets a serving process that has closed everything exit: its channel to the primary would keep it running. */
export function leaveSupervision(): void {
  cluster.worker?.disconnect();
}

export interface Supervision {
  /** All processes have started listening (called once): the shared port and the processes' ids. */
  onReady(ready: { port: number; pids: number[] }): void;
  onProblem(message: string): void;
}

/**
 * Starts `count` serving processes, restarts one that dies (with growing pauses while they keep dying soon after
 * starting), and on SIGINT or SIGTERM stops them all. Resolves with 0 once they have all stopped after a signal.
 */
export function superviseServingProcesses(count: number, supervision: Supervision): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    let listening = 0;
    let quickExitsInARow = 0;
    const startedAt = new Map<number, number>();
    const pendingStarts = new Set<NodeJS.Timeout>();

    const start = (): Worker => {
      const worker = cluster.fork();
      startedAt.set(worker.id, Date.now());
      worker.on('message', (message: { event?: string; port?: number }) => {
        if (message?.event !== LISTENING || ++listening !== count) return;
        const pids = Object.values(cluster.workers ?? {}).map((w) => w?.process.pid ?? 0);
        supervision.onReady({ port: message.port ?? 0, pids });
      });
      return worker;
    };

    const stop = (code: number) => {
      stopping = true;
      for (const timer of pendingStarts) clearTimeout(timer);
      pendingStarts.clear();
      const running = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
      if (running.length === 0) return resolve(code);
      let left = running.length;
      for (const worker of running) {
        worker.once('exit', () => {
          if (--left === 0) resolve(code);
        });
        worker.process.kill('SIGTERM');
      }
    };

    cluster.on('exit', (worker, exitCode, signal) => {
      if (stopping) return;
      const ranMs = Date.now() - (startedAt.get(worker.id) ?? 0);
      startedAt.delete(worker.id);
      quickExitsInARow = ranMs < STABLE_MS ? quickExitsInARow + 1 : 1;
      const delay = restartDelayMs(quickExitsInARow);
      const how = signal ? `signal ${signal}` : `code ${exitCode}`;
      if (delay === 0) {
        supervision.onProblem(`serving process ${worker.process.pid} stopped (${how}); starting another`);
        start();
        return;
      }
      supervision.onProblem(
        `serving process ${worker.process.pid} stopped (${how}); ${quickExitsInARow} have stopped soon after ` +
          `starting, so starting another in ${delay / 1000} s`,
      );
      const timer = setTimeout(() => {
        pendingStarts.delete(timer);
        if (!stopping) start();
      }, delay);
      pendingStarts.add(timer);
    });

    process.once('SIGINT', () => stop(0));
    process.once('SIGTERM', () => stop(0));
    for (let i = 0; i < count; i++) start();
  });
}
