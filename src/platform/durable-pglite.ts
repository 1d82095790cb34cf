/**
 * Makes the embedded database keep what it acknowledged through an operating-system crash or a power cut, as a
 * PostgreSQL server does. PGlite starts PostgreSQL with `fsync = off`, and its file system layer (Emscripten's
 * NODEFS) turns every fsync into nothing, so a committed upload could sit in the page cache only. Three changes:
 *
 * - fsync back on, with `wal_sync_method = open_datasync`: the write-ahead log is opened O_DSYNC (NODEFS passes the
 *   flag through to the real file), so a COMMIT returns only once its WAL record is on disk — the one thing crash
 *   recovery needs to replay an acknowledged transaction;
 * - NODEFS's missing `fsync` supplied, so the syncs PostgreSQL makes at a checkpoint (data files, new WAL segments,
 *   their folders) reach the disk before the WAL they replace is recycled;
 * - a data directory just created is synced whole once, since PGlite writes it from an in-memory initdb without a
 *   single sync.
 *
 * The cost is measured by `bench/embedded-durability/` and recorded in docs/performance.md.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { NodeFS } from '@electric-sql/pglite/nodefs';

/** PGlite's own start parameters, less `-F` (fsync off), with the WAL written through to disk at each commit. */
export const durableStartParams: string[] = [
  ...PGlite.defaultStartParams.filter((param) => param !== '-F'),
  '-c',
  'wal_sync_method=open_datasync',
  // PGlite has no checkpointer process: a checkpoint runs inside the request whose WAL passes this size. Kept
  // small, each checkpoint's syncs stay short, and recovery after a kill replays little.
  '-c',
  'max_wal_size=128MB',
];

let syncs = 0;

/** How many file syncs the embedded database has made in this process: a figure for tests and the curious. */
export function embeddedSyncCount(): number {
  return syncs;
}

interface NodefsStream {
  nfd?: number;
}

interface EmscriptenModule {
  NODEFS: { stream_ops: { fsync?: (stream: NodefsStream) => number } };
}

/** NODEFS, mounted over the data directory as PGlite's own NodeFS does, with fsync that syncs. */
export class SyncingNodeFS extends NodeFS {
  override async init(...args: Parameters<NodeFS['init']>): ReturnType<NodeFS['init']> {
    const mounted = await super.init(...args);
    const preRun = (mounted.emscriptenOpts.preRun ?? []) as ((module: EmscriptenModule) => void)[];
    preRun.push((module) => {
      module.NODEFS.stream_ops.fsync = (stream) => {
        // Every NODEFS stream, folders included, holds a real descriptor; a stream without one has nothing to sync.
        if (stream.nfd === undefined) return 0;
        fs.fsyncSync(stream.nfd);
        syncs++;
        return 0;
      };
    });
    return { ...mounted, emscriptenOpts: { ...mounted.emscriptenOpts, preRun } };
  }
}

/** Syncs every file and folder under `root`, deepest first, then `root` itself (as initdb's own sync does). */
export function syncTree(root: string): void {
  for (const entry of fs.readdirSync(root, { withFileTypes: true })) {
    const full = path.join(root, entry.name);
    if (entry.isDirectory()) syncTree(full);
    else if (entry.isFile()) syncPath(full);
  }
  syncPath(root);
}

/** Syncs one file or folder (a folder's sync makes the names in it durable). */
export function syncPath(file: string): void {
  const fd = fs.openSync(file, 'r');
  try {
    fs.fsyncSync(fd);
    syncs++;
  } finally {
    fs.closeSync(fd);
  }
}
