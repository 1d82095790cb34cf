/**
 * Transfers benchmark: the real service, in its own process, on PostgreSQL on this machine, driven over loopback
 * HTTP. Measures (1) sustained uploads from 100 API clients and checks every acknowledged file can be collected
 * byte-identical, (2) a peak-period mix — ten LAs each sending a 2,000-file zip while 50 school users load their
 * inbox and send single files — against a baseline taken just before it, (3) the server's peak RSS in each phase,
 * and (4) a ceiling: nginx reading the same request bodies at the same concurrency.
 * Run: node --import tsx bench/transfers/run.ts   (inputs are generated under bench/out/transfers, which git ignores)
 */

import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { importRegister } from '../../src/establishments/import-register.js';
import { createUser } from '../../src/identity/accounts.js';
import { createApiToken } from '../../src/identity/api-tokens.js';
import { loadConfig } from '../../src/platform/config.js';
import { composeServices } from '../../src/app/services.js';
import { bundleForNode } from '../bundle.js';
import { benchLaCodes, openBenchSchools, prepareInputs, sha256, type InputFile } from './inputs.js';
import {
  closedLoop,
  HttpClient,
  Latencies,
  sleep,
  uploadBody,
  watchPhase,
  type PhaseCost,
  type Reply,
} from './load.js';
import { nginxVersion, startNginx } from './nginx.js';
import { monotonicUs, summariseProfile, type Window } from './profile.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const out = join(root, 'bench', 'out', 'transfers');

