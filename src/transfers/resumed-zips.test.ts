/**
 * A zip job whose node dies after an entry was stored but before the job recorded it: the resumed job sends that
 * entry again, and must report it delivered (the stored file), never as a duplicate of itself.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import { before, describe, it } from 'node:test';
import { blobStoreFor, testDatabases } from '../../test/support/databases.js';
import { suiteApp } from '../../test/support/suite-app.js';
import { ctfFile, makeZip } from '../../test/support/transfers.js';
import { addUser } from '../../test/support/world.js';
import type { User } from '../platform/user.js';
import { jobContext, type JobContext } from '../platform/jobs.js';
import type { FileResult } from './file-result.js';
import { UNZIP_JOB, unpackZip, type ZipPayload } from './unpack-zip.js';

class NodeDied extends Error {}

/** What node-postgres throws when the server went away in the middle of a query. */
const connectionLost = () => new Error('Connection terminated unexpectedly');

/** The job's context as a node that dies while recording item `seq` would leave it: nothing recorded from there. */
function dyingAt(context: JobContext, seq: number, failure: () => Error = () => new NodeDied()): JobContext {
  return {
    done: context.done,
    record: (at, result, alongside) => (at === seq ? Promise.reject(failure()) : context.record(at, result, alongside)),
  };
}

for (const database of await testDatabases()) {
  describe(`a zip job resumed after its node died (${database.name})`, () => {
    const suite = suiteApp(database, { S2S_BLOB_STORE: blobStoreFor(database) });
    let sender: User;

    /** A job this test runs itself, held on a lease the suite's own workers leave alone. */
    async function runningJob(payload: ZipPayload): Promise<string> {
      const id = crypto.randomUUID();
      await suite.services.db
        .insertInto('jobs')
        .values({
          id,
          kind: UNZIP_JOB,
          org_code: sender.orgCode,
          payload: JSON.stringify(payload),
          state: 'running',
          created_at: suite.services.now(),
          lease_until: new Date(suite.services.now().getTime() + 3_600_000),
        })
        .execute();
      return id;
    }

    before(async () => {
      sender = (await addUser(suite.services, { role: 'school-user', org: '8232003' })).user;
    });

    it('reports the entry stored before the crash as delivered, stores each entry once, and acknowledges them', async () => {
      const { services } = suite;
      const files = ['3304101', '9092201', '823LLLL', '9404301'].map((to, i) =>
        ctfFile('8232003', to, { pupils: 2, seed: `resumed-${i}`, sequence: 700 + i }),
      );
      const zip = makeZip(files.map((f) => ({ name: f.name, data: f.bytes })));
      const blob = await services.blobs.put(Readable.from([zip]), crypto.randomUUID());
      const payload: ZipPayload = { blobId: blob.id, zipName: 'resumed.zip', userId: sender.id, sourceIp: null };
      const jobId = await runningJob(payload);

      // A dead node runs no `finally`: the zip it was unpacking stays for the node that resumes it.
      const deadNode = { ...services, blobs: { ...services.blobs, delete: async () => undefined } };
      await assert.rejects(
        unpackZip(deadNode, payload, dyingAt(await jobContext(services.db, jobId, services.now), 2)),
        NodeDied,
      );
      assert.equal((await services.db.selectFrom('transfer_files').selectAll().execute()).length, 3);

      const resumed = await jobContext(services.db, jobId, services.now);
      assert.equal(resumed.done.size, 2, 'the two entries recorded before the crash');
      const { files: results } = (await unpackZip(services, payload, resumed)) as { files: FileResult[] };
      assert.deepEqual(
        results.map((r) => r.status),
        ['delivered', 'delivered', 'delivered', 'delivered'],
        JSON.stringify(results.map((r) => r.errors)),
      );
      const stored = await services.db.selectFrom('transfer_files').select(['id', 'acknowledged']).execute();
      assert.equal(stored.length, 4, 'each entry stored once');
      assert.equal(results[2]!.duplicateOf, results[2]!.id, 'the entry stored before the crash, named as such');
      assert.ok(
        stored.every((f) => f.acknowledged),
        'every entry acknowledged once its result was recorded',
      );
      const recorded = await services.db.selectFrom('job_items').select('seq').where('job_id', '=', jobId).execute();
      assert.equal(recorded.length, 4);

      // Now its result is recorded, the same bytes sent again are a duplicate.
      const again = makeZip([{ name: files[2]!.name, data: files[2]!.bytes }]);
      const second = await services.blobs.put(Readable.from([again]), crypto.randomUUID());
      const secondPayload = { ...payload, blobId: second.id, zipName: 'again.zip' };
      const secondJob = await runningJob(secondPayload);
      const { files: repeated } = (await unpackZip(
        services,
        secondPayload,
        await jobContext(services.db, secondJob, services.now),
      )) as { files: FileResult[] };
      assert.equal(repeated[0]!.errors?.[0]?.code, 'DUPLICATE');
    });

    it('keeps the zip when the database goes away mid-way, and the resumed job delivers every entry', async () => {
      const { services } = suite;
      const files = ['3304101', '9092201', '823LLLL'].map((to, i) =>
        ctfFile('8232003', to, { pupils: 2, seed: `outage-${i}`, sequence: 720 + i }),
      );
      const zip = makeZip(files.map((f) => ({ name: f.name, data: f.bytes })));
      const blob = await services.blobs.put(Readable.from([zip]), crypto.randomUUID());
      const payload: ZipPayload = { blobId: blob.id, zipName: 'outage.zip', userId: sender.id, sourceIp: null };
      const jobId = await runningJob(payload);
      await assert.rejects(
        unpackZip(services, payload, dyingAt(await jobContext(services.db, jobId, services.now), 1, connectionLost)),
        /Connection terminated/,
      );
      const resumed = await jobContext(services.db, jobId, services.now);
      assert.equal(resumed.done.size, 1);
      const { files: results } = (await unpackZip(services, payload, resumed)) as { files: FileResult[] };
      assert.deepEqual(
        results.map((r) => r.status),
        ['delivered', 'delivered', 'delivered'],
        JSON.stringify(results.map((r) => r.errors)),
      );
    });
  });
}
