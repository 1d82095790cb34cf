/**
 * Fault benchmark: 1,000 concurrent uploads, each with its own Idempotency-Key and a distinct CTF, against a real
 * `s2s serve` on a PostgreSQL cluster this script starts itself, (a) with the node killed (SIGKILL) mid-load and
 * started again, and (b) with the cluster stopped mid-load for 20 s and started again, each beside a baseline run
 * with no fault. Clients retry what did not get a 201 with the same key, honouring Retry-After. Every acknowledged
 * file is then collected by its destination and compared byte for byte: none may be missing or corrupt, no key may
 * stay held after its lease, and no file may be stored twice.
 * Run: node --import tsx bench/faults/run.ts   (the bundled service and its logs go under bench/out/faults)
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, rmSync, type WriteStream } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { generateCtfFiles } from '../../src/ctf/generate.js';
import { sampleRegisterFile } from '../../src/demo/seed-demo.js';
import { importRegister } from '../../src/establishments/import-register.js';
import { openSampleEstablishments, sampleLocalAuthorities } from '../../src/establishments/sample-register.js';
import { createUser } from '../../src/identity/accounts.js';
import { createApiToken } from '../../src/identity/api-tokens.js';
import { loadConfig } from '../../src/platform/config.js';
import { composeServices } from '../../src/app/services.js';
import { IDEMPOTENCY_LEASE_MS } from '../../src/transfers/idempotency.js';
import { startOwnPostgres, type OwnPostgres } from '../../test/support/own-postgres.js';
import { freePort } from '../../test/support/serve-processes.js';
import { bundleForNode } from '../bundle.js';
import { ms, numberFrom } from '../repository-support.js';
import { HttpClient, Latencies, sleep, uploadBody, watchPhase, type Reply } from '../transfers/load.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const out = join(root, 'bench', 'out', 'faults');

const settings = {
  uploads: numberFrom('FAULTS_BENCH_UPLOADS', 1000),
  pupilsPerFile: numberFrom('FAULTS_BENCH_PUPILS', 6),
  outageSeconds: numberFrom('FAULTS_BENCH_OUTAGE_SECONDS', 20),
  /** The fault comes once this share of the uploads has been acknowledged. */
  faultAfter: numberFrom('FAULTS_BENCH_FAULT_AFTER', 0.25),
  /** An upload not acknowledged this long after its run's fault ended is given up (and reported). */
  giveUpSeconds: numberFrom('FAULTS_BENCH_GIVE_UP_SECONDS', 120),
};
const MASTER_KEY = 'f'.repeat(64);

const log = (line: string) => console.log(line);
const seconds = (value: number | undefined) => (value === undefined ? '–' : `${(value / 1000).toFixed(1)} s`);

// ---- Inputs and accounts.

interface Upload {
  key: string;
  name: string;
  source: string;
  destination: string;
  bytes: Buffer;
}

/** Distinct, valid CTFs from the CTF engine's generator, between the sample register's open schools and LAs. */
function uploadsFor(run: string, count: number): Upload[] {
  return [
    ...generateCtfFiles({
      seed: `faults-bench-${run}`,
      establishments: openSampleEstablishments(),
      files: count,
      pupilsPerFile: settings.pupilsPerFile,
      unknownDestinationRate: 0,
    }),
  ].map((file, i) => ({
    key: `faults-${run}-${i}`,
    name: file.fileName,
    source: `${file.header.source.lea}${file.header.source.estab}`,
    destination: `${file.header.destination.lea}${file.header.destination.estab}`,
    bytes: Buffer.from(file.xml),
  }));
}

/** API tokens by organisation: each open school's school user, and each LA's la-user (collecting `<la>LLLL`). */
async function seed(databaseUrl: string, dataDir: string): Promise<Map<string, string>> {
  const config = loadConfig({ DATABASE_URL: databaseUrl, S2S_DATA_DIR: dataDir, S2S_MASTER_KEY: MASTER_KEY });
  const services = await composeServices(config, { purpose: 'faults benchmark seeding' });
  try {
    await importRegister(services.db, sampleRegisterFile, services.now());
    const tokens = new Map<string, string>();
    const organisations = [
      ...openSampleEstablishments().map((s) => ({ org: s.laestab, role: 'school-user' as const, key: s.laestab })),
      ...sampleLocalAuthorities.map((la) => ({ org: la.code, role: 'la-user' as const, key: `${la.code}LLLL` })),
    ];
    for (const { org, role, key } of organisations) {
      const { user } = await createUser(
        services,
        { email: `${role}-${org}@faults.example`, name: `Faults ${org}`, org, role },
        null,
      );
      tokens.set(key, (await createApiToken(services, user, 'faults bench', null)).token);
    }
    return tokens;
  } finally {
    await services.close();
  }
}

