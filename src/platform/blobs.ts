/**
 * Encrypted storage for file bodies. Each body gets a fresh data key, wrapped by the master key and kept in
 * `blob_keys`; the sealed body goes to the filesystem or to PostgreSQL. Deleting a blob deletes its key first:
 * once the key row is gone no copy of the body (backups included) can be read again.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { sql, type QueryCreator } from 'kysely';
import type { Db } from './database.js';
import type { Database } from './schema.js';
import { IntegrityError, type KeyRing } from './keys.js';
import { isStorageFull, StorageFullError, type StorageHealth } from './storage-full.js';
import {
  HEADER_LENGTH,
  noncePrefix,
  openSegment,
  openStream,
  SEGMENT,
  sealStream,
  segmentSpan,
} from './sealed-stream.js';

export interface StoredBlob {
  id: string;
  size: number;
  sha256: string;
}

/** The `blob_keys` row that makes a sealed body readable. */
export interface BlobKeyRow {
  blob_id: string;
  wrapped_key: Buffer;
  key_id: string;
  store: 'fs' | 'postgres';
  size: number;
  sha256: string;
}

/** A row of a sealed body kept in PostgreSQL (`S2S_BLOB_STORE=postgres`). */
export interface BlobChunkRow {
  blob_id: string;
  seq: number;
  data: Buffer;
}

/**
 * A sealed body whose rows are the caller's to write: the key row always, and for a body small enough to be one row
 * of the PostgreSQL store, the body itself, so that a file's body, key and record go in together.
 */
export interface SealedBlob extends StoredBlob {
  key: BlobKeyRow;
  chunks: BlobChunkRow[];
}

/**
 * Starts a statement that writes a sealed body's rows (its key and, in PostgreSQL, a one-row body) before the
 * caller's own insert or update: the body, its key and the row that refers to it go in one round trip and one
 * commit.
 */
export function withSealedRows(db: Db, sealed: Pick<SealedBlob, 'key' | 'chunks'>): QueryCreator<Database> {
  const keyed = db.with('body_key', (q) => q.insertInto('blob_keys').values(sealed.key));
  const rows =
    sealed.chunks.length > 0 ? keyed.with('body', (q) => q.insertInto('blob_chunks').values(sealed.chunks)) : keyed;
  // The CTE names are never read back, so either chain serves as a plain query creator.
  return rows as unknown as QueryCreator<Database>;
}

export interface BlobStore {
  /** Where new bodies go; a body is always read from the store it was written to. */
  readonly kind: 'fs' | 'postgres';
  /** Encrypts and stores a body; returns its plaintext size and SHA-256. */
  put(body: AsyncIterable<Uint8Array> | Uint8Array, id?: string): Promise<StoredBlob>;
  /**
   * Encrypts and stores a body but leaves its key row (and, in PostgreSQL, a one-row body) to the caller, who
   * inserts `key` into `blob_keys` and `chunks` into `blob_chunks` in the same statement or transaction as the row
   * that refers to the body: fewer round trips per file, and a body whose record was never written stays
   * unreadable. A caller that gives up calls `delete`.
   */
  seal(body: AsyncIterable<Uint8Array> | Uint8Array, id?: string): Promise<SealedBlob>;
  /** Streams the plaintext, verifying integrity as it goes; the stream errors with IntegrityError on tampering. */
  get(id: string): Promise<Readable>;
  /** Reads a whole (small) body into memory. */
  read(id: string): Promise<Buffer>;
  /**
   * Opens a body for reading byte ranges without reading the rest (one pupil of a large file, a zip's index and
   * entries): its key is unwrapped once, and the last segment read is kept, since reads that follow one another
   * mostly fall in the same 64 KiB.
   */
  ranges(id: string): Promise<BodyRanges>;
  /**
   * Crypto-shreds: destroys the data key, then removes the body. Pass the caller's transaction so that the key
   * goes with the caller's own change (and, on the embedded database, so that it does not wait on itself).
   */
  delete(id: string, within?: Db): Promise<void>;
  /**
   * Removes litter: sealed bodies, on disk or in PostgreSQL, that have no key row and were last written before
   * `writtenBefore`. A body's key row is written last, after the body, so a body without one is either an upload
   * still in progress (recently written) or one a crash or a failed clean-up left behind; without its key nothing
   * can read it. Returns how many bodies were removed.
   */
  removeLitter(writtenBefore: Date): Promise<number>;
}

