/**
 * Tells a full disk (or a spent quota) from a fault. A write that fails for want of space is answered 503 with a
 * plain message and turns /readyz not ready, so the load balancer sends uploads elsewhere; reads go on, so stored
 * files stay downloadable. The node is ready again once a write succeeds or, for a disk it can see, once space
 * returns.
 */
import fs from 'node:fs';

/** Where the write that ran out of space went. */
export type FullStore = 'blobs' | 'database';

export class StorageFullError extends Error {
  readonly code = 'STORAGE_FULL';
  readonly statusCode = 503;
  constructor(
    readonly store: FullStore,
    cause: unknown,
  ) {
    super(`no space left for a write to the ${store === 'blobs' ? 'blob store' : 'database'}`, { cause });
  }
}

const FULL_ERRNO = new Set(['ENOSPC', 'EDQUOT']);
// PostgreSQL's class 53 "insufficient resources": disk_full (53100); PGlite reports its file system's ENOSPC so.
const FULL_SQLSTATE = new Set(['53100']);

/** True when `error` (or an error it wraps) says a disk or quota is full. */
export function isStorageFull(error: unknown): boolean {
  for (let depth = 0, current = error; depth < 5 && current instanceof Error; depth++) {
    const code = (current as NodeJS.ErrnoException).code;
    if (code && (FULL_ERRNO.has(code) || FULL_SQLSTATE.has(code))) return true;
    if (/no space left on device|disk quota exceeded/i.test(current.message)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** Space a disk must gain after a failed write before the node says it is ready again without a write succeeding. */
const RECOVERED_BYTES = 1024 * 1024;
/** A disk the node cannot see (PostgreSQL's own) is tried again after this long: a write tells whether it is full. */
const RETRY_REMOTE_MS = 30_000;

export interface StorageHealth {
  /** Records a write that failed for want of space; true when storage was not already known to be full. */
  noteFull(store: FullStore): boolean;
  /** Records a write that succeeded: there is space again. */
  noteWritten(): void;
  /** Whether writes are expected to fail for want of space. */
  isFull(): boolean;
}

function freeBytes(dir: string): number | undefined {
  try {
    const stats = fs.statfsSync(dir);
    return stats.bavail * stats.bsize;
  } catch {
    return undefined;
  }
}

/**
 * Keeps `bytes` of space in `file`, written out (not sparse), so that it can be given back when the disk fills.
 * A disk too full to hold it gets none: the reserve is made again once space returns.
 */
function makeReserve(file: string, bytes: number): void {
  try {
    if ((fs.statSync(file, { throwIfNoEntry: false })?.size ?? -1) >= bytes) return;
    const fd = fs.openSync(file, 'w', 0o600);
    try {
      const block = Buffer.alloc(1024 * 1024);
      for (let written = 0; written < bytes; written += block.length) {
        fs.writeSync(fd, block, 0, Math.min(block.length, bytes - written));
      }
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    fs.rmSync(file, { force: true });
  }
}

/**
 * `dirs` names the local directory each store writes to (the blob folder with `S2S_BLOB_STORE=fs`, the data
 * directory with the embedded database); a store without one is on a disk only PostgreSQL sees.
 *
 * With `reserve`, space is set aside in a file on the embedded database's disk. When the disk fills, the reserve is
 * given up, and requests that bring files are refused before anything is written (`refusesUploads`), so the space
 * goes to the small writes that reading needs: the audit of each download and sign-in, sessions. A full disk thus
 * still serves the files it holds. The reserve is made again when the disk has room for it and 1 MiB more.
 */
export function storageHealth(
  dirs: Partial<Record<FullStore, string>>,
  options: { reserve?: { file: string; bytes: number }; now?: () => number } = {},
): StorageHealth {
  const now = options.now ?? (() => Date.now());
  const reserve = options.reserve && options.reserve.bytes > 0 ? options.reserve : undefined;
  if (reserve) makeReserve(reserve.file, reserve.bytes);
  let full: { store: FullStore; at: number; free: number | undefined } | undefined;
  const clear = () => {
    full = undefined;
    if (reserve) makeReserve(reserve.file, reserve.bytes);
  };
  return {
    noteFull(store) {
      const dir = dirs[store];
      const first = full === undefined;
      if (first && reserve) fs.rmSync(reserve.file, { force: true });
      full = { store, at: now(), free: dir === undefined ? undefined : freeBytes(dir) };
      return first;
    },
    noteWritten() {
      if (full) clear();
    },
    isFull() {
      if (!full) return false;
      const dir = dirs[full.store];
      const free = dir === undefined ? undefined : freeBytes(dir);
      const recovered =
        free !== undefined && full.free !== undefined
          ? free >= full.free + RECOVERED_BYTES + (reserve?.bytes ?? 0)
          : now() - full.at >= RETRY_REMOTE_MS;
      if (recovered) clear();
      return !recovered;
    },
  };
}
