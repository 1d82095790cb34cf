/**
 * Several serving processes per node, sharing one port through node:cluster. One process's event loop uses one
 * core, and a busy node has more. Every serving process is a whole service (its own database pool, its own share
 * of the bulk work), which is safe because everything they share lives in PostgreSQL: jobs are claimed with
 * SKIP LOCKED, the audit chain takes its lock there and rate limits count there. The primary process only
 * migrates, seeds, runs housekeeping and supervises.
 */
import cluster, { type Worker } from 'node:cluster';

const LISTENING = 's2s:listening';
/** A process that dies this often in a minute is failing to start, not crashing by chance: stop trying. */
const MAX_RESTARTS_PER_MINUTE = 5;

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
 * Starts `count` serving processes, restarts one that dies, and on SIGINT or SIGTERM stops them all. Resolves
 * with 0 once they have all stopped after a signal, or 1 when they keep dying.
 */
export function superviseServingProcesses(count: number, supervision: Supervision): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    let listening = 0;
    const recentExits: number[] = [];

    const start = (): Worker => {
      const worker = cluster.fork();
      worker.on('message', (message: { event?: string; port?: number }) => {
        if (message?.event !== LISTENING || ++listening !== count) return;
        const pids = Object.values(cluster.workers ?? {}).map((w) => w?.process.pid ?? 0);
        supervision.onReady({ port: message.port ?? 0, pids });
      });
      return worker;
    };

    const stop = (code: number) => {
      stopping = true;
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
      const now = Date.now();
      recentExits.push(now);
      while (recentExits[0]! < now - 60_000) recentExits.shift();
      const how = signal ? `signal ${signal}` : `code ${exitCode}`;
      if (recentExits.length >= MAX_RESTARTS_PER_MINUTE) {
        supervision.onProblem(
          `serving process ${worker.process.pid} stopped (${how}); ${recentExits.length} have stopped within a minute, so s2s is stopping`,
        );
        stop(1);
        return;
      }
      supervision.onProblem(`serving process ${worker.process.pid} stopped (${how}); starting another`);
      start();
    });

    process.once('SIGINT', () => stop(0));
    process.once('SIGTERM', () => stop(0));
    for (let i = 0; i < count; i++) start();
  });
}
