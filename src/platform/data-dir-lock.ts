/**
 * PGlite keeps its files in one directory that only one process may open. This lock file records who holds it,
 * so that a second process (a CLI command while the service runs) gets a plain explanation instead of a
 * corrupted database or an obscure WebAssembly error.
 *
 * Why a lock file with the holder's identity, not an OS lock: PGlite takes no lock of its own on its directory,
 * and Node has no flock or fcntl lock without a native addon (which we avoid: it needs a compiler or prebuilt
 * binaries per platform). A process id alone is not an identity: after a kill -9 or a reboot the recorded pid can
 * belong to another, live process, and the old lock then blocked every start. So the file records the pid, the
 * process's start time (field 22 of /proc/<pid>/stat, in clock ticks since boot) and the boot id; the holder is
 * live only if a process with that pid exists now, started at that tick, in this boot. Where /proc is missing
 * (macOS) the start time cannot be read and the check falls back to "a process with that pid exists".
 *
 * The file is created with O_EXCL, so two starters cannot both create it. A stale file is removed only under a
 * short-lived takeover guard (an exclusive mkdir) and only if it still holds the stale content just read, so two
 * processes clearing the same stale lock at once cannot delete the lock the other has just taken.
 */
import fs from 'node:fs';
import path from 'node:path';

export class DataDirInUseError extends Error {
  readonly code = 'DATA_DIR_IN_USE';
}

interface Holder {
  pid?: number;
  startTime?: string;
  bootId?: string;
  purpose?: string;
  since?: string;
}

/** A takeover never takes this long; a guard older than this was left by a process killed mid-takeover. */
const STALE_GUARD_MS = 10_000;

function readProc(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The start time of a process in clock ticks since boot, or undefined where /proc cannot tell (gone, or no /proc). */
export function processStartTime(pid: number): string | undefined {
  const stat = readProc(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[19];
}

function bootId(): string | undefined {
  return readProc('/proc/sys/kernel/random/boot_id')?.trim();
}

function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function holderIsLive(holder: Holder): boolean {
  if (!holder.pid || holder.pid === process.pid) return false;
  if (holder.bootId && bootId() && holder.bootId !== bootId()) return false;
  if (!pidExists(holder.pid)) return false;
  if (holder.startTime === undefined) return true;
  const now = processStartTime(holder.pid);
  // With /proc readable, a different start time means the pid was reused by another process.
  return now === undefined ? !fs.existsSync('/proc/self/stat') : now === holder.startTime;
}

function readHolder(file: string): { text: string; holder: Holder } | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    return { text, holder: JSON.parse(text) as Holder };
  } catch {
    // An unreadable lock (a start killed between creating and writing it) is stale.
    return { text, holder: {} };
  }
}

/** Removes the lock file if it still holds `staleText`, under the takeover guard. */
function clearStale(file: string, staleText: string): void {
  const guard = `${file}.takeover`;
  try {
    fs.mkdirSync(guard);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const age = Date.now() - (fs.statSync(guard, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
    if (age > STALE_GUARD_MS) fs.rmSync(guard, { recursive: true, force: true });
    return;
  }
  try {
    if (readHolder(file)?.text === staleText) fs.rmSync(file, { force: true });
  } finally {
    fs.rmSync(guard, { recursive: true, force: true });
  }
}

export function lockDataDir(dir: string, purpose: string): () => void {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 's2s.lock');
  const me: Holder = {
    pid: process.pid,
    startTime: processStartTime(process.pid),
    bootId: bootId(),
    purpose,
    since: new Date().toISOString(),
  };
  const mine = JSON.stringify(me);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = fs.openSync(file, 'wx');
      try {
        fs.writeSync(fd, mine);
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      return () => {
        if (readHolder(file)?.text === mine) fs.rmSync(file, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const found = readHolder(file);
      if (!found) continue;
      const { holder } = found;
      if (holderIsLive(holder)) {
        throw new DataDirInUseError(
          `The data directory ${dir} is in use by another s2s process (pid ${holder.pid}, ${holder.purpose ?? 'unknown'}). ` +
            'The embedded database can be opened by one process at a time: stop the service first, ' +
            'or run the service on PostgreSQL (DATABASE_URL) so that commands can run beside it.',
        );
      }
      clearStale(file, found.text);
    }
  }
  throw new DataDirInUseError(
    `Could not lock the data directory ${dir}: another process is taking it over. Try again in a few seconds.`,
  );
}
