import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { testDatabases } from '../../test/support/databases.js';
import { testServices } from '../../test/support/services.js';
import { BlobNotFoundError, createBlobStore, type BlobStore } from './blobs.js';
import { IntegrityError } from './keys.js';
import { openStream, sealStream } from './sealed-stream.js';

async function collect(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of source) parts.push(Buffer.from(part));
  return Buffer.concat(parts);
}

async function* chunks(data: Buffer, size: number) {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

describe('sealed stream', () => {
  const key = crypto.randomBytes(32);

  for (const size of [0, 1, 65535, 65536, 65537, 3 * 65536, 200_001]) {
    it(`round-trips ${size} bytes, whatever the chunking`, async () => {
      const data = crypto.randomBytes(size);
      const sealed = await collect(sealStream(key, chunks(data, 7919)));
      assert.deepEqual(await collect(openStream(key, chunks(sealed, 4096))), data);
      // Only a run of 16 bytes or more says anything: one random byte turns up in any 30 bytes one time in nine.
      assert.ok(size < 16 || !sealed.includes(data.subarray(0, 32)), 'plaintext must not appear in the sealed form');
    });
  }

  it('refuses an altered byte, a dropped tail and a wrong key', async () => {
    const data = crypto.randomBytes(150_000);
    const sealed = await collect(sealStream(key, chunks(data, 65536)));
    const altered = Buffer.from(sealed);
    altered[70_000] = altered[70_000]! ^ 1;
    await assert.rejects(collect(openStream(key, [altered])), IntegrityError);
    // Cutting at a segment boundary must still be noticed: the last segment carries a flag.
    await assert.rejects(collect(openStream(key, [sealed.subarray(0, 12 + 2 * (65536 + 16))])), IntegrityError);
    await assert.rejects(collect(openStream(crypto.randomBytes(32), [sealed])), IntegrityError);
  });
});

for (const database of await testDatabases()) {
  for (const kind of ['fs', 'postgres'] as const) {
    describe(`blob store: ${kind} bodies on ${database.name}`, () => {
      let services: Awaited<ReturnType<typeof testServices>>;
      let blobs: BlobStore;
      before(async () => {
        services = await testServices(await database.open());
        blobs = createBlobStore({
          db: services.db,
          blobKeys: services.keys.blobKeys,
          kind,
          dir: path.join(services.dataDir, 'blobs'),
        });
      });
      after(() => services.close());
      const onDisk = (id: string): string[] => {
        const dir = path.join(services.dataDir, 'blobs');
        if (!fs.existsSync(dir)) return [];
        return (fs.readdirSync(dir, { recursive: true }) as string[])
          .filter((f) => f.endsWith(id))
          .map((f) => path.join(dir, f));
      };
      const inDatabase = (id: string) =>
        services.db
          .selectFrom('blob_chunks')
          .select(['seq', 'data'])
          .where('blob_id', '=', id)
          .orderBy('seq')
          .execute();

      it('stores encrypted and returns exactly the bytes put in, with size and SHA-256', async () => {
        const body = Buffer.concat([Buffer.from('<CTfile>'), crypto.randomBytes(300_000), Buffer.from('</CTfile>')]);
        const stored = await blobs.put(chunks(body, 10_000));
        assert.equal(stored.size, body.length);
        assert.equal(stored.sha256, crypto.createHash('sha256').update(body).digest('hex'));
        assert.deepEqual(await blobs.read(stored.id), body);
        if (kind === 'fs') {
          const [file] = onDisk(stored.id);
          assert.ok(file);
          const raw = fs.readFileSync(file);
          assert.equal(raw.includes(Buffer.from('<CTfile>')), false, 'the body on disk is not plaintext');
        } else {
          const rows = await inDatabase(stored.id);
          assert.ok(rows.length > 0);
          assert.equal(Buffer.concat(rows.map((r) => r.data)).includes(Buffer.from('<CTfile>')), false);
        }
      });

      it('reads any byte range without reading the rest, verifying what it reads', async () => {
        const body = crypto.randomBytes(3 * 65536 + 1234);
        const stored = await blobs.put(chunks(body, 50_000));
        const ranges = await blobs.ranges(stored.id);
        assert.equal(ranges.size, body.length);
        for (const [start, end] of [
          [0, 0],
          [0, 10],
          [65530, 65550],
          [65536, 131072],
          [100, body.length],
          [body.length - 5, body.length],
        ] as const) {
          assert.deepEqual(await ranges.read(start, end), body.subarray(start, end), `${start}-${end}`);
        }
        await assert.rejects(ranges.read(0, body.length + 1), RangeError);
        const empty = await blobs.put(Buffer.alloc(0));
        assert.equal((await (await blobs.ranges(empty.id)).read(0, 0)).length, 0);
      });

      it('fails loudly when the stored body is tampered with', async () => {
        const stored = await blobs.put(Buffer.from('a pupil record'.repeat(1000)));
        if (kind === 'fs') {
          const [file] = onDisk(stored.id);
          assert.ok(file);
          const raw = fs.readFileSync(file);
          raw[raw.length - 20] = raw[raw.length - 20]! ^ 0xff;
          fs.writeFileSync(file, raw);
        } else {
          const row = await services.db
            .selectFrom('blob_chunks')
            .select('data')
            .where('blob_id', '=', stored.id)
            .where('seq', '=', 0)
            .executeTakeFirstOrThrow();
          const data = Buffer.from(row.data);
          data[data.length - 20] = data[data.length - 20]! ^ 0xff;
          await services.db
            .updateTable('blob_chunks')
            .set({ data })
            .where('blob_id', '=', stored.id)
            .where('seq', '=', 0)
            .execute();
        }
        await assert.rejects(blobs.read(stored.id), IntegrityError);
        await assert.rejects((await blobs.ranges(stored.id)).read(0, 100), IntegrityError);
      });

      it('leaves a sealed body unreadable until its caller writes the key row, and forgets it on delete', async () => {
        const body = crypto.randomBytes(70_000);
        const sealed = await blobs.seal(chunks(body, 20_000));
        assert.equal(sealed.key.blob_id, sealed.id);
        assert.equal(sealed.key.size, body.length);
        assert.equal(sealed.key.sha256, crypto.createHash('sha256').update(body).digest('hex'));
        await assert.rejects(blobs.read(sealed.id), BlobNotFoundError);
        // In PostgreSQL a one-row body is left for the caller's statement too; on disk it is already written.
        assert.deepEqual(await inDatabase(sealed.id), []);
        assert.equal(sealed.chunks.length, kind === 'postgres' ? 1 : 0);
        await services.db.insertInto('blob_keys').values(sealed.key).execute();
        if (sealed.chunks.length > 0) await services.db.insertInto('blob_chunks').values(sealed.chunks).execute();
        assert.deepEqual(await blobs.read(sealed.id), body);

        // A body of several rows writes all but the caller's key as it goes.
        const large = crypto.randomBytes(2_500_000);
        const sealedLarge = await blobs.seal(chunks(large, 100_000));
        assert.deepEqual(sealedLarge.chunks, []);
        await services.db.insertInto('blob_keys').values(sealedLarge.key).execute();
        assert.deepEqual(await blobs.read(sealedLarge.id), large);

        const abandoned = await blobs.seal(Buffer.from('never recorded'));
        await blobs.delete(abandoned.id);
        if (kind === 'fs') {
          assert.deepEqual(onDisk(abandoned.id), [], 'the abandoned body is removed');
        } else {
          assert.deepEqual(await inDatabase(abandoned.id), [], 'the abandoned body is removed');
        }
      });

      it('still reads and deletes a body after S2S_BLOB_STORE changes, from the store it was written to', async () => {
        const body = crypto.randomBytes(1_500_000);
        const stored = await blobs.put(chunks(body, 64_000));
        const other = createBlobStore({
          db: services.db,
          blobKeys: services.keys.blobKeys,
          kind: kind === 'fs' ? 'postgres' : 'fs',
          dir: path.join(services.dataDir, 'blobs'),
        });
        assert.deepEqual(await other.read(stored.id), body);
        const ranges = await other.ranges(stored.id);
        // The second range crosses from the first 1 MiB row of a body in PostgreSQL into the next.
        for (const [start, end] of [
          [1_000_000, 1_000_100],
          [1_040_000, 1_060_000],
          [0, body.length],
        ] as const) {
          assert.deepEqual(await ranges.read(start, end), body.subarray(start, end), `${start}-${end}`);
        }
        await other.delete(stored.id);
        assert.deepEqual(await inDatabase(stored.id), [], 'no row of the body is left in PostgreSQL');
        assert.deepEqual(onDisk(stored.id), [], 'no copy of the body is left on disk');
      });

      it('removes bodies a crash left without a key row, once old, and never a file’s body', async () => {
        // Bodies over one row, so that the PostgreSQL store writes them before any key row, as a large upload does.
        const body = () => crypto.randomBytes(2_500_000);
        const kept = await blobs.put(body());
        const litter = await blobs.seal(body());
        const inProgress = await blobs.seal(body());
        const age = async (id: string) => {
          const old = new Date(Date.now() - 2 * 24 * 3_600_000);
          for (const file of onDisk(id)) fs.utimesSync(file, old, old);
          await services.db.updateTable('blob_chunks').set({ created_at: old }).where('blob_id', '=', id).execute();
        };
        await age(kept.id);
        await age(litter.id);
        const present = async (id: string) => onDisk(id).length + (await inDatabase(id)).length > 0;
        assert.ok(await present(litter.id));

        assert.equal(await blobs.removeLitter(new Date(Date.now() - 24 * 3_600_000)), 1);
        assert.ok(!(await present(litter.id)), 'the old body without a key row is gone');
        assert.ok(await present(inProgress.id), 'a recent body without a key row may be an upload in progress');
        assert.equal((await blobs.read(kept.id)).length, 2_500_000, 'a body with a key row stays, however old');
        assert.equal(await blobs.removeLitter(new Date(Date.now() - 24 * 3_600_000)), 0);
        await blobs.delete(inProgress.id);
      });

      it('crypto-shreds: after delete the key is gone and the body cannot be read', async () => {
        const stored = await blobs.put(Buffer.from('to be forgotten'));
        await blobs.delete(stored.id);
        const key = await services.db
          .selectFrom('blob_keys')
          .select('blob_id')
          .where('blob_id', '=', stored.id)
          .executeTakeFirst();
        assert.equal(key, undefined);
        await assert.rejects(blobs.read(stored.id), BlobNotFoundError);
      });
    });
  }
}