function numberFrom(variable: string, fallback: number): number {
  const raw = process.env[variable];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${variable} must be a positive number`);
  return value;
}

const settings = {
  clients: numberFrom('TRANSFERS_BENCH_CLIENTS', 100),
  sustainedSeconds: numberFrom('TRANSFERS_BENCH_SECONDS', 20),
  pupilsPerFile: numberFrom('TRANSFERS_BENCH_PUPILS', 6),
  schoolUsers: numberFrom('TRANSFERS_BENCH_SCHOOL_USERS', 50),
  thinkMs: numberFrom('TRANSFERS_BENCH_THINK_MS', 1000),
  baselineSeconds: numberFrom('TRANSFERS_BENCH_BASELINE_SECONDS', 10),
  zips: numberFrom('TRANSFERS_BENCH_ZIPS', 10),
  zipFiles: numberFrom('TRANSFERS_BENCH_ZIP_FILES', 2000),
  peakMaxSeconds: numberFrom('TRANSFERS_BENCH_PEAK_MAX_SECONDS', 300),
  ceilingSeconds: numberFrom('TRANSFERS_BENCH_CEILING_SECONDS', 10),
  nginxWorkers: numberFrom('TRANSFERS_BENCH_NGINX_WORKERS', 1),
  /** Acknowledged uploads collected and compared byte for byte after each phase, spread evenly; `all` for every one. */
  verify: process.env.TRANSFERS_BENCH_VERIFY ?? '2000',
  zipVerify: numberFrom('TRANSFERS_BENCH_ZIP_VERIFY', 1000),
  phases: new Set((process.env.TRANSFERS_BENCH_PHASES ?? 'sustained,peak,ceiling').split(',').map((p) => p.trim())),
  cpuProfile: process.env.TRANSFERS_BENCH_CPU_PROF === '1',
  /** Diagnostic: `off` runs the bench database without waiting for WAL flushes at commit. */
  synchronousCommit: process.env.TRANSFERS_BENCH_SYNCHRONOUS_COMMIT,
  adminUrl: process.env.TRANSFERS_BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
};
// Enough distinct files that the clients cannot run out at 1,500 uploads/s, nor school users at one file a second.
const sustainedPool = Math.ceil(settings.sustainedSeconds * 1500);
const singlesPool = Math.ceil(
  (settings.schoolUsers * (settings.baselineSeconds + settings.peakMaxSeconds) * 1000) / (2 * settings.thinkMs),
);

const log = (line: string) => console.log(line);
const ms = (value: number) => (Number.isNaN(value) ? '–' : value < 10 ? value.toFixed(1) : value.toFixed(0));
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

// ---- The service under test.

interface Server {
  port: number;
  pid: number;
  /** The primary and every serving process (just the one process unless S2S_WORKERS is above 1). */
  pids: number[];
  stop(): Promise<void>;
  errorLines(): number;
}

async function startServer(script: string, env: Record<string, string>, profileDir: string): Promise<Server> {
  const logFile = join(out, 'server.log');
  const logStream = createWriteStream(logFile);
  const args = settings.cpuProfile ? ['--cpu-prof', '--cpu-prof-dir', profileDir, script] : [script];
  const child: ChildProcess = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr?.pipe(logStream);
  let errors = 0;
  const { port, pids } = await new Promise<{ port: number; pids: number[] }>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    let listening = false;
    lines.on('line', (line) => {
      logStream.write(`${line}\n`);
      if (!listening && line.startsWith('{"listening"')) {
        listening = true;
        const ready = JSON.parse(line) as { listening: number; pid: number; pids: number[] };
        resolve({ port: ready.listening, pids: [...new Set([ready.pid, ...ready.pids])] });
      } else if (line.includes('"level":50') || line.includes('"level":60')) {
        errors++;
      }
    });
    child.once('exit', (code) => {
      if (!listening) reject(new Error(`server exited with ${code}; see ${logFile}`));
    });
  });
  return {
    port,
    pid: child.pid!,
    pids,
    errorLines: () => errors,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      // A bulk job still running would hold a graceful stop for as long as it takes.
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
      logStream.end();
    },
  };
}

// ---- Accounts.

interface Accounts {
  /** Token of the school user of each open school, by LAEstab. */
  school: Map<string, string>;
  /** Token of the la-user of each LA, by LA code. */
  la: Map<string, string>;
}

async function seed(databaseUrl: string, dataDir: string, masterKey: string, registerCsv: string): Promise<Accounts> {
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    S2S_DATA_DIR: dataDir,
    S2S_MASTER_KEY: masterKey,
    LOG_LEVEL: 'silent',
  });
  const services = await composeServices(config, { purpose: 'transfers benchmark seeding' });
  try {
    const report = await importRegister(services.db, registerCsv, services.now());
    if (report.rejected.length > 0) throw new Error(`register rows rejected: ${JSON.stringify(report.rejected)}`);
    const accounts: Accounts = { school: new Map(), la: new Map() };
    for (const school of openBenchSchools()) {
      const { user } = await createUser(
        services,
        {
          email: `school-${school.laestab}@bench.example`,
          name: `Bench ${school.laestab}`,
          org: school.laestab,
          role: 'school-user',
        },
        null,
      );
      accounts.school.set(school.laestab, (await createApiToken(services, user, 'bench', null)).token);
    }
    for (const code of benchLaCodes) {
      const { user } = await createUser(
        services,
        { email: `la-${code}@bench.example`, name: `Bench LA ${code}`, org: code, role: 'la-user' },
        null,
      );
      accounts.la.set(code, (await createApiToken(services, user, 'bench', null)).token);
    }
    return accounts;
  } finally {
    await services.close();
  }
}

/** The token that may collect a file: its destination school's, or for `<la>LLLL` the LA's. */
function collectorToken(accounts: Accounts, destination: string): string {
  const token = destination.endsWith('LLLL')
    ? accounts.la.get(destination.slice(0, 3))
    : accounts.school.get(destination);
  if (!token) throw new Error(`no account collects for ${destination}`);
  return token;
}

// ---- Where the server's database connections wait: evidence for what limits throughput.

function sampleWaits(databaseUrl: string): { stop(): Promise<string> } {
  const client = new pg.Client({ connectionString: databaseUrl });
  const totals = new Map<string, number>();
  let samples = 0;
  let running = true;
  const loop = (async () => {
    await client.connect();
    while (running) {
      const { rows } = await client.query<{ what: string; n: string }>(
        `SELECT CASE WHEN state = 'idle' THEN 'idle'
                     WHEN state = 'idle in transaction' THEN 'idle in transaction'
                     WHEN wait_event_type IS NULL THEN 'running'
                     ELSE wait_event_type || ':' || wait_event END AS what, count(*) AS n
         FROM pg_stat_activity
         WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'
         GROUP BY 1`,
      );
      samples++;
      for (const row of rows) totals.set(row.what, (totals.get(row.what) ?? 0) + Number(row.n));
      await sleep(200);
    }
    await client.end();
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return [...totals]
        .sort((a, b) => b[1] - a[1])
        .map(([what, n]) => `${what} ${(n / Math.max(1, samples)).toFixed(1)}`)
        .join(', ');
    },
  };
}

// ---- Checking that acknowledged files arrive intact.

interface Acknowledged {
  file: InputFile;
  id: string;
}

interface Verification {
  checked: number;
  identical: number;
  problems: string[];
  seconds: number;
}

async function verify(port: number, accounts: Accounts, files: Acknowledged[], limit: number): Promise<Verification> {
  const step = Math.max(1, files.length / Math.max(1, limit));
  const chosen: Acknowledged[] = [];
  for (let i = 0; i < files.length && chosen.length < limit; i += step) chosen.push(files[Math.floor(i)]!);
  const client = new HttpClient(port, 16);
  const problems: string[] = [];
  let identical = 0;
  let next = 0;
  const elapsed = await closedLoop(16, 600_000, async () => {
    const item = chosen[next++];
    if (!item) return false;
    const reply = await client.request('GET', `/api/v1/files/${item.id}/content`, {
      authorization: `Bearer ${collectorToken(accounts, item.file.destination)}`,
    });
    if (reply.status === 200 && reply.body.equals(item.file.bytes)) identical++;
    else if (problems.length < 20)
      problems.push(`${item.file.name} (${item.id}): ${reply.status} ${reply.error ?? ''}`);
    return true;
  });
  client.close();
  return { checked: chosen.length, identical, problems, seconds: elapsed / 1000 };
}

function idOf(reply: Reply): string | undefined {
  try {
    const body = JSON.parse(reply.body.toString()) as { files?: Array<{ id: string | null }> };
    return body.files?.[0]?.id ?? undefined;
  } catch {
    return undefined;
  }
}

function describeStatuses(statuses: Map<string, number>): string {
  return statuses.size === 0 ? '0' : [...statuses].map(([status, n]) => `${n}× ${status}`).join(', ');
}

function tally(statuses: Map<string, number>, reply: Reply): void {
  if (reply.status === 201 || reply.status === 200) return;
  let key = reply.error ? `no answer (${reply.error})` : String(reply.status);
  if (reply.status >= 400) {
    try {
      const body = JSON.parse(reply.body.toString()) as {
        error?: { code?: string };
        files?: Array<{ errors?: Array<{ code: string }> }>;
      };
      key += ` ${body.error?.code ?? body.files?.[0]?.errors?.[0]?.code ?? ''}`.trimEnd();
    } catch {
      // Not JSON: the status alone says enough.
    }
  }
  statuses.set(key, (statuses.get(key) ?? 0) + 1);
}

function cpuLine(cost: PhaseCost): string {
  return (
    `server ${cost.serverCores.toFixed(2)} (of which kernel ${cost.serverSystemCores.toFixed(2)}), PostgreSQL ${cost.postgresCores.toFixed(2)}, ` +
    `load generator ${cost.loadCores.toFixed(2)}; machine busy ${cost.machineBusyCores.toFixed(2)}, I/O wait ${cost.iowaitCores.toFixed(2)}, stolen ${cost.stealCores.toFixed(2)}`
  );
}

// ---- Phase 1: sustained uploads.

interface SustainedResult {
  rate: number;
  latency: Latencies;
  statuses: Map<string, number>;
  acknowledged: Acknowledged[];
  notAcknowledged: InputFile[];
  exhausted: boolean;
  seconds: number;
  cost: PhaseCost;
  waits: string;
}

async function sustained(
  server: Server,
  accounts: Accounts,
  pool: InputFile[],
  databaseUrl: string,
): Promise<SustainedResult> {
  const client = new HttpClient(server.port, settings.clients);
  const latency = new Latencies();
  const statuses = new Map<string, number>();
  const acknowledged: Acknowledged[] = [];
  const notAcknowledged: InputFile[] = [];
  let next = 0;
  let exhausted = false;
  const watch = watchPhase(server.pids);
  const waits = sampleWaits(databaseUrl);
  const elapsed = await closedLoop(settings.clients, settings.sustainedSeconds * 1000, async () => {
    const file = pool[next++];
    if (!file) {
      exhausted = true;
      return false;
    }
    const { parts, contentType } = uploadBody([file]);
    const reply = await client.request(
      'POST',
      '/api/v1/files',
      { authorization: `Bearer ${accounts.school.get(file.source)!}`, 'content-type': contentType },
      parts,
    );
    const id = reply.status === 201 ? idOf(reply) : undefined;
    if (id) {
      latency.add(reply.ms);
      acknowledged.push({ file, id });
    } else {
      tally(statuses, reply.status === 201 ? { ...reply, status: -1, error: '201 without an id' } : reply);
      notAcknowledged.push(file);
    }
    return true;
  });
  const cost = watch.stop();
  client.close();
  return {
    rate: acknowledged.length / (elapsed / 1000),
    latency,
    statuses,
    acknowledged,
    notAcknowledged,
    exhausted,
    seconds: elapsed / 1000,
    cost,
    waits: await waits.stop(),
  };
}

// ---- Phase 2: school users, before and during the peak, and the LAs' zips.

interface MixResult {
  inbox: Latencies;
  inboxRows: number[];
  upload: Latencies;
  statuses: Map<string, number>;
  acknowledged: Acknowledged[];
  seconds: number;
}

function schoolUsers(): string[] {
  // Spread over the LAs: the first school of each LA, then the second …
  const byLa = benchLaCodes.map((code) => openBenchSchools().filter((s) => s.laCode === code));
  const spread: string[] = [];
  for (let i = 0; spread.length < openBenchSchools().length; i++) {
    for (const schools of byLa) if (schools[i]) spread.push(schools[i]!.laestab);
  }
  return Array.from({ length: settings.schoolUsers }, (_, i) => spread[i % spread.length]!);
}

async function schoolMix(
  server: Server,
  accounts: Accounts,
  singles: InputFile[],
  durationMs: number,
  stopped: () => boolean,
): Promise<MixResult> {
  const users = schoolUsers();
  const client = new HttpClient(server.port, users.length);
  const result: MixResult = {
    inbox: new Latencies(),
    inboxRows: [],
    upload: new Latencies(),
    statuses: new Map(),
    acknowledged: [],
    seconds: 0,
  };
  const started = new Set<number>();
  const elapsed = await closedLoop(users.length, durationMs, async (u) => {
    if (!started.has(u)) {
      // Users arrive spread over one cycle, as people do, rather than all in the same millisecond.
      started.add(u);
      await sleep((u / users.length) * 2 * settings.thinkMs);
    }
    if (stopped()) return false;
    const token = accounts.school.get(users[u]!)!;
    const inbox = await client.request('GET', '/api/v1/inbox', { authorization: `Bearer ${token}` });
    if (inbox.status === 200) {
      result.inbox.add(inbox.ms);
      // Counting rows costs the load generator a JSON parse: one response in ten is enough for the mean.
      if (result.inbox.count % 10 === 1)
        result.inboxRows.push((JSON.parse(inbox.body.toString()) as { files: unknown[] }).files.length);
    } else tally(result.statuses, inbox);
    await sleep(settings.thinkMs);
    if (stopped()) return false;
    // Each user sends from its own school; the pool's files are from random schools, so take the next from ours.
    const file = takeSingle(singles, users[u]!);
    if (file) {
      const { parts, contentType } = uploadBody([file]);
      const reply = await client.request(
        'POST',
        '/api/v1/files',
        { authorization: `Bearer ${accounts.school.get(file.source)!}`, 'content-type': contentType },
        parts,
      );
      const id = reply.status === 201 ? idOf(reply) : undefined;
      if (id) {
        result.upload.add(reply.ms);
        result.acknowledged.push({ file, id });
      } else tally(result.statuses, reply);
    }
    await sleep(settings.thinkMs);
    return true;
  });
  client.close();
  result.seconds = elapsed / 1000;
  return result;
}

/** The next unsent single file from this school (files are grouped by source once, on first use). */
const singlesBySource = new Map<string, InputFile[]>();
function takeSingle(singles: InputFile[], school: string): InputFile | undefined {
  if (singlesBySource.size === 0) {
    for (const file of singles) {
      const list = singlesBySource.get(file.source) ?? [];
      list.push(file);
      singlesBySource.set(file.source, list);
    }
  }
  return singlesBySource.get(school)?.pop();
}

interface ZipOutcome {
  laCode: string;
  seconds: number;
  status: number;
  accepted: number;
  rejected: Map<string, number>;
  acknowledged: Acknowledged[];
}

async function sendZip(
  port: number,
  accounts: Accounts,
  zip: { laCode: string; name: string; bytes: Buffer; entries: InputFile[] },
): Promise<ZipOutcome> {
  const client = new HttpClient(port, 1);
  const { parts, contentType } = uploadBody([{ name: zip.name, bytes: zip.bytes }]);
  const reply = await client.request(
    'POST',
    '/api/v1/files',
    { authorization: `Bearer ${accounts.la.get(zip.laCode)!}`, 'content-type': contentType },
    parts,
    settings.peakMaxSeconds * 1000,
  );
  client.close();
  const outcome: ZipOutcome = {
    laCode: zip.laCode,
    seconds: reply.ms / 1000,
    status: reply.status,
    accepted: 0,
    rejected: new Map(),
    acknowledged: [],
  };
  if (reply.status === 0) {
    outcome.rejected.set(`no answer (${reply.error})`, zip.entries.length);
    return outcome;
  }
  const body = JSON.parse(reply.body.toString()) as {
    files?: Array<{ id: string | null; status: string; errors?: Array<{ code: string }> }>;
    error?: { code: string };
  };
  (body.files ?? []).forEach((result, index) => {
    if (result.status !== 'rejected' && result.id) {
      outcome.accepted++;
      outcome.acknowledged.push({ file: zip.entries[index]!, id: result.id });
    } else {
      const code = result.errors?.[0]?.code ?? 'rejected';
      outcome.rejected.set(code, (outcome.rejected.get(code) ?? 0) + 1);
    }
  });
  if (!body.files) outcome.rejected.set(`${reply.status} ${body.error?.code ?? ''}`, zip.entries.length);
  return outcome;
}

// ---- Phase 4: the ceiling.

interface CeilingResult {
  rate: number;
  latency: Latencies;
  statuses: Map<string, number>;
  seconds: number;
}

async function ceiling(pool: InputFile[]): Promise<CeilingResult | string> {
  const version = nginxVersion();
  if (!version) return 'nginx is not installed (apt-get install -y nginx): ceiling row skipped';
  const nginx = await startNginx(join(out, 'nginx'), settings.nginxWorkers);
  try {
    const client = new HttpClient(nginx.port, settings.clients);
    const latency = new Latencies();
    const statuses = new Map<string, number>();
    let next = 0;
    let ok = 0;
    const elapsed = await closedLoop(settings.clients, settings.ceilingSeconds * 1000, async () => {
      // The same request bodies as s2s got, cycled: nginx keeps nothing, so repeats cost it nothing extra.
      const file = pool[next++ % pool.length]!;
      const { parts, contentType } = uploadBody([file]);
      const reply = await client.request(
        'POST',
        '/api/v1/files',
        { authorization: 'Bearer s2s_ceiling', 'content-type': contentType },
        parts,
      );
      if (reply.status === 201) {
        ok++;
        latency.add(reply.ms);
      } else tally(statuses, reply);
      return true;
    });
    client.close();
    return { rate: ok / (elapsed / 1000), latency, statuses, seconds: elapsed / 1000 };
  } finally {
    await nginx.stop();
  }
}

// ---- The run.

/**
 * Unless told otherwise the service runs as docs/postgresql.md sets up a national node: one serving process per
 * core, file bodies in PostgreSQL. `S2S_WORKERS` and `S2S_BLOB_STORE` in the environment override these. Each zip
 * request waits for its zip for as long as the peak may last, so that its answer times the whole unpacking, as
 * the figures in docs/performance.md always have (a service answers 202 after S2S_ZIP_WAIT_SECONDS instead).
 */
const serviceSettings = {
  S2S_WORKERS: process.env.S2S_WORKERS ?? String(cpus().length),
  S2S_BLOB_STORE: process.env.S2S_BLOB_STORE ?? 'postgres',
  S2S_ZIP_WAIT_SECONDS: String(settings.peakMaxSeconds),
};

async function main(): Promise<void> {
  // The settings the service will run with; it always runs on PostgreSQL, on a database made below.
  const effective = loadConfig({
    ...process.env,
    ...serviceSettings,
    DATABASE_URL: 'postgres://127.0.0.1:5432/s2s_bench',
  });
  log('Transfers benchmark');
  log(
    `  machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${mb(totalmem())} MB memory, Node ${process.version}`,
  );
  log(
    `  settings: ${settings.clients} clients for ${settings.sustainedSeconds} s (TRANSFERS_BENCH_CLIENTS, _SECONDS); ` +
      `${settings.pupilsPerFile} pupils a file (_PUPILS); ${settings.schoolUsers} school users, ${settings.thinkMs} ms between requests (_SCHOOL_USERS, _THINK_MS); ` +
      `baseline ${settings.baselineSeconds} s (_BASELINE_SECONDS); ${settings.zips} zips × ${settings.zipFiles} files, at most ${settings.peakMaxSeconds} s (_ZIPS, _ZIP_FILES, _PEAK_MAX_SECONDS); ` +
      `ceiling ${settings.ceilingSeconds} s with ${settings.nginxWorkers} nginx worker(s) (_CEILING_SECONDS, _NGINX_WORKERS); verify ${settings.verify}, zip entries ${settings.zipVerify} (_VERIFY, _ZIP_VERIFY); phases ${[...settings.phases].join(',')} (_PHASES)`,
  );
  log(
    `  service: S2S_WORKERS=${effective.workers} S2S_BULK_WORKERS=${effective.bulkWorkers} S2S_MAX_CONCURRENT_UPLOADS=${effective.maxConcurrentUploads} ` +
      `S2S_DATABASE_POOL_SIZE=${effective.databasePoolSize} S2S_BLOB_STORE=${effective.blobStore} S2S_MAX_EVENT_LOOP_DELAY_MS=${effective.maxEventLoopDelayMs}`,
  );
  log(
    `  ten LAs: the sample register's five (823 330 909 940 660) and five fictitious ones added to the bench database (${benchLaCodes.slice(5).join(' ')}), each a copy of 823's open schools`,
  );

  const inputs = prepareInputs(
    {
      dir: join(out, 'inputs'),
      sustainedFiles: sustainedPool,
      singleFiles: singlesPool,
      pupilsPerFile: settings.pupilsPerFile,
      zips: settings.zips,
      zipFiles: settings.zipFiles,
    },
    log,
  );
  const zipBytes = inputs.zips.reduce((sum, z) => sum + z.bytes.length, 0) / Math.max(1, inputs.zips.length);
  const zipEntryBytes =
    inputs.zips.flatMap((z) => z.entries).reduce((sum, e) => sum + e.bytes.length, 0) /
    Math.max(1, settings.zips * settings.zipFiles);
  log(
    `  inputs: ${inputs.sustained.length} + ${inputs.singles.length} CTFs of ${settings.pupilsPerFile} pupils (mean ${(inputs.ctfBytes / 1024).toFixed(1)} KB), ` +
      `${inputs.zips.length} zips of ${settings.zipFiles} one-pupil CTFs (mean entry ${(zipEntryBytes / 1024).toFixed(1)} KB, zip ${mb(zipBytes)} MB); ` +
      'destinations: open schools in any LA, 1 in 20 to an LA inbox',
  );

  const rows: string[] = [];
  const notes: string[] = [];
  const windows: Window[] = [];
  let sustainedResult: SustainedResult | undefined;
  const database = `s2s_bench_${process.pid}`;
  const databaseUrl = (() => {
    const url = new URL(settings.adminUrl);
    url.pathname = `/${database}`;
    return url.toString();
  })();
  const dataDir = join(out, `data-${process.pid}`);
  const profileDir = join(out, 'profiles');
  const admin = new pg.Client({ connectionString: settings.adminUrl });
  const wantsService = settings.phases.has('sustained') || settings.phases.has('peak');
  let server: Server | undefined;

  if (wantsService) {
    await admin.connect();
    const version = await admin.query<{ server_version: string }>('SHOW server_version');
    log(`  PostgreSQL ${version.rows[0]!.server_version} at ${new URL(settings.adminUrl).host}; database ${database}`);
    await admin.query(`CREATE DATABASE ${database}`);
    if (settings.synchronousCommit) {
      // Diagnostic only: shows how much of the cost is waiting for WAL flushes. Never how s2s should run.
      await admin.query(
        `ALTER DATABASE ${database} SET synchronous_commit = ${settings.synchronousCommit === 'off' ? 'off' : 'on'}`,
      );
      log(`  DIAGNOSTIC: synchronous_commit = ${settings.synchronousCommit} for the bench database`);
    }
  }
  try {
    if (wantsService) {
      const masterKey = crypto.randomBytes(32).toString('hex');
      mkdirSync(dataDir, { recursive: true });
      const seeded = performance.now();
      const accounts = await seed(databaseUrl, dataDir, masterKey, inputs.registerCsv);
      log(
        `  seeded ${accounts.school.size} school users and ${accounts.la.size} la-users with API tokens in ${((performance.now() - seeded) / 1000).toFixed(1)} s`,
      );
      const script = bundleForNode(join(here, 'server.ts'), join(out, 'server.mjs'));
      rmSync(profileDir, { recursive: true, force: true });
      server = await startServer(
        script,
        {
          DATABASE_URL: databaseUrl,
          S2S_DATA_DIR: dataDir,
          S2S_MASTER_KEY: masterKey,
          S2S_PUBLIC_URL: 'http://127.0.0.1',
          S2S_DEMO: 'false',
          NODE_ENV: 'production',
          ...serviceSettings,
        },
        profileDir,
      );
      log(
        `  server: pid ${server.pid}${server.pids.length > 1 ? ` serving through ${server.pids.length - 1} processes (${server.pids.slice(1).join(', ')})` : ''}, port ${server.port}, esbuild bundle of bench/transfers/server.ts run by plain node${settings.cpuProfile ? ' --cpu-prof' : ''}`,
      );
      await sleep(1000);
      const idle = watchPhase(server.pids);
      await sleep(500);
      const idleCost = idle.stop();
      const delivered = async () => {
        const client = new pg.Client({ connectionString: databaseUrl });
        await client.connect();
        const { rows: counted } = await client.query<{ n: string }>(
          "SELECT count(*) AS n FROM transfer_files WHERE status = 'delivered'",
        );
        await client.end();
        return Number(counted[0]!.n);
      };
      const storedAmong = async (files: InputFile[]) => {
        if (files.length === 0) return 0;
        const client = new pg.Client({ connectionString: databaseUrl });
        await client.connect();
        const { rows: counted } = await client.query<{ n: string }>(
          'SELECT count(*) AS n FROM transfer_files WHERE sha256 = ANY($1)',
          [files.map((f) => sha256(f.bytes))],
        );
        await client.end();
        return Number(counted[0]!.n);
      };
      const verifyLimit = (count: number) =>
        settings.verify === 'all' ? count : Math.min(count, Number(settings.verify));
      let acknowledgedTotal = 0;

      if (settings.phases.has('sustained')) {
        log(`\nPhase 1: ${settings.clients} API clients upload for ${settings.sustainedSeconds} s …`);
        const from = monotonicUs();
        const r = await sustained(server, accounts, inputs.sustained, databaseUrl);
        windows.push({ label: 'sustained uploads', fromUs: from, toUs: monotonicUs() });
        sustainedResult = r;
        acknowledgedTotal += r.acknowledged.length;
        log(
          `  ${r.acknowledged.length} acknowledged in ${r.seconds.toFixed(1)} s; not acknowledged: ${describeStatuses(r.statuses)}${r.exhausted ? ' (input pool ran out: raise the pool)' : ''}`,
        );
        log(`  server DB connections, mean per sample: ${r.waits}`);
        log(`  CPU (cores): ${cpuLine(r.cost)}`);
        const check = await verify(server.port, accounts, r.acknowledged, verifyLimit(r.acknowledged.length));
        const inDb = await delivered();
        const strays = await storedAmong(r.notAcknowledged);
        log(
          `  collected ${check.checked} of ${r.acknowledged.length} acknowledged files by their destination in ${check.seconds.toFixed(1)} s: ${check.identical} byte-identical; ` +
            `${inDb} delivered rows in the database; ${strays} of ${r.notAcknowledged.length} unacknowledged files stored anyway`,
        );
        for (const problem of check.problems) log(`    ${problem}`);
        rows.push(
          `| s2s, ${settings.clients} API clients, ${settings.sustainedSeconds} s | ${r.rate.toFixed(0)} | ${ms(r.latency.percentile(50))} | ${ms(r.latency.percentile(95))} | ${ms(r.latency.percentile(99))} | ` +
            `${r.statuses.size === 0 ? '0' : describeStatuses(r.statuses)} | ${check.identical} / ${check.checked} of ${r.acknowledged.length} | ${r.cost.peakRssMb} |`,
        );
        if (check.identical !== check.checked || inDb !== acknowledgedTotal || strays > 0) {
          notes.push(
            `Sustained: ${check.checked - check.identical} acknowledged files could not be collected intact; ${inDb} delivered rows for ${acknowledgedTotal} acknowledgements; ${strays} unacknowledged files stored.`,
          );
        }
      }

      if (settings.phases.has('peak')) {
        const singles = inputs.singles;
        log(`\nPhase 2a: baseline, ${settings.schoolUsers} school users for ${settings.baselineSeconds} s …`);
        const baseWatch = watchPhase(server.pids);
        const base = await schoolMix(server, accounts, singles, settings.baselineSeconds * 1000, () => false);
        const baseCost = baseWatch.stop();
        acknowledgedTotal += base.acknowledged.length;

        log(`Phase 2b: peak, ${settings.zips} LA zips of ${settings.zipFiles} files while the school users carry on …`);
        const peakWatch = watchPhase(server.pids);
        const waits = sampleWaits(databaseUrl);
        let zipsDone = false;
        const started = performance.now();
        const from = monotonicUs();
        const zipping = Promise.all(inputs.zips.map((zip) => sendZip(server!.port, accounts, zip))).finally(() => {
          zipsDone = true;
        });
        const [peak, zips] = await Promise.all([
          schoolMix(server, accounts, singles, settings.peakMaxSeconds * 1000, () => zipsDone),
          zipping,
        ]);
        const peakSeconds = (performance.now() - started) / 1000;
        windows.push({ label: 'peak', fromUs: from, toUs: monotonicUs() });
        const peakCost = peakWatch.stop();
        const peakWaits = await waits.stop();
        const zipAccepted = zips.reduce((sum, z) => sum + z.accepted, 0);
        acknowledgedTotal += peak.acknowledged.length + zipAccepted;
        const zipRejected = new Map<string, number>();
        for (const z of zips)
          for (const [code, n] of z.rejected) zipRejected.set(code, (zipRejected.get(code) ?? 0) + n);
        const lastZip = Math.max(...zips.map((z) => z.seconds));
        const firstZip = Math.min(...zips.map((z) => z.seconds));
        log(
          `  zips: all answered after ${lastZip.toFixed(1)} s (first after ${firstZip.toFixed(1)} s); ${zipAccepted} of ${settings.zips * settings.zipFiles} files accepted (${(zipAccepted / lastZip).toFixed(0)} files/s); rejected: ${describeStatuses(zipRejected)}`,
        );
        log(`  server DB connections during the peak, mean per sample: ${peakWaits}`);
        log(`  CPU (cores) baseline: ${cpuLine(baseCost)}`);
        log(`  CPU (cores) peak: ${cpuLine(peakCost)}`);
        const meanRows = (list: number[]) =>
          (list.length ? list.reduce((a, b) => a + b, 0) / list.length : 0).toFixed(0);
        const singlesCheck = await verify(
          server.port,
          accounts,
          [...base.acknowledged, ...peak.acknowledged],
          verifyLimit(base.acknowledged.length + peak.acknowledged.length),
        );
        const zipCheck = await verify(
          server.port,
          accounts,
          zips.flatMap((z) => z.acknowledged),
          settings.zipVerify,
        );
        const inDb = await delivered();
        log(
          `  collected ${singlesCheck.checked} single uploads (${singlesCheck.identical} byte-identical) and ${zipCheck.checked} zip entries (${zipCheck.identical} byte-identical); ` +
            `${inDb} delivered rows in the database for ${acknowledgedTotal} acknowledgements so far`,
        );
        for (const problem of [...singlesCheck.problems, ...zipCheck.problems]) log(`    ${problem}`);
        const mixRow = (label: string, r: MixResult, cost: PhaseCost, seconds: number) =>
          `| ${label} | ${seconds.toFixed(0)} | ${ms(r.inbox.percentile(50))} | ${ms(r.inbox.percentile(95))} | ${ms(r.inbox.percentile(99))} | ${r.inbox.count} (${meanRows(r.inboxRows)} rows) | ` +
          `${ms(r.upload.percentile(50))} | ${ms(r.upload.percentile(95))} | ${ms(r.upload.percentile(99))} | ${r.upload.count} | ${describeStatuses(r.statuses)} | ${cost.peakRssMb} |`;
        notes.push(
          [
            `| ${settings.schoolUsers} school users | s | inbox p50 ms | inbox p95 ms | inbox p99 ms | inbox loads | upload p50 ms | upload p95 ms | upload p99 ms | uploads | errors | server peak RSS MB |`,
            '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|',
            mixRow('before the peak (baseline)', base, baseCost, base.seconds),
            mixRow(`during the peak (${settings.zips} zips × ${settings.zipFiles} files)`, peak, peakCost, peakSeconds),
            '',
            `Zips: ${settings.zips} LA senders × ${settings.zipFiles} one-pupil CTFs, sent at once: all answered after **${lastZip.toFixed(1)} s** ` +
              `(first after ${firstZip.toFixed(1)} s), ${zipAccepted} of ${settings.zips * settings.zipFiles} accepted (${(zipAccepted / lastZip).toFixed(0)} files/s)` +
              `${zipRejected.size ? `, rejected: ${describeStatuses(zipRejected)}` : ''}; ${zipCheck.identical} of ${zipCheck.checked} sampled entries collected byte-identical. ` +
              `Single uploads before and during the peak: ${singlesCheck.identical} of ${singlesCheck.checked} collected byte-identical. ` +
              `Server RSS idle after start: ${idleCost.peakRssMb} MB (peak RSS from ${peakCost.peakFrom}).`,
          ].join('\n'),
        );
        const inDbOk = inDb === acknowledgedTotal;
        if (!inDbOk) notes.push(`Database holds ${inDb} delivered files for ${acknowledgedTotal} acknowledgements.`);
      }
      log(`\n  server errors logged: ${server.errorLines()} (bench/out/transfers/server.log)`);
    }
  } finally {
    await server?.stop();
    if (wantsService) {
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await admin.end();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }

  let ceilingRow: string | undefined;
  if (settings.phases.has('ceiling')) {
    log(
      `\nPhase 4: ceiling, nginx reading the same bodies with ${settings.clients} clients for ${settings.ceilingSeconds} s …`,
    );
    const c = await ceiling(inputs.sustained);
    if (typeof c === 'string') {
      log(`  ${c}`);
      notes.push(c);
    } else {
      ceilingRow =
        `| nginx ${nginxVersion()?.replace(/^nginx version: nginx\//, '') ?? ''} (${settings.nginxWorkers} worker), same bodies | ${c.rate.toFixed(0)} | ${ms(c.latency.percentile(50))} | ${ms(c.latency.percentile(95))} | ${ms(c.latency.percentile(99))} | ` +
        `${describeStatuses(c.statuses)} | – | – |`;
    }
  }

  log('\n## Results\n');
  log(
    '| uploads, one ~30 KB CTF a request | uploads/s | p50 ms | p95 ms | p99 ms | not 201 | collected byte-identical | server peak RSS MB |',
  );
  log('|---|---:|---:|---:|---:|---:|---|---:|');
  for (const row of rows) log(row);
  if (ceilingRow) log(ceilingRow);
  if (sustainedResult && ceilingRow) log('');
  for (const note of notes) log(`\n${note}`);

  if (settings.cpuProfile && existsSync(profileDir)) {
    const newest = readdirSync(profileDir)
      .filter((f) => f.endsWith('.cpuprofile'))
      .sort()
      .pop();
    if (newest) for (const window of windows) log(`\n${summariseProfile(join(profileDir, newest), 15, window)}`);
  }
}

await main();
