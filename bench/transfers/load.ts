/**
 * The load generator's parts for the transfers benchmark: a keep-alive HTTP client that streams prepared bodies
 * and times each request, closed-loop virtual clients bounded in time and count, latency percentiles, and what a
 * phase cost the machine (the server's peak RSS; CPU used by the server, PostgreSQL and the load generator).
 */

import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';

export interface Reply {
  status: number;
  body: Buffer;
  ms: number;
  /** Set when no HTTP response arrived (connection refused or reset, timeout); status is then 0. */
  error?: string;
  /** The answer's Retry-After, in seconds, when it had one. */
  retryAfterS?: number;
}

export class HttpClient {
  private readonly agent: http.Agent;

  constructor(
    private readonly port: number,
    maxSockets: number,
  ) {
    // One socket per virtual client, kept alive as an MIS or LA script would.
    this.agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  request(
    method: string,
    path: string,
    headers: Record<string, string>,
    parts: readonly Uint8Array[] = [],
    timeoutMs = 120_000,
  ): Promise<Reply> {
    const length = parts.reduce((sum, p) => sum + p.byteLength, 0);
    const started = performance.now();
    return new Promise((resolve) => {
      const request = http.request(
        {
          agent: this.agent,
          host: '127.0.0.1',
          port: this.port,
          method,
          path,
          headers: length > 0 || method === 'POST' ? { ...headers, 'content-length': String(length) } : headers,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          const retryAfter = Number(response.headers['retry-after']);
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              body: Buffer.concat(chunks),
              ms: performance.now() - started,
              ...(Number.isFinite(retryAfter) && response.headers['retry-after'] ? { retryAfterS: retryAfter } : {}),
            }),
          );
          response.on('error', (error) =>
            resolve({ status: 0, body: Buffer.alloc(0), ms: performance.now() - started, error: error.message }),
          );
        },
      );
      request.setTimeout(timeoutMs, () => request.destroy(new Error(`no answer in ${timeoutMs} ms`)));
      request.on('error', (error) =>
        resolve({ status: 0, body: Buffer.alloc(0), ms: performance.now() - started, error: error.message }),
      );
      // Written piece by piece: the prepared bytes are not copied into one buffer per request.
      for (const part of parts) request.write(part);
      request.end();
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

const BOUNDARY = '----s2s-bench-7f3a9c1e5b';

/** A multipart/form-data upload of one or more `file` parts, as pieces to stream. */
export function uploadBody(files: ReadonlyArray<{ name: string; bytes: Uint8Array }>): {
  parts: Uint8Array[];
  contentType: string;
} {
  const parts: Uint8Array[] = [];
  for (const file of files) {
    parts.push(
      Buffer.from(
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\n` +
          'Content-Type: application/octet-stream\r\n\r\n',
      ),
      file.bytes,
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return { parts, contentType: `multipart/form-data; boundary=${BOUNDARY}` };
}

/**
 * Runs `clients` loops at once until the deadline passes or `step` says there is no more work; a step in flight
 * at the deadline finishes (and counts). Returns the wall time from start to the last step's end.
 */
export async function closedLoop(
  clients: number,
  durationMs: number,
  step: (client: number) => Promise<boolean>,
): Promise<number> {
  const started = performance.now();
  const deadline = started + durationMs;
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      while (performance.now() < deadline) {
        if (!(await step(client))) return;
      }
    }),
  );
  return performance.now() - started;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class Latencies {
  private readonly values: number[] = [];
  private sorted = true;

  add(ms: number): void {
    this.values.push(ms);
    this.sorted = false;
  }

  get count(): number {
    return this.values.length;
  }

  /** Nearest-rank percentile in milliseconds; NaN when nothing was measured. */
  percentile(p: number): number {
    if (this.values.length === 0) return Number.NaN;
    if (!this.sorted) {
      this.values.sort((a, b) => a - b);
      this.sorted = true;
    }
    const rank = Math.min(this.values.length, Math.max(1, Math.ceil((p / 100) * this.values.length)));
    return this.values[rank - 1]!;
  }
}

// ---- What a phase cost: read from /proc, so nothing runs inside the server to measure it.

const clockTicks = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** utime + stime of a process, in seconds (or only stime). */
function cpuSeconds(pid: number | string, only?: 'system'): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const system = Number(fields[12]);
    return (only === 'system' ? system : Number(fields[11]) + system) / clockTicks;
  } catch {
    return 0;
  }
}

/**
 * CPU seconds of the PostgreSQL cluster (it serves only this benchmark): the postmaster's own and its reaped
 * children's (cutime, cstime: backends that have exited, such as pool connections closed when idle), plus every
 * live backend's.
 */
function postgresCpuSeconds(): number {
  const processes: Array<{ pid: string; ppid: string; fields: string[] }> = [];
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'postgres') continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      processes.push({ pid, ppid: fields[1]!, fields });
    } catch {
      // The process ended while we looked.
    }
  }
  const pids = new Set(processes.map((p) => p.pid));
  let ticks = 0;
  for (const { ppid, fields } of processes) {
    ticks += Number(fields[11]) + Number(fields[12]);
    if (!pids.has(ppid)) ticks += Number(fields[13]) + Number(fields[14]);
  }
  return ticks / clockTicks;
}

/** Machine-wide CPU time from /proc/stat, in seconds: busy, waiting on I/O, and stolen by the hypervisor. */
function machineSeconds(): { busy: number; iowait: number; steal: number } {
  const [user, nice, system, , iowait, irq, softirq, steal] = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]!
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number) as number[];
  return {
    busy: (user! + nice! + system! + irq! + softirq!) / clockTicks,
    iowait: iowait! / clockTicks,
    steal: (steal ?? 0) / clockTicks,
  };
}

export interface PhaseCost {
  /** Peak resident set of the server during the phase, MB. */
  peakRssMb: number;
  /** Whether the peak is the kernel's high-water mark (reset at the phase's start) or only our samples' maximum. */
  peakFrom: 'VmHWM' | 'samples';
  /** Average cores busy during the phase. */
  serverCores: number;
  /** The part of serverCores spent in the kernel (socket and file system calls). */
  serverSystemCores: number;
  postgresCores: number;
  loadCores: number;
  /** The whole machine: cores busy, waiting on I/O, and stolen by the hypervisor (other virtual machines). */
  machineBusyCores: number;
  iowaitCores: number;
  stealCores: number;
}

/**
 * Watches the server's processes during one phase (one, or a primary and its serving processes). CPU is their sum;
 * peak RSS is the sum of each process's own peak, an upper bound on what they held together.
 */
export function watchPhase(serverPids: number[]): { stop(): PhaseCost } {
  let hwmReset = true;
  for (const pid of serverPids) {
    try {
      // Writing 5 to clear_refs resets the peak RSS (VmHWM) to the current RSS.
      writeFileSync(`/proc/${pid}/clear_refs`, '5');
    } catch {
      hwmReset = false;
    }
  }
  const sum = (read: (pid: number) => number) => serverPids.reduce((total, pid) => total + read(pid), 0);
  const sampledPeaks = serverPids.map((pid) => statusKb(pid, 'VmRSS'));
  const timer = setInterval(() => {
    serverPids.forEach((pid, i) => (sampledPeaks[i] = Math.max(sampledPeaks[i]!, statusKb(pid, 'VmRSS'))));
  }, 100);
  const started = performance.now();
  const server0 = sum((pid) => cpuSeconds(pid));
  const serverSystem0 = sum((pid) => cpuSeconds(pid, 'system'));
  const postgres0 = postgresCpuSeconds();
  const load0 = process.cpuUsage();
  const machine0 = machineSeconds();
  return {
    stop() {
      clearInterval(timer);
      const seconds = (performance.now() - started) / 1000;
      const load = process.cpuUsage(load0);
      const machine = machineSeconds();
      const peakKb = serverPids.reduce(
        (total, pid, i) => total + (hwmReset ? Math.max(statusKb(pid, 'VmHWM'), sampledPeaks[i]!) : sampledPeaks[i]!),
        0,
      );
      return {
        peakRssMb: Math.round(peakKb / 1024),
        peakFrom: hwmReset ? 'VmHWM' : 'samples',
        serverCores: (sum((pid) => cpuSeconds(pid)) - server0) / seconds,
        serverSystemCores: (sum((pid) => cpuSeconds(pid, 'system')) - serverSystem0) / seconds,
        postgresCores: (postgresCpuSeconds() - postgres0) / seconds,
        loadCores: (load.user + load.system) / 1e6 / seconds,
        machineBusyCores: (machine.busy - machine0.busy) / seconds,
        iowaitCores: (machine.iowait - machine0.iowait) / seconds,
        stealCores: (machine.steal - machine0.steal) / seconds,
      };
    },
  };
}