export interface BodyRanges {
  /** The plaintext size. */
  readonly size: number;
  /** Plaintext bytes [start, end), each segment verified before any of it is returned. */
  read(start: number, end: number): Promise<Buffer>;
}

export class BlobNotFoundError extends Error {
  readonly code = 'BLOB_NOT_FOUND';
}

/** Where sealed bodies physically live. */
interface BodyStore {
  /** Writes a sealed body; returns any rows it left for the caller's statement. */
  write(id: string, sealed: AsyncIterable<Buffer>): Promise<BlobChunkRow[]>;
  read(id: string): AsyncIterable<Buffer>;
  readAt(id: string, offset: number, length: number): Promise<Buffer>;
  remove(id: string, within?: Db): Promise<void>;
  /** Ids of bodies last written before `writtenBefore`, in batches; the caller checks each batch for key rows. */
  written(writtenBefore: Date): AsyncIterable<string[]>;
}

const LITTER_BATCH = 500;

function fsBodies(dir: string): BodyStore {
  // Two levels of fan-out keep directories small at national volumes.
  const fileFor = (id: string) => path.join(dir, id.slice(0, 2), id.slice(2, 4), id);
  return {
    async write(id, sealed) {
      // The id is new and nothing reads a body before its key row exists, so it is written in place: no temporary
      // name and rename. Each file system call costs the event loop a round trip to the thread pool, so the
      // common case is one open, one write, one sync and one close, and the folders are made only when missing.
      const file = fileFor(id);
      const folder = path.dirname(file);
      const handle = await fsp.open(file, 'wx', 0o600).catch(async (error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
        await fsp.mkdir(folder, { recursive: true });
        return fsp.open(file, 'wx', 0o600);
      });
      try {
        let batch: Buffer[] = [];
        let batched = 0;
        const flush = async () => {
          const { bytesWritten } = await handle.writev(batch);
          if (bytesWritten !== batched) throw new Error(`short write to ${file}: ${bytesWritten} of ${batched} bytes`);
          batch = [];
          batched = 0;
        };
        for await (const part of sealed) {
          batch.push(part);
          batched += part.length;
          if (batched >= 1 << 20) await flush();
        }
        if (batched > 0) await flush();
        await handle.sync();
      } finally {
        await handle.close();
      }
      // The new name is durable only once the folder's entry is on disk: an acknowledged file must survive a crash.
      const directory = await fsp.open(folder, 'r');
      try {
        await directory.sync();
      } finally {
        await directory.close();
      }
      return [];
    },
    async *read(id) {
      yield* fs.createReadStream(fileFor(id), { highWaterMark: 256 * 1024 }) as AsyncIterable<Buffer>;
    },
    async readAt(id, offset, length) {
      const handle = await fsp.open(fileFor(id), 'r');
      try {
        const buffer = Buffer.alloc(length);
        const { bytesRead } = await handle.read(buffer, 0, length, offset);
        return buffer.subarray(0, bytesRead);
      } finally {
        await handle.close();
      }
    },
    async remove(id) {
      await fsp.rm(fileFor(id), { force: true });
    },
    async *written(writtenBefore) {
      const folders = async (at: string) =>
        (await fsp.readdir(at, { withFileTypes: true }).catch(() => [])).filter((e) => e.isDirectory());
      for (const first of await folders(dir)) {
        for (const second of await folders(path.join(dir, first.name))) {
          const folder = path.join(dir, first.name, second.name);
          let batch: string[] = [];
          for (const entry of await fsp.readdir(folder, { withFileTypes: true }).catch(() => [])) {
            if (!entry.isFile() || !UUID.test(entry.name)) continue;
            const stat = await fsp.stat(path.join(folder, entry.name)).catch(() => undefined);
            if (stat && stat.mtimeMs < writtenBefore.getTime()) batch.push(entry.name);
            if (batch.length >= LITTER_BATCH) {
              yield batch;
              batch = [];
            }
          }
          if (batch.length > 0) yield batch;
        }
      }
    },
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function postgresBodies(db: Db): BodyStore {
  const CHUNK = 1024 * 1024;
  return {
    async write(id, sealed) {
      let seq = 0;
      // Parts are joined once a row's worth has arrived, not as each arrives: a large body is copied once.
      let parts: Buffer[] = [];
      let held = 0;
      const flush = async (data: Buffer) => {
        await db.insertInto('blob_chunks').values({ blob_id: id, seq: seq++, data }).execute();
      };
      for await (const part of sealed) {
        parts.push(part);
        held += part.length;
        if (held < CHUNK) continue;
        let pending = Buffer.concat(parts, held);
        while (pending.length >= CHUNK) {
          await flush(pending.subarray(0, CHUNK));
          pending = pending.subarray(CHUNK);
        }
        parts = [pending];
        held = pending.length;
      }
      const rest = Buffer.concat(parts, held);
      // Most bodies are one row: that row goes with the caller's own statement instead of a round trip of its own.
      if (seq === 0) return [{ blob_id: id, seq, data: rest }];
      if (rest.length > 0) await flush(rest);
      return [];
    },
    async *read(id) {
      // One chunk at a time keeps memory flat for large bodies.
      for (let seq = 0; ; seq++) {
        const row = await db
          .selectFrom('blob_chunks')
          .select('data')
          .where('blob_id', '=', id)
          .where('seq', '=', seq)
          .executeTakeFirst();
        if (!row) return;
        yield row.data;
      }
    },
    async readAt(id, offset, length) {
      const first = Math.floor(offset / CHUNK);
      const last = Math.floor((offset + length - 1) / CHUNK);
      // Only the bytes asked for leave the database: a zip's entries are read a few kilobytes at a time, and each
      // row is a megabyte. Rows are stored uncompressed (migration 0010), so PostgreSQL fetches just the slice.
      const start = sql<number>`greatest(${offset} - seq * ${CHUNK}, 0)`;
      const end = sql<number>`least(${offset + length} - seq * ${CHUNK}, ${CHUNK})`;
      const rows = await db
        .selectFrom('blob_chunks')
        .select(sql<Buffer>`substring(data from ${start} + 1 for ${end} - ${start})`.as('data'))
        .where('blob_id', '=', id)
        .where('seq', '>=', first)
        .where('seq', '<=', last)
        .orderBy('seq')
        .execute();
      return Buffer.concat(rows.map((r) => r.data));
    },
    async remove(id, within = db) {
      await within.deleteFrom('blob_chunks').where('blob_id', '=', id).execute();
    },
    async *written(writtenBefore) {
      // Only bodies with no key row are candidates; a body's newest row says when it was last written to.
      const rows = await db
        .selectFrom('blob_chunks')
        .select('blob_id')
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(selectFrom('blob_keys').select('blob_id').whereRef('blob_keys.blob_id', '=', 'blob_chunks.blob_id')),
          ),
        )
        .groupBy('blob_id')
        .having((eb) => eb.fn.max('created_at'), '<', writtenBefore)
        .limit(LITTER_BATCH * 4)
        .execute();
      for (let at = 0; at < rows.length; at += LITTER_BATCH) {
        yield rows.slice(at, at + LITTER_BATCH).map((r) => r.blob_id);
      }
    },
  };
}