// ---- The node: the real `s2s serve`, bundled so that no TypeScript loader runs inside it.

interface Node {
  pid: number;
  ready: Promise<void>;
  exited: Promise<number | null>;
  kill(signal: NodeJS.Signals): void;
}

function startNode(script: string, env: Record<string, string>, logStream: WriteStream): Node {
  const child: ChildProcess = spawn(process.execPath, [script, 'serve'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      logStream.write(`${line}\n`);
      if (line.startsWith('s2s is running')) resolve();
    });
    void exited.then((code) => reject(new Error(`s2s serve exited with ${code} before it was ready`)));
  });
  ready.catch(() => undefined);
  createInterface({ input: child.stderr! }).on('line', (line) => logStream.write(`${line}\n`));
  return { pid: child.pid!, ready, exited, kill: (signal) => child.kill(signal) };
}

// ---- One run: every upload sent at once, each retried until it is acknowledged.

type Fault = 'none' | 'kill' | 'outage';

interface RunResult {
  fault: Fault;
  uploads: number;
  acknowledged: Array<{ upload: Upload; id: string }>;
  gaveUp: number;
  refused: string[];
  attempts: number;
  statuses: Map<string, number>;
  /** Each 201's own request time, and each upload's time from its first attempt to its 201. */
  answerLatency: Latencies;
  endToEnd: Latencies;
  stuckKeys: Set<string>;
  faultAt?: number;
  recoveredAt?: number;
  firstAckAfterRecovery?: number;
  nodeRestartMs?: number;
  readyAfterRecoveryMs?: number;
  peakRssMb: number;
  seconds: number;
}

function idOf(reply: Reply): string | undefined {
  try {
    return (JSON.parse(reply.body.toString()) as { files?: Array<{ id: string | null }> }).files?.[0]?.id ?? undefined;
  } catch {
    return undefined;
  }
}

function statusName(reply: Reply): string {
  if (reply.error) return `no answer (${reply.error.replace(/\d+\.\d+\.\d+\.\d+:\d+/, 'node')})`;
  try {
    const code = (JSON.parse(reply.body.toString()) as { error?: { code?: string } }).error?.code;
    return code ? `${reply.status} ${code}` : String(reply.status);
  } catch {
    return String(reply.status);
  }
}

