import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { blobStoreFor, testDatabases } from '../../test/support/databases.js';
import { suiteApp } from '../../test/support/suite-app.js';
import { ctfFile, makeZip, tokenFor, upload } from '../../test/support/transfers.js';
import { waitFor } from '../../test/support/wait-for.js';
import { addUser } from '../../test/support/world.js';
import type { FileResult } from './file-result.js';
import { UNZIP_JOB } from './unpack-zip.js';

const destinations = ['3304101', '9092201', '9404301', '6602401', '3302101', '823LLLL', '3304101', '9092203'];

for (const database of await testDatabases()) {
  describe(`zip uploads (${database.name}, file bodies in ${blobStoreFor(database)})`, () => {
    const suite = suiteApp(database, {
      // These tests are about what a zip's unpacking does, not how long the request waits for it (long-zips.test.ts
      // covers the 202): on a busy machine 500 entries can take longer than the default 20 s.
      S2S_ZIP_WAIT_SECONDS: '3600',
      S2S_MAX_ZIP_ENTRIES: '600',
      S2S_MAX_FILE_MB: '1',
      S2S_MAX_ZIP_TOTAL_MB: '40',
      S2S_MAX_ZIP_RATIO: '200',
      S2S_BLOB_STORE: blobStoreFor(database),
    });
    let token: string;
    const storedBlobs = async () =>
      Number(
        (
          await suite.services.db
            .selectFrom('blob_keys')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );

    before(async () => {
      token = await tokenFor(
        suite.services,
        (await addUser(suite.services, { role: 'school-user', org: '8232003' })).user,
      );
    });

    it('unpacks a zip of 500 CTFs, delivering each to its destination', async () => {
      const files = Array.from({ length: 500 }, (_, i) =>
        ctfFile('8232003', destinations[i % destinations.length]!, {
          pupils: 1,
          seed: `zip-${i}`,
          sequence: (i % 999) + 1,
        }),
      );
      const zip = makeZip(
        files.map((f, i) => ({ name: `batch/${f.name}`, data: f.bytes, method: i % 2 ? 'store' : 'deflate' })),
      );
      const response = await upload(suite.app, token, [{ name: 'autumn-leavers.zip', bytes: zip }]);
      assert.equal(response.statusCode, 201, response.body.slice(0, 500));
      const results = response.json().files as FileResult[];
      assert.equal(results.length, 500);
      assert.ok(results.every((r) => r.status === 'delivered'));
      assert.equal(results[0]!.fileName, `autumn-leavers.zip/${files[0]!.name}`);
      const delivered = await suite.services.db
        .selectFrom('transfer_files')
        .select(['sha256', 'recipient_org_code'])
        .execute();
      assert.equal(delivered.length, 500);
      const job = await suite.services.db.selectFrom('jobs').select(['state', 'org_code']).executeTakeFirstOrThrow();
      assert.deepEqual(job, { state: 'done', org_code: '8232003' });
    });

    it('tells the sender’s organisation what became of a zip, and nobody else', async () => {
      const files = ['3304101', '9092201', '823LLLL'].map((to, i) =>
        ctfFile('8232003', to, { pupils: 1, seed: `asked-${i}`, sequence: 500 + i }),
      );
      const zip = makeZip(files.map((f) => ({ name: f.name, data: f.bytes, method: 'deflate' })));
      const sent = await upload(suite.app, token, [{ name: 'asked-about.zip', bytes: zip }]);
      assert.equal(sent.statusCode, 201, sent.body.slice(0, 300));
      const ask = (who: string, url: string) => suite.app.inject({ url, headers: { authorization: `Bearer ${who}` } });
      const listed = (await ask(token, '/api/v1/jobs')).json().jobs as Array<Record<string, unknown>>;
      const job = listed.find((j) => j.zipName === 'asked-about.zip')!;
      assert.equal(job.state, 'done');
      assert.equal(job.filesJudged, 3);
      assert.deepEqual(
        sent.json().jobs,
        [{ id: job.id, zipName: 'asked-about.zip', state: 'done', statusUrl: `/api/v1/jobs/${String(job.id)}` }],
        'a zip unpacked in time is still named by its job, to look up later',
      );
      const one = await ask(token, `/api/v1/jobs/${String(job.id)}`);
      assert.equal(one.statusCode, 200);
      assert.deepEqual(one.json().files, sent.json().files, 'the same per-file results the upload answered');

      const colleague = await tokenFor(
        suite.services,
        (await addUser(suite.services, { role: 'school-user', org: '8232003' })).user,
      );
      assert.equal(
        (await ask(colleague, `/api/v1/jobs/${String(job.id)}`)).statusCode,
        200,
        'the school’s, not one user’s',
      );
      const other = await tokenFor(
        suite.services,
        (await addUser(suite.services, { role: 'school-user', org: '3304101' })).user,
      );
      assert.equal((await ask(other, `/api/v1/jobs/${String(job.id)}`)).statusCode, 404);
      assert.equal(((await ask(other, '/api/v1/jobs')).json().jobs as unknown[]).length, 0);

      // While a zip is being unpacked, the files judged so far.
      await suite.services.db
        .updateTable('jobs')
        .set({ state: 'running', result: null, finished_at: null })
        .where('id', '=', String(job.id))
        .execute();
      await suite.services.db
        .deleteFrom('job_items')
        .where('job_id', '=', String(job.id))
        .where('seq', '=', 2)
        .execute();
      const running = (await ask(token, `/api/v1/jobs/${String(job.id)}`)).json();
      assert.equal(running.state, 'unpacking');
      assert.equal(running.filesJudged, 2);
      assert.deepEqual(running.files, (sent.json().files as unknown[]).slice(0, 2));
      await suite.services.db.updateTable('jobs').set({ state: 'done' }).where('id', '=', String(job.id)).execute();
    });

    it('tells the sender a zip was given up after its unpacking stopped the node each time, and keeps no copy', async () => {
      const sender = (await addUser(suite.services, { role: 'school-user', org: '8232003' })).user;
      const zip = makeZip([{ name: 'never.XML', data: Buffer.from('<never/>') }]);
      const { id: blobId } = await suite.services.blobs.put(zip);
      // What five nodes killed one after another while unpacking it leave: a running job, its lease run out.
      const id = crypto.randomUUID();
      const now = suite.services.now().getTime();
      await suite.services.db
        .insertInto('jobs')
        .values({
          id,
          kind: UNZIP_JOB,
          org_code: '8232003',
          payload: JSON.stringify({ blobId, zipName: 'kills-nodes.zip', userId: sender.id, sourceIp: null }),
          state: 'running',
          attempts: 5,
          created_at: new Date(now - 5 * 60_000),
          started_at: new Date(now - 60_000),
          lease_until: new Date(now - 30_000),
        })
        .execute();
      const ask = () => suite.app.inject({ url: `/api/v1/jobs/${id}`, headers: { authorization: `Bearer ${token}` } });
      // The workers look again within S2S_JOB_POLL_SECONDS (5 s): nobody announced this job.
      for (let i = 0; i < 300 && (await ask()).json().state !== 'failed'; i++) await sleep(50);
      const job = (await ask()).json();
      assert.equal(job.state, 'failed');
      assert.match(job.error, /^Given up after 5 attempts: each time, the server working on it stopped/);
      const listed = (
        (await suite.app.inject({ url: '/api/v1/jobs', headers: { authorization: `Bearer ${token}` } })).json()
          .jobs as Array<Record<string, unknown>>
      ).find((j) => j.id === id);
      assert.equal(listed?.error, job.error);
      const keyOf = () =>
        suite.services.db.selectFrom('blob_keys').select('blob_id').where('blob_id', '=', blobId).executeTakeFirst();
      await waitFor('the zip’s copy to go', async () => (await keyOf()) === undefined, 10, 50);
    });

    it('refuses a zip whose entry climbs out of the archive (zip slip), storing nothing', async () => {
      const before = await storedBlobs();
      const file = ctfFile('8232003', '3304101', { seed: 'slip' });
      const response = await upload(suite.app, token, [
        { name: 'slip.zip', bytes: makeZip([{ name: `../../${file.name}`, data: file.bytes }]) },
      ]);
      assert.equal(response.statusCode, 422);
      assert.equal(response.json().files[0].errors[0].code, 'ZIP_UNSAFE_PATH');
      assert.equal(await storedBlobs(), before);
    });

    it('refuses zip bombs: compression ratio, declared sizes, entry count', async () => {
      const bomb = makeZip([{ name: '8232003_CTF_3304101_001.XML', data: Buffer.alloc(5 * 1024 * 1024, 0x20) }]);
      const ratio = await upload(suite.app, token, [{ name: 'bomb.zip', bytes: bomb }]);
      assert.equal(ratio.json().files[0].errors[0].code, 'ZIP_BOMB');

      const file = ctfFile('8232003', '3304101', { seed: 'declared' });
      const huge = makeZip([
        { name: '8232003_MISC_3304101_001.csv', data: crypto.randomBytes(1100 * 1024) },
        { name: file.name, data: file.bytes },
      ]);
      const declared = await upload(suite.app, token, [{ name: 'huge.zip', bytes: huge }]);
      assert.equal(declared.statusCode, 207);
      assert.equal(declared.json().files[0].errors[0].code, 'FILE_TOO_LARGE', 'an entry over the file limit');
      assert.equal(declared.json().files[1].status, 'delivered');

      const total = makeZip(
        Array.from({ length: 50 }, (_, i) => ({ name: `${i}.XML`, data: file.bytes, declaredSize: 1000 * 1024 })),
      );
      const tooMuch = await upload(suite.app, token, [{ name: 'total.zip', bytes: total }]);
      assert.equal(tooMuch.json().files[0].errors[0].code, 'ZIP_TOO_LARGE');

      const many = makeZip(
        Array.from({ length: 601 }, (_, i) => ({ name: `${i}.txt`, data: Buffer.from('x'), method: 'store' as const })),
      );
      const count = await upload(suite.app, token, [{ name: 'many.zip', bytes: many }]);
      assert.equal(count.json().files[0].errors[0].code, 'ZIP_TOO_MANY_ENTRIES');
    });

    it('notices an entry larger than it declared, and refuses only that entry', async () => {
      const liar = ctfFile('8232003', '3304101', { seed: 'liar' });
      const honest = ctfFile('8232003', '9092201', { seed: 'honest' });
      const zip = makeZip([
        { name: liar.name, data: liar.bytes, declaredSize: 100 },
        { name: honest.name, data: honest.bytes },
      ]);
      const response = await upload(suite.app, token, [{ name: 'liar.zip', bytes: zip }]);
      assert.equal(response.statusCode, 207, response.body);
      const [first, second] = response.json().files as FileResult[];
      // The CTF engine reads the entry, and the zip reader fails it as soon as it passes its declared size.
      assert.equal(first!.errors![0]!.code, 'INPUT_UNREADABLE');
      assert.equal(second!.status, 'delivered');
    });

    it('refuses nested archives entry by entry, and unreadable zips whole', async () => {
      const file = ctfFile('8232003', '3304101', { seed: 'nested' });
      const inner = makeZip([{ name: file.name, data: file.bytes }]);
      const outer = makeZip([
        { name: 'inner.zip', data: inner },
        { name: file.name, data: file.bytes },
      ]);
      const response = await upload(suite.app, token, [{ name: 'outer.zip', bytes: outer }]);
      assert.equal(response.statusCode, 207);
      assert.deepEqual(
        response.json().files.map((f: FileResult) => f.errors?.[0]?.code ?? f.status),
        ['NESTED_ARCHIVE', 'delivered'],
      );
      const garbage = await upload(suite.app, token, [
        { name: 'broken.zip', bytes: Buffer.from('PK\u0003\u0004 this is not really a zip') },
      ]);
      assert.equal(garbage.json().files[0].errors[0].code, 'ZIP_INVALID');
    });

    it('refuses a file over the size limit with a clear message', async () => {
      const big = Buffer.concat([
        Buffer.from('<?xml version="1.0"?><CTfile>'),
        Buffer.alloc(1024 * 1024 + 10, 0x20),
        Buffer.from('</CTfile>'),
      ]);
      const response = await upload(suite.app, token, [{ name: '8232003_CTF_3304101_099.XML', bytes: big }]);
      assert.equal(response.statusCode, 422);
      assert.equal(response.json().files[0].errors[0].code, 'FILE_TOO_LARGE');
      assert.match(response.json().files[0].errors[0].message, /limit of 1 MB/);
    });
  });
}
