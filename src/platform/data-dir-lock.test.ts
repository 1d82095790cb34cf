import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { holdInChild } from '../../test/support/hold-in-child.js';
import { DataDirInUseError, lockDataDir, processStartTime } from './data-dir-lock.js';

const moduleUrl = new URL('./data-dir-lock.ts', import.meta.url).href;

/** A child process that takes the lock on `dir` and holds it until killed; resolves once it holds it. */
function lockInChild(dir: string): Promise<ChildProcess> {
  return holdInChild(
    `const { lockDataDir } = await import(${JSON.stringify(moduleUrl)});
     lockDataDir(${JSON.stringify(dir)}, 's2s serve');`,
    'locked',
  );
}

describe('the data-directory lock', () => {
  let dir: string;
  const children: ChildProcess[] = [];
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 's2s-lock-'));
  });
  after(() => {
    for (const child of children) child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('blocks a second process while a running one holds it, with the plain message', async () => {
    const holder = await lockInChild(dir);
    children.push(holder);
    assert.throws(
      () => lockDataDir(dir, 'test'),
      (error: unknown) =>
        error instanceof DataDirInUseError &&
        error.message.includes(`in use by another s2s process (pid ${holder.pid}, s2s serve)`) &&
        error.message.includes('stop the service first'),
    );
    holder.kill('SIGKILL');
    await once(holder, 'exit');
  });

  it('opens straight after the holder was killed with kill -9', () => {
    // The test before killed its holder without letting it release: the lock file is still there.
    assert.ok(fs.existsSync(path.join(dir, 's2s.lock')));
    const unlock = lockDataDir(dir, 'test');
    unlock();
    assert.ok(!fs.existsSync(path.join(dir, 's2s.lock')));
  });

  it('is not fooled by a recorded pid that now belongs to another, live process', async (t) => {
    const other = spawn('sleep', ['30']);
    children.push(other);
    await once(other, 'spawn');
    if (processStartTime(other.pid!) === undefined) {
      t.skip('no /proc here: a reused pid cannot be told from its first owner');
      return;
    }
    // As if a killed holder's pid had been given to `sleep`: same pid, a different start time.
    fs.writeFileSync(path.join(dir, 's2s.lock'), JSON.stringify({ pid: other.pid, startTime: '1', purpose: 'old' }));
    const unlock = lockDataDir(dir, 'test');
    unlock();
    // The same pid with its true start time is its holder, and blocks.
    fs.writeFileSync(
      path.join(dir, 's2s.lock'),
      JSON.stringify({ pid: other.pid, startTime: processStartTime(other.pid!), purpose: 's2s serve' }),
    );
    assert.throws(() => lockDataDir(dir, 'test'), DataDirInUseError);
    fs.rmSync(path.join(dir, 's2s.lock'));
  });

  it('treats a lock from before a reboot as stale', (t) => {
    if (processStartTime(process.ppid) === undefined) {
      t.skip('no /proc here: the boot cannot be told');
      return;
    }
    fs.writeFileSync(
      path.join(dir, 's2s.lock'),
      JSON.stringify({ pid: process.ppid, startTime: processStartTime(process.ppid), bootId: 'an-earlier-boot' }),
    );
    const unlock = lockDataDir(dir, 'test');
    unlock();
  });
});
