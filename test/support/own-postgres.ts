/**
 * A PostgreSQL cluster of a test's own, on a free port, that the test may stop and start again: for fault tests
 * that take the database away, which the shared server other test files use must never see. Made with initdb (as
 * the `postgres` OS user when the tests run as root, because initdb refuses root), with trust authentication.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from './serve-processes.js';

export interface OwnPostgres {
  /** The cluster's `postgres` database, as the superuser. */
  adminUrl: string;
  /** A new, empty database in the cluster: its connection string. */
  createDatabase(name: string): Promise<string>;
  /** Stops the server at once, as a crash or a failover does (`pg_ctl stop -m immediate`). */
  stop(): Promise<void>;
  /** Starts it again on the same port, and resolves once it accepts connections. */
  start(): Promise<void>;
  /** Stops it and removes its files. */
  destroy(): Promise<void>;
}

const binDirs = [
  '/usr/local/bin',
  '/usr/lib/postgresql/17/bin',
  '/usr/lib/postgresql/16/bin',
  '/usr/lib/postgresql/15/bin',
];

function findProgram(name: string): string | undefined {
  for (const dir of binDirs) {
    const file = path.join(dir, name);
    if (fs.existsSync(file)) return file;
  }
  return undefined;
}

/** Why no cluster can be made here (the tests that need one skip with it), or undefined when one can. */
export function ownPostgresUnavailable(): string | undefined {
  if (!findProgram('initdb') || !findProgram('pg_ctl')) return 'initdb and pg_ctl are not installed';
  if (process.getuid?.() === 0 && !postgresUser()) return 'running as root, and there is no postgres user';
  return undefined;
}

function postgresUser(): { uid: number; gid: number } | undefined {
  const line = fs
    .readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  if (!line) return undefined;
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/** Runs a PostgreSQL program, as the postgres user when we are root; rejects with its output when it fails. */
function run(program: string, args: string[]): Promise<void> {
  const asRoot = process.getuid?.() === 0;
  const [command, commandArgs] = asRoot
    ? ['runuser', ['-u', 'postgres', '--', findProgram(program)!, ...args]]
    : [findProgram(program)!, args];
  return new Promise((resolve, reject) => {
    // The server pg_ctl starts writes to its log file, never to these pipes, so they close when pg_ctl exits.
    const child = spawn(command, commandArgs, { stdio: ['ignore', 'pipe', 'pipe'], cwd: os.tmpdir() });
    let output = '';
    child.stdout.on('data', (d) => (output += String(d)));
    child.stderr.on('data', (d) => (output += String(d)));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${program} ${args.join(' ')} failed (${code}): ${output}`)),
    );
  });
}

/** Makes and starts a cluster; call `destroy()` after the tests, whatever happened. */
export async function startOwnPostgres(): Promise<OwnPostgres> {
  const unavailable = ownPostgresUnavailable();
  if (unavailable) throw new Error(`cannot start a PostgreSQL cluster: ${unavailable}`);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 's2s-own-postgres-'));
  const owner = process.getuid?.() === 0 ? postgresUser()! : undefined;
  if (owner) fs.chownSync(root, owner.uid, owner.gid);
  const data = path.join(root, 'data');
  const log = path.join(root, 'server.log');
  const port = await freePort();
  await run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
  const options = `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`;
  const start = async () => {
    try {
      await run('pg_ctl', ['start', '-D', data, '-l', log, '-w', '-t', '60', '-o', options]);
    } catch (error) {
      const tail = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').slice(-2000) : '';
      throw new Error(`${(error as Error).message}\n${tail}`, { cause: error });
    }
  };
  await start();
  const urlFor = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
  let running = true;
  return {
    adminUrl: urlFor('postgres'),
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: urlFor('postgres') });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return urlFor(name);
    },
    async stop() {
      await run('pg_ctl', ['stop', '-D', data, '-m', 'immediate', '-w']);
      running = false;
    },
    async start() {
      await start();
      running = true;
    },
    async destroy() {
      if (running) await run('pg_ctl', ['stop', '-D', data, '-m', 'immediate', '-w']).catch(() => undefined);
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}