export function createBlobStore(options: {
  db: Db;
  blobKeys: KeyRing;
  kind: 'fs' | 'postgres';
  dir: string;
  /** Told of writes that fail for want of space, and of writes that succeed. */
  storage?: StorageHealth;
}): BlobStore {
  const { db, blobKeys, kind, storage } = options;
  // Bodies are read from the store their key row names, so changing S2S_BLOB_STORE leaves older files readable.
  const stores = { fs: fsBodies(options.dir), postgres: postgresBodies(db) };
  const bodies = stores[kind];

  const keyRow = async (id: string) => {
    const row = await db
      .selectFrom('blob_keys')
      .select(['wrapped_key', 'key_id', 'size', 'store'])
      .where('blob_id', '=', id)
      .executeTakeFirst();
    if (!row) throw new BlobNotFoundError(`no stored file body ${id}`);
    const dataKey = blobKeys.open(row.wrapped_key, `blob:${id}`, row.key_id);
    return { dataKey, size: row.size, bodies: stores[row.store] };
  };

  return {
    kind,
    async put(body, id) {
      const { key, chunks, ...stored } = await this.seal(body, id);
      // The key row goes in last, with the size and hash, in one statement: until it exists the body is
      // unreadable, so a crash part-way leaves only sealed bytes that nothing can open. A statement's CTEs run
      // whether or not its SELECT reads them.
      await withSealedRows(db, { key, chunks })
        .selectNoFrom(sql<number>`1`.as('stored'))
        .execute();
      return stored;
    },
    async seal(body, id = crypto.randomUUID()) {
      const dataKey = crypto.randomBytes(32);
      const hash = crypto.createHash('sha256');
      let size = 0;
      const source: AsyncIterable<Uint8Array> =
        body instanceof Uint8Array
          ? (async function* () {
              yield body;
            })()
          : body;
      async function* measured() {
        for await (const chunk of source) {
          hash.update(chunk);
          size += chunk.byteLength;
          yield chunk;
        }
      }
      let chunks: BlobChunkRow[];
      try {
        chunks = await bodies.write(id, sealStream(dataKey, measured()));
      } catch (error) {
        await bodies.remove(id).catch(() => undefined);
        // A full disk is the operator's to fix, not a fault in the upload: said as such, and the node not ready.
        if (isStorageFull(error)) {
          const store = kind === 'fs' ? 'blobs' : 'database';
          storage?.noteFull(store);
          throw new StorageFullError(store, error);
        }
        throw error;
      }
      // A body left to the caller's statement (one PostgreSQL row) has not been written yet: it proves nothing.
      if (chunks.length === 0) storage?.noteWritten();
      const sha256 = hash.digest('hex');
      const wrapped_key = blobKeys.seal(dataKey, `blob:${id}`);
      const key = { blob_id: id, wrapped_key, key_id: blobKeys.currentId, store: kind, size, sha256 };
      return { id, size, sha256, key, chunks };
    },
    async get(id) {
      const { dataKey, bodies } = await keyRow(id);
      const sealed = bodies.read(id);
      async function* verified() {
        try {
          yield* openStream(dataKey, sealed);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
            throw new IntegrityError(`the stored body of ${id} is missing`);
          }
          throw error;
        }
      }
      return Readable.from(verified(), { objectMode: false });
    },
    async read(id) {
      const chunks: Buffer[] = [];
      for await (const chunk of await this.get(id)) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    },
    async ranges(id) {
      const { dataKey, size, bodies } = await keyRow(id);
      if (size === null) throw new BlobNotFoundError(`stored file body ${id} is incomplete`);
      let prefix: Buffer | undefined;
      let kept: { index: number; plain: Buffer } | undefined;
      const segment = async (index: number): Promise<Buffer> => {
        if (kept?.index === index) return kept.plain;
        prefix ??= noncePrefix(await bodies.readAt(id, 0, HEADER_LENGTH));
        const span = segmentSpan(size, index);
        const plain = openSegment(dataKey, prefix, index, span.last, await bodies.readAt(id, span.offset, span.length));
        kept = { index, plain };
        return plain;
      };
      return {
        size,
        async read(start, end) {
          if (start < 0 || end > size || start > end)
            throw new RangeError(`range ${start}-${end} is outside a body of ${size} bytes`);
          if (start === end) return Buffer.alloc(0);
          const parts: Buffer[] = [];
          for (let index = Math.floor(start / SEGMENT); index * SEGMENT < end; index++) {
            const plain = await segment(index);
            parts.push(
              plain.subarray(Math.max(0, start - index * SEGMENT), Math.min(plain.length, end - index * SEGMENT)),
            );
          }
          return Buffer.concat(parts);
        },
      };
    },
    async delete(id, within = db) {
      const gone = await within.deleteFrom('blob_keys').where('blob_id', '=', id).returning('store').executeTakeFirst();
      // A body whose key row was never written (a refused file) is in the store new bodies go to.
      await stores[gone?.store ?? kind].remove(id, within);
    },
    async removeLitter(writtenBefore) {
      let removed = 0;
      for (const store of Object.values(stores)) {
        for await (const ids of store.written(writtenBefore)) {
          // Checked just before removing: a body whose key row exists is a file's, whatever its age.
          const keyed = new Set(
            (await db.selectFrom('blob_keys').select('blob_id').where('blob_id', 'in', ids).execute()).map(
              (r) => r.blob_id,
            ),
          );
          for (const id of ids) {
            if (keyed.has(id)) continue;
            await store.remove(id);
            removed++;
          }
        }
      }
      return removed;
    },
  };
}
