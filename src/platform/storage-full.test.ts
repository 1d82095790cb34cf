import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { testDatabases } from '../../test/support/databases.js';
import { testServices } from '../../test/support/services.js';
import { ctfFile, tokenFor, upload } from '../../test/support/transfers.js';
import { addUser, seedRegister, type TestServices } from '../../test/support/world.js';
import { openPGlite } from './database.js';
import { buildApp } from '../app/app.js';
import { isStorageFull, StorageFullError, storageHealth } from './storage-full.js';

describe('telling a full disk from a fault', () => {
  it('knows ENOSPC, EDQUOT and PostgreSQL’s disk_full, also when wrapped', () => {
    const errno = (code: string) => Object.assign(new Error(`${code}: write failed`), { code });
    assert.ok(isStorageFull(errno('ENOSPC')));
    assert.ok(isStorageFull(errno('EDQUOT')));
    assert.ok(isStorageFull(errno('53100')));
    assert.ok(isStorageFull(new Error('could not extend file "base/5/1234": No space left on device')));
    assert.ok(isStorageFull(new StorageFullError('blobs', errno('ENOSPC'))));
    assert.ok(isStorageFull(new Error('upload failed', { cause: errno('ENOSPC') })));
    assert.ok(!isStorageFull(errno('EACCES')));
    assert.ok(!isStorageFull(new Error('relation "x" does not exist')));
  });

  it('is ready again some time after a full disk it cannot see, or at once after a write succeeds', () => {
    let now = 0;
    const health = storageHealth({}, { now: () => now });
    assert.ok(health.noteFull('database'));
    assert.ok(!health.noteFull('database'), 'already known to be full');
    assert.ok(health.isFull());
    now += 30_000;
    assert.ok(!health.isFull(), 'tried again after 30 s');
    health.noteFull('database');
    health.noteWritten();
    assert.ok(!health.isFull());
  });
});

/** Mounts a small tmpfs (4 MiB unless told) on `dir`; a reason to skip when this machine does not allow it (not root, no tmpfs). */
function mountSmallDisk(dir: string, size = '4m'): string | undefined {
  fs.mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir], { stdio: 'pipe' });
    return undefined;
  } catch (error) {
    return `cannot mount a small tmpfs here (${String((error as { stderr?: Buffer }).stderr ?? error).trim()})`;
  }
}

/** Fills the disk holding `dir` to the last byte with one file, and returns that file. */
function fill(dir: string): string {
  const filler = path.join(dir, 'filler');
  const fd = fs.openSync(filler, 'w');
  const block = Buffer.alloc(64 * 1024, 1);
  try {
    for (let size = block.length; size > 0;) {
      try {
        fs.writeSync(fd, block, 0, size);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
        size = Math.floor(size / 2);
      }
    }
  } finally {
    fs.closeSync(fd);
  }
  return filler;
}

// The embedded default: PGlite, and bodies on disk under S2S_DATA_DIR/blobs, here a disk of 4 MiB.
const pglite = (await testDatabases()).find((d) => d.name === 'pglite')!;
describe('a full blob disk', () => {
  let services: TestServices & { dataDir: string; close(): Promise<void> };
  let app: FastifyInstance;
  let blobDir: string;
  let skip: string | undefined;
  let sender: string;
  let receiver: string;

  before(async () => {
    services = await testServices(await pglite.open(), { env: { S2S_BLOB_STORE: 'fs' } });
    await seedRegister(services);
    app = await buildApp(services);
    blobDir = path.join(services.dataDir, 'blobs');
    skip = mountSmallDisk(blobDir);
    sender = await tokenFor(services, (await addUser(services, { role: 'school-user', org: '8232003' })).user);
    receiver = await tokenFor(services, (await addUser(services, { role: 'school-user', org: '3304101' })).user);
  });
  after(async () => {
    await app.close();
    if (!skip) execFileSync('umount', [blobDir]);
    await services.close();
  });

  it('answers 503 STORAGE_FULL, says not ready, keeps files downloadable, and recovers when space returns', async (t) => {
    if (skip) {
      t.skip(skip);
      return;
    }
    const kept = ctfFile('8232003', '3304101');
    const first = await upload(app, sender, [kept]);
    assert.equal(first.statusCode, 201, first.body);
    const keptId = (first.json() as { files: { id: string }[] }).files[0]!.id;

    const filler = fill(blobDir);
    const refused = await upload(app, sender, [ctfFile('8232003', '3304101')]);
    assert.equal(refused.statusCode, 503, refused.body);
    assert.ok(Number(refused.headers['retry-after']) > 0);
    const { error } = refused.json() as { error: { code: string; message: string } };
    assert.equal(error.code, 'STORAGE_FULL');
    assert.match(error.message, /storage is full.*already received can still be downloaded/);
    const notReady = await app.inject('/readyz');
    assert.equal(notReady.statusCode, 503);
    assert.equal((notReady.json() as { storage?: string }).storage, 'full');

    const download = await app.inject({
      url: `/api/v1/files/${keptId}/content`,
      headers: { authorization: `Bearer ${receiver}` },
    });
    assert.equal(download.statusCode, 200, download.body);
    assert.ok(download.rawPayload.equals(kept.bytes), 'the stored file, byte for byte');

    fs.rmSync(filler);
    assert.equal((await app.inject('/readyz')).statusCode, 200, 'ready once space is freed');
    const again = await upload(app, sender, [ctfFile('8232003', '3304101')]);
    assert.equal(again.statusCode, 201, again.body);
  });
});

