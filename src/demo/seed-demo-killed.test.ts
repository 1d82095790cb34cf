/**
 * Fault test: the first `s2s serve` on an empty embedded database is killed (SIGKILL) while it seeds the demo, once
 * the accounts exist and files are being sent. The next start must seed the whole demo and print its passwords,
 * not take the half-seeded database for a seeded one.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { freePort } from '../../test/support/serve-processes.js';
import { waitFor } from '../../test/support/wait-for.js';
import { projectRoot } from '../platform/web/project-root.js';
import { demoAccounts } from './seed-demo.js';

/** Whether a file body has been written under the blob folder: the seed is sending files. */
function hasBodies(dir: string): boolean {
  try {
    return fs
      .readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .some((entry) => fs.statSync(path.join(dir, entry)).isFile());
  } catch {
    return false;
  }
}

describe('a first start killed while seeding the demo', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 's2s-seed-killed-'));
  let service: ChildProcess | undefined;
  after(() => {
    if (service && service.exitCode === null) service.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const start = async () => {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(projectRoot, 'test', 'support', 's2s-command.ts'), 'serve'],
      {
        cwd: projectRoot,
        // The embedded default, as a new user starts it: the demo is on unless switched off.
        env: { ...process.env, S2S_DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'error' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const output = { out: '', err: '' };
    child.stdout!.on('data', (d) => (output.out += String(d)));
    child.stderr!.on('data', (d) => (output.err += String(d)));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    service = child;
    return { child, output, exited };
  };

  it('is seeded in full on the next start, which prints the passwords', { timeout: 300_000 }, async () => {
    const first = await start();
    await waitFor(
      'the seed to send files',
      () => hasBodies(path.join(dataDir, 'blobs')) || first.child.exitCode !== null,
      120,
      20,
    );
    first.child.kill('SIGKILL');
    await first.exited;
    assert.doesNotMatch(first.output.out, /s2s is running/, 'killed before the seed finished');

    const second = await start();
    await waitFor(
      'the next start',
      () => second.output.out.includes('s2s is running') || second.child.exitCode !== null,
      240,
    );
    assert.equal(second.child.exitCode, null, second.output.err);
    for (const account of demoAccounts) assert.match(second.output.out, new RegExp(`${account.email} +\\S{16} `));
    second.child.kill('SIGTERM');
    assert.equal(await second.exited, 0);
  });
});
