/**
 * The embedded default keeps what it acknowledged: its write-ahead log is written through to disk at each commit,
 * its checkpoints sync the files they rely on, and a new data directory is synced before it is used. An operating
 * system crash cannot be staged in a test, so these check the mechanisms a crash relies on, on a real data
 * directory: the flags the WAL is open with, the syncs a checkpoint makes, and a commit surviving a kill -9.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { holdInChild } from '../../test/support/hold-in-child.js';
import { openPGlite, type OpenedDatabase } from './database.js';
import { embeddedSyncCount } from './durable-pglite.js';

// Linux's O_DSYNC, as /proc/<pid>/fdinfo shows a descriptor's flags (octal); O_SYNC includes it.
const O_DSYNC = 0o10000;

/** The flags of every descriptor this process holds open on a WAL segment of `dataDir`. */
function walDescriptorFlags(dataDir: string): number[] {
  const walDir = path.join(fs.realpathSync(dataDir), 'pglite', 'pg_wal');
  const flags: number[] = [];
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    let target: string;
    try {
      target = fs.readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      continue; // closed since the folder was read
    }
    if (path.dirname(target) !== walDir || !/^[0-9A-F]{24}$/.test(path.basename(target))) continue;
    const info = fs.readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8');
    flags.push(parseInt(/^flags:\s+([0-7]+)/m.exec(info)![1]!, 8));
  }
  return flags;
}

describe('the embedded database keeps what it acknowledged', () => {
  let dataDir: string;
  let opened: OpenedDatabase;
  let syncsAtCreation: number;
  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 's2s-durable-'));
    const before = embeddedSyncCount();
    opened = await openPGlite(dataDir, 'test');
    syncsAtCreation = embeddedSyncCount() - before;
  });
  after(async () => {
    await opened?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs PostgreSQL with fsync on, writing the WAL through at each commit', async () => {
    const settings = await sql<{ name: string; setting: string }>`
      SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'wal_sync_method', 'synchronous_commit')
    `.execute(opened.db);
    assert.deepEqual(Object.fromEntries(settings.rows.map((r) => [r.name, r.setting])), {
      fsync: 'on',
      synchronous_commit: 'on',
      wal_sync_method: 'open_datasync',
    });
    await sql`CREATE TABLE acknowledged (id int PRIMARY KEY)`.execute(opened.db);
    await sql`INSERT INTO acknowledged VALUES (1)`.execute(opened.db);
    const flags = walDescriptorFlags(dataDir);
    assert.ok(flags.length > 0, 'the WAL segment in use is open');
    for (const f of flags) assert.ok(f & O_DSYNC, `WAL descriptor flags 0${f.toString(8)} include O_DSYNC`);
  });

  it('syncs the files a checkpoint relies on, and a new data directory whole', async () => {
    const files = fs.readdirSync(path.join(dataDir, 'pglite'), { recursive: true }).length;
    assert.ok(syncsAtCreation >= files, `${syncsAtCreation} syncs at creation for ${files} files and folders`);
    await sql`INSERT INTO acknowledged VALUES (2)`.execute(opened.db);
    const before = embeddedSyncCount();
    await sql`CHECKPOINT`.execute(opened.db);
    assert.ok(embeddedSyncCount() > before, 'the checkpoint synced the table it wrote');
  });
});

describe('a commit on the embedded database outlives its process', () => {
  it('is there after a kill -9 straight after the commit', { timeout: 120_000 }, async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 's2s-durable-kill-'));
    try {
      const moduleUrl = new URL('./database.ts', import.meta.url).href;
      const child = await holdInChild(
        `const { sql } = await import('kysely');
         const { openPGlite } = await import(${JSON.stringify(moduleUrl)});
         const { db } = await openPGlite(${JSON.stringify(dataDir)}, 'test');
         await sql\`CREATE TABLE acknowledged (id int PRIMARY KEY)\`.execute(db);
         await sql\`INSERT INTO acknowledged SELECT generate_series(1, 500)\`.execute(db);`,
        'committed',
      );
      child.kill('SIGKILL');
      await once(child, 'exit');
      const reopened = await openPGlite(dataDir, 'test');
      try {
        const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM acknowledged`.execute(reopened.db);
        assert.equal(rows[0]!.n, 500);
      } finally {
        await reopened.close();
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
