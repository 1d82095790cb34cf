import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { blobStoreFor, testDatabases } from '../../test/support/databases.js';
import { testServices } from '../../test/support/services.js';
import { addUser, seedRegister, signIn, type TestUser } from '../../test/support/world.js';
import { verifyAuditChain } from './audit/record-audit.js';
import type { OpenedDatabase } from './database.js';
import { MasterKeyMissingError } from './keys.js';
import { rotateInBackground, rotateWithAudit } from './rotate-in-background.js';
import { keyUsage, rotateMasterKey } from './rotate-master-key.js';
import { buildApp } from '../app/app.js';

const OLD_KEY = crypto.randomBytes(32).toString('hex');
const NEW_KEY = crypto.randomBytes(32).toString('hex');

for (const database of await testDatabases()) {
  describe(`master key rotation on ${database.name}`, () => {
    let opened: OpenedDatabase;
    // The database outlives each start of the service, as it does across a real restart.
    let shared: OpenedDatabase;
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 's2s-rotation-'));
    const bodies = new Map<string, Buffer>();
    let account: TestUser;
    let serviceKeysBefore: Buffer[];

    const start = (env: Record<string, string>) =>
      testServices(shared, {
        env: { S2S_DATA_DIR: dataDir, S2S_BLOB_STORE: blobStoreFor(database), ...env },
      });
    // What lies at rest for each body, sealed: the rotation must leave every byte of it as it was.
    const sealedBodies = async () => {
      const digests: string[] = [];
      for (const id of [...bodies.keys()].sort()) {
        const sealed =
          blobStoreFor(database) === 'postgres'
            ? Buffer.concat(
                (
                  await shared.db
                    .selectFrom('blob_chunks')
                    .select('data')
                    .where('blob_id', '=', id)
                    .orderBy('seq')
                    .execute()
                ).map((row) => row.data),
              )
            : fs.readFileSync(path.join(dataDir, 'blobs', id.slice(0, 2), id.slice(2, 4), id));
        digests.push(crypto.createHash('sha256').update(sealed).digest('hex'));
      }
      return digests.join();
    };

    before(async () => {
      opened = await database.open();
      shared = { ...opened, close: async () => {} };
      const services = await start({ S2S_MASTER_KEY: OLD_KEY });
      await seedRegister(services);
      account = await addUser(services, { role: 'school-user', org: '8232003' });
      for (let i = 0; i < 5; i += 1) {
        const body = crypto.randomBytes(1000 + i * 70_000);
        const stored = await services.blobs.put(body);
        bodies.set(stored.id, body);
      }
      // A key wrapped before key ids were kept: readers and the rotation try each key they hold.
      await services.db
        .updateTable('blob_keys')
        .set({ key_id: null })
        .where('blob_id', '=', [...bodies.keys()][0]!)
        .execute();
      serviceKeysBefore = [services.keys.auditKey, services.keys.pupilIndexKey, services.keys.csrfKey];
      await services.close();
    });

    after(async () => {
      await opened.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    it('refuses to start with only the new key while data is wrapped under the old one', async () => {
      await assert.rejects(start({ S2S_MASTER_KEY: NEW_KEY }), MasterKeyMissingError);
    });

    it('re-wraps in resumable batches while every file stays readable, without touching a body', async () => {
      const atRest = await sealedBodies();
      const services = await start({ S2S_MASTER_KEY: NEW_KEY, S2S_READ_ONLY_MASTER_KEY: OLD_KEY });
      try {
        const partial = await rotateMasterKey(services.db, services.keys, { batchSize: 2, maxBatches: 1 });
        assert.equal(partial.finished, false);
        assert.equal(partial.fileKeys, 2);
        assert.equal(partial.twoFactorSecrets, 1);
        assert.equal(partial.serviceKeys, 3);
        // Half-way: some keys under each master key, and every file still reads.
        const usage = await keyUsage(services.db);
        assert.equal(usage.find((u) => u.keyId === services.keys.masterKeyId)?.fileKeys, 2);
        for (const [id, body] of bodies) assert.deepEqual(await services.blobs.read(id), body);
        // A file sent during the rotation is wrapped under the new key from the start.
        const late = crypto.randomBytes(5000);
        const lateId = (await services.blobs.put(late)).id;

        const rest = await rotateWithAudit(services, { batchSize: 2 });
        assert.deepEqual(await services.blobs.read(lateId), late);
        assert.equal(rest.finished, true);
        assert.equal(rest.fileKeys, 3);
        const after = await keyUsage(services.db);
        assert.deepEqual(
          after.map((u) => u.keyId),
          [services.keys.masterKeyId],
        );
        const audited = await services.db
          .selectFrom('audit_events')
          .select('details')
          .where('action', '=', 'keys.rotated')
          .executeTakeFirstOrThrow();
        assert.equal((audited.details as { fileKeys: number }).fileKeys, 3);
        // A second run finds nothing to do: running it again after an interruption is always safe.
        const again = await rotateMasterKey(services.db, services.keys);
        assert.deepEqual(again, {
          serviceKeys: 0,
          fileKeys: 0,
          twoFactorSecrets: 0,
          pendingEnrolments: 0,
          finished: true,
        });
        assert.equal(await sealedBodies(), atRest, 'no stored body was rewritten');
      } finally {
        await services.close();
      }
    });

    it('restarts with only the new key: files, two-factor sign-in, audit chain and digests all work', async () => {
      const services = await start({ S2S_MASTER_KEY: NEW_KEY });
      try {
        for (const [id, body] of bodies) assert.deepEqual(await services.blobs.read(id), body);
        assert.deepEqual(
          [services.keys.auditKey, services.keys.pupilIndexKey, services.keys.csrfKey],
          serviceKeysBefore,
        );
        assert.equal((await verifyAuditChain(services.db, services.keys.auditKey)).ok, true);
        const app = await buildApp(services);
        try {
          const browser = await signIn(app, services, account);
          assert.equal((await browser.get('/')).statusCode, 200);
        } finally {
          await app.close();
        }
      } finally {
        await services.close();
      }
      await assert.rejects(start({ S2S_MASTER_KEY: OLD_KEY }), MasterKeyMissingError, 'the old key is retired');
    });

    it('a node holding a read-only key finishes the rotation by itself', async () => {
      const third = crypto.randomBytes(32).toString('hex');
      const services = await start({ S2S_MASTER_KEY: third, S2S_READ_ONLY_MASTER_KEY: NEW_KEY });
      try {
        const finished = await new Promise<number>((resolve, reject) => {
          rotateInBackground(services, { onFinished: (report) => resolve(report.fileKeys), onError: reject }, 0);
        });
        assert.equal(finished, bodies.size + 1, 'every file, the one sent during the first rotation too');
        assert.deepEqual(
          (await keyUsage(services.db)).map((u) => u.keyId),
          [services.keys.masterKeyId],
        );
      } finally {
        await services.close();
      }
    });
  });
}