// The embedded default on one disk: the database, its audit trail and the bodies all in S2S_DATA_DIR, here 160 MiB.
describe('a full disk under the embedded database', () => {
  let services: TestServices & { dataDir: string; close(): Promise<void> };
  let app: FastifyInstance;
  let dataDir: string;
  let skip: string | undefined;
  let sender: string;
  let receiver: string;

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 's2s-full-disk-'));
    skip = mountSmallDisk(dataDir, '160m');
    if (skip) return;
    const env = { S2S_DATA_DIR: dataDir, S2S_BLOB_STORE: 'fs', S2S_RESERVED_SPACE_MB: '16' };
    services = await testServices(await openPGlite(dataDir, 'test'), { env });
    await seedRegister(services);
    app = await buildApp(services);
    sender = await tokenFor(services, (await addUser(services, { role: 'school-user', org: '8232003' })).user);
    receiver = await tokenFor(services, (await addUser(services, { role: 'school-user', org: '3304101' })).user);
  });
  after(async () => {
    if (!skip) {
      await app.close();
      await services.close();
      execFileSync('umount', [dataDir]);
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses new files but still serves, and audits, the files it holds', async (t) => {
    if (skip) {
      t.skip(skip);
      return;
    }
    assert.equal(fs.statSync(path.join(dataDir, 'reserved-space')).size, 16 * 1024 * 1024);
    const kept = ctfFile('8232003', '3304101');
    const first = await upload(app, sender, [kept]);
    assert.equal(first.statusCode, 201, first.body);
    const keptId = (first.json() as { files: { id: string }[] }).files[0]!.id;

    const filler = fill(dataDir);
    const refused = await upload(app, sender, [ctfFile('8232003', '3304101')]);
    assert.equal(refused.statusCode, 503, refused.body);
    assert.equal((refused.json() as { error: { code: string } }).error.code, 'STORAGE_FULL');
    assert.ok(!fs.existsSync(path.join(dataDir, 'reserved-space')), 'the reserve is given up');
    assert.equal((await app.inject('/readyz')).statusCode, 503);
    const refusedAgain = await upload(app, sender, [ctfFile('8232003', '3304101')]);
    assert.equal((refusedAgain.json() as { error: { code: string } }).error.code, 'STORAGE_FULL');

    for (let i = 0; i < 20; i++) {
      const download = await app.inject({
        url: `/api/v1/files/${keptId}/content`,
        headers: { authorization: `Bearer ${receiver}` },
      });
      assert.equal(download.statusCode, 200, download.body);
      assert.ok(download.rawPayload.equals(kept.bytes));
    }

    fs.rmSync(filler);
    assert.equal((await app.inject('/readyz')).statusCode, 200, 'ready once space is freed');
    assert.equal(fs.statSync(path.join(dataDir, 'reserved-space')).size, 16 * 1024 * 1024, 'the reserve is back');
    const again = await upload(app, sender, [ctfFile('8232003', '3304101')]);
    assert.equal(again.statusCode, 201, again.body);
  });
});
