/**
 * Real `s2s serve` nodes in processes of their own, for fault tests that kill them, take their database away or
 * watch them replace their serving processes: started from source on a free port and waited for until they say
 * they are running, with their output kept for the test to read.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { projectRoot } from '../../src/platform/web/project-root.js';
import { TEST_MASTER_KEY } from './services.js';
import { waitFor } from './wait-for.js';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address() as net.AddressInfo;
      server.close(() => resolve(address.port));
    });
  });
}

/** Checks until `check` gives a value (not undefined or false), or fails naming `what` after `seconds`. */
/** The serving processes of the node whose first process is `pid`, read from /proc. */
export function servingProcessesOf(pid: number): number[] {
  return fs
    .readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
        const isChild = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
        return isChild && fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('s2s-command');
      } catch {
        return false;
      }
    })
    .map(Number);
}

export interface ServeNode {
  readonly process: ChildProcess;
  readonly port: number;
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** What the node has written so far. */
  readonly out: string;
  readonly err: string;
  /** Resolves with its exit code (null when killed by a signal) once it has exited. */
  readonly exited: Promise<number | null>;
  /** kill -9: the node stops at once, mid-request, as a power cut or the kernel's OOM killer stops it. */
  kill(): Promise<void>;
}

/**
 * Starts `s2s serve` with the test master key, no demo, errors-only logs and `env`, and resolves once it says it
 * is running (with every serving process listening).
 */
export async function startServeNode(env: Record<string, string>, options: { port?: number } = {}): Promise<ServeNode> {
  const port = options.port ?? (await freePort());
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(projectRoot, 'test', 'support', 's2s-command.ts'), 'serve'],
    {
      cwd: projectRoot,
      env: {
        ...process.env,
        S2S_MASTER_KEY: TEST_MASTER_KEY,
        S2S_DEMO: 'false',
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'error',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += String(d)));
  child.stderr!.on('data', (d) => (err += String(d)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let gone = false;
  void exited.then(() => (gone = true));
  const node: ServeNode = {
    process: child,
    port,
    url: `http://127.0.0.1:${port}`,
    get out() {
      return out;
    },
    get err() {
      return err;
    },
    exited,
    async kill() {
      if (!gone) child.kill('SIGKILL');
      await exited;
    },
  };
  try {
    await waitFor('the service to start', () => {
      if (gone) throw new Error(`s2s serve stopped before it was running:\n${err}`);
      return out.includes('s2s is running at');
    });
  } catch (error) {
    await node.kill();
    throw error;
  }
  return node;
}