async function runUploads(
  fault: Fault,
  uploads: Upload[],
  tokens: Map<string, string>,
  start: () => Node,
  cluster: OwnPostgres,
  port: number,
): Promise<RunResult> {
  const result: RunResult = {
    fault,
    uploads: uploads.length,
    acknowledged: [],
    gaveUp: 0,
    refused: [],
    attempts: 0,
    statuses: new Map(),
    answerLatency: new Latencies(),
    endToEnd: new Latencies(),
    stuckKeys: new Set(),
    peakRssMb: 0,
    seconds: 0,
  };
  let node = start();
  await node.ready;
  let watch = watchPhase([node.pid]);
  const client = new HttpClient(port, uploads.length);
  let faultOver = false;
  const started = performance.now();
  const giveUpAt = () =>
    faultOver || fault === 'none' ? (result.recoveredAt ?? started) + settings.giveUpSeconds * 1000 : Infinity;

  async function send(upload: Upload): Promise<void> {
    const { parts, contentType } = uploadBody([{ name: upload.name, bytes: upload.bytes }]);
    const headers = {
      authorization: `Bearer ${tokens.get(upload.source)!}`,
      'content-type': contentType,
      'idempotency-key': upload.key,
    };
    const first = performance.now();
    for (;;) {
      if (performance.now() > giveUpAt()) {
        result.gaveUp++;
        return;
      }
      const reply = await client.request('POST', '/api/v1/files', headers, parts, 60_000);
      result.attempts++;
      const now = performance.now();
      const id = reply.status === 201 ? idOf(reply) : undefined;
      if (id) {
        result.acknowledged.push({ upload, id });
        result.answerLatency.add(reply.ms);
        result.endToEnd.add(now - first);
        if (result.recoveredAt !== undefined && result.firstAckAfterRecovery === undefined)
          result.firstAckAfterRecovery = now - result.recoveredAt;
        return;
      }
      const status = statusName(reply);
      result.statuses.set(status, (result.statuses.get(status) ?? 0) + 1);
      // A claim left by a request that died is a lease: once it has run out, the key must be free again.
      if (reply.status === 409 && result.faultAt !== undefined && now > result.faultAt + IDEMPOTENCY_LEASE_MS + 2000)
        result.stuckKeys.add(upload.key);
      if (![0, 409, 429, 503].includes(reply.status)) {
        result.refused.push(`${upload.name}: ${status}`);
        return;
      }
      // Spread the retries a little, as real clients' clocks would.
      const waitMs = reply.status === 0 ? 500 : (reply.retryAfterS ?? 1) * 1000;
      await sleep(waitMs + Math.random() * 250);
    }
  }

  const all = Promise.all(uploads.map((u) => send(u)));
  if (fault !== 'none') {
    const wanted = Math.ceil(uploads.length * settings.faultAfter);
    while (result.acknowledged.length < wanted) await sleep(5);
    result.faultAt = performance.now();
    if (fault === 'kill') {
      node.kill('SIGKILL');
      await node.exited;
      result.peakRssMb = watch.stop().peakRssMb;
      // Started again at once, as a supervisor would; recovery counts from here, so it includes the start.
      result.recoveredAt = performance.now();
      node = start();
      await node.ready;
      result.nodeRestartMs = performance.now() - result.recoveredAt;
      watch = watchPhase([node.pid]);
    } else {
      await cluster.stop();
      await sleep(settings.outageSeconds * 1000);
      await cluster.start();
      result.recoveredAt = performance.now();
      // The node's readiness, beside the clients' first 201: they come back only after their Retry-After.
      const probe = new HttpClient(port, 1);
      while ((await probe.request('GET', '/readyz', {}, [], 5000)).status !== 200) await sleep(100);
      result.readyAfterRecoveryMs = performance.now() - result.recoveredAt;
      probe.close();
    }
    faultOver = true;
  }
  await all;
  result.seconds = (performance.now() - started) / 1000;
  result.peakRssMb = Math.max(result.peakRssMb, watch.stop().peakRssMb);
  client.close();
  node.kill('SIGTERM');
  await node.exited;
  return result;
}

// ---- After the run: every acknowledged file, collected by its destination.

interface Check {
  missing: string[];
  corrupt: string[];
  /** Files stored, counted in the database: more than acknowledged means a retry stored one twice. */
  stored: number;
}

async function check(
  result: RunResult,
  tokens: Map<string, string>,
  start: () => Node,
  port: number,
  databaseUrl: string,
): Promise<Check> {
  const node = start();
  await node.ready;
  const client = new HttpClient(port, 16);
  const missing: string[] = [];
  const corrupt: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      for (let item = result.acknowledged[next++]; item; item = result.acknowledged[next++]) {
        const reply = await client.request('GET', `/api/v1/files/${item.id}/content`, {
          authorization: `Bearer ${tokens.get(item.upload.destination)!}`,
        });
        if (reply.status !== 200) missing.push(`${item.upload.name} (${item.id}): ${statusName(reply)}`);
        else if (!reply.body.equals(item.upload.bytes)) corrupt.push(`${item.upload.name} (${item.id})`);
      }
    }),
  );
  client.close();
  node.kill('SIGTERM');
  await node.exited;
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  const stored = Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM transfer_files')).rows[0]!.n);
  await db.end();
  return { missing, corrupt, stored };
}

// ---- Reporting.

function describe(result: RunResult, checked: Check, baseline?: RunResult): string[] {
  const vs = (pick: (r: RunResult) => Latencies, p: number) =>
    `${ms(pick(result).percentile(p))}${baseline ? ` (baseline ${ms(pick(baseline).percentile(p))})` : ''}`;
  const percentiles = (pick: (r: RunResult) => Latencies) =>
    `p50 ${vs(pick, 50)}, p95 ${vs(pick, 95)}, p99 ${vs(pick, 99)} ms`;
  const statuses = [...result.statuses].map(([status, n]) => `${n}× ${status}`).join(', ') || 'none';
  return [
    `  uploads acknowledged (201): ${result.acknowledged.length} of ${result.uploads}` +
      `${result.gaveUp ? `, ${result.gaveUp} given up` : ''}${result.refused.length ? `, ${result.refused.length} refused` : ''}`,
    `  acknowledged but missing: ${checked.missing.length}; acknowledged but corrupt: ${checked.corrupt.length}; ` +
      `files stored: ${checked.stored}; stuck keys: ${result.stuckKeys.size}`,
    ...(result.recoveredAt !== undefined
      ? [
          `  first 201 after recovery: ${seconds(result.firstAckAfterRecovery)}` +
            (result.nodeRestartMs !== undefined
              ? ` (of which the node's restart: ${seconds(result.nodeRestartMs)})`
              : '') +
            (result.readyAfterRecoveryMs !== undefined
              ? ` (the node answered /readyz 200 after ${seconds(result.readyAfterRecoveryMs)})`
              : ''),
        ]
      : []),
    `  upload latency, each 201's own request: ${percentiles((r) => r.answerLatency)}`,
    `  upload latency, first attempt to 201: ${percentiles((r) => r.endToEnd)}`,
    `  attempts ${result.attempts}; answers other than 201: ${statuses}`,
    `  peak RSS of the node: ${result.peakRssMb} MB${baseline ? ` (baseline ${baseline.peakRssMb} MB)` : ''}; ` +
      `run took ${result.seconds.toFixed(1)} s`,
    ...[...checked.missing, ...checked.corrupt, ...result.refused].slice(0, 10).map((line) => `    ${line}`),
  ];
}

