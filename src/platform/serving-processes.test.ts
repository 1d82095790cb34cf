import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freshPostgresDatabase } from '../../test/support/databases.js';
import { TEST_MASTER_KEY } from '../../test/support/services.js';
import { waitFor } from '../../test/support/wait-for.js';
import { restartDelayMs } from './serving-processes.js';
import { projectRoot } from './web/project-root.js';

const database = await freshPostgresDatabase();

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address() as net.AddressInfo;
      server.close(() => resolve(address.port));
    });
  });
}

/** The s2s processes whose parent is `pid`, read from /proc (the TypeScript loader starts a helper of its own). */
function childrenOf(pid: number): number[] {
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

describe('replacing serving processes that keep dying', () => {
  it('replaces the first at once, then waits longer each time, up to 30 s, and never gives up', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 7, 8, 50].map((n) => restartDelayMs(n)),
      [0, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000],
    );
  });
});

describe('s2s serve with several serving processes on PostgreSQL', { skip: database ? false : 'no PostgreSQL' }, () => {
  let service: ChildProcess;
  let port: number;
  let out = '';
  let err = '';

  before(async () => {
    port = await freePort();
    service = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(projectRoot, 'test', 'support', 's2s-command.ts'), 'serve'],
      {
        cwd: projectRoot,
        env: {
          ...process.env,
          DATABASE_URL: database!.url,
          S2S_MASTER_KEY: TEST_MASTER_KEY,
          S2S_WORKERS: '2',
          S2S_DEMO: 'false',
          PORT: String(port),
          HOST: '127.0.0.1',
          LOG_LEVEL: 'error',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    service.stdout!.on('data', (d) => (out += String(d)));
    service.stderr!.on('data', (d) => (err += String(d)));
    await waitFor('the service to start', () => out.includes('2 serving processes'));
  });

  after(async () => {
    if (service.exitCode === null) service.kill('SIGKILL');
    await database?.drop();
  });

  it('answers through two processes, replaces one that dies, and stops them all on SIGTERM', async () => {
    assert.match(
      out,
      new RegExp(`s2s is running at http://localhost:${port} \\(database: PostgreSQL, 2 serving processes\\)`),
    );
    const serving = childrenOf(service.pid!);
    assert.equal(serving.length, 2, 'two serving processes');
    for (let i = 0; i < 10; i++) assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);

    process.kill(serving[0]!, 'SIGKILL');
    await waitFor('a replacement', () => err.includes('starting another') && childrenOf(service.pid!).length === 2);
    const replaced = childrenOf(service.pid!);
    assert.ok(!replaced.includes(serving[0]!), 'the dead process was replaced by a new one');
    for (let i = 0; i < 10; i++) assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);

    const exited = new Promise<number | null>((resolve) => service.once('exit', (code) => resolve(code)));
    service.kill('SIGTERM');
    assert.equal(await exited, 0);
    for (const pid of replaced) assert.throws(() => process.kill(pid, 0), 'every serving process has stopped');
  });
});