// ---- Main.

async function main(): Promise<number> {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const script = bundleForNode(join(root, 'test', 'support', 's2s-command.ts'), join(out, 's2s.mjs'));
  const cluster = await startOwnPostgres();
  try {
    const admin = new pg.Client({ connectionString: cluster.adminUrl });
    await admin.connect();
    const version = (await admin.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version;
    await admin.end();
    log(
      `Faults benchmark: ${settings.uploads} concurrent uploads of ${settings.pupilsPerFile}-pupil CTFs a run; ` +
        `outage ${settings.outageSeconds} s; fault after ${settings.faultAfter * 100}% acknowledged`,
    );
    log(
      `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GB; ` +
        `Node ${process.version}; PostgreSQL ${version} (a cluster of the benchmark's own); one serving process; ` +
        `load average ${loadavg()[0]!.toFixed(1)} at the start`,
    );
    const results: Array<{ result: RunResult; checked: Check }> = [];
    let failed = false;
    for (const fault of ['none', 'kill', 'outage'] as const) {
      const databaseUrl = await cluster.createDatabase(`s2s_faults_${fault}`);
      const dataDir = join(out, `data-${fault}`);
      const tokens = await seed(databaseUrl, dataDir);
      const uploads = uploadsFor(fault, settings.uploads);
      const port = await freePort();
      const logStream = createWriteStream(join(out, `node-${fault}.log`));
      const env = {
        DATABASE_URL: databaseUrl,
        S2S_BLOB_STORE: 'postgres',
        S2S_MASTER_KEY: MASTER_KEY,
        S2S_DATA_DIR: dataDir,
        S2S_DEMO: 'false',
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        // Every upload at once: the per-user and per-school limits would otherwise answer most of them 429 and
        // make this a benchmark of the gate. Shedding on event-loop delay stays on; clients honour its 503s.
        S2S_MAX_CONCURRENT_UPLOADS: String(settings.uploads),
        S2S_MAX_CONCURRENT_UPLOADS_PER_USER: String(settings.uploads),
        S2S_MAX_CONCURRENT_UPLOADS_PER_ORG: String(settings.uploads),
      };
      const start = () => startNode(script, env, logStream);
      const result = await runUploads(fault, uploads, tokens, start, cluster, port);
      const checked = await check(result, tokens, start, port, databaseUrl);
      logStream.end();
      results.push({ result, checked });
      const title = { none: 'baseline, no fault', kill: '(a) node killed (SIGKILL) mid-load and started again' };
      log('');
      log(
        fault === 'outage'
          ? `(b) PostgreSQL stopped (immediate) mid-load for ${settings.outageSeconds} s, then started again`
          : title[fault],
      );
      for (const line of describe(result, checked, fault === 'none' ? undefined : results[0]!.result)) log(line);
      if (
        checked.missing.length > 0 ||
        checked.corrupt.length > 0 ||
        result.stuckKeys.size > 0 ||
        result.acknowledged.length !== result.uploads ||
        checked.stored !== result.acknowledged.length
      )
        failed = true;
    }
    log('');
    log(`Load average ${loadavg()[0]!.toFixed(1)} at the end (the machine is shared: read the figures beside it).`);
    log(failed ? 'FAILED: see the figures above and the node logs under bench/out/faults' : 'Every check held.');
    return failed ? 1 : 0;
  } finally {
    await cluster.destroy();
  }
}

process.exitCode = await main();
