/**
 * Unpacks a .zip upload, entry by entry, from its encrypted copy in the blob store (read by range, so nothing is
 * ever written to disk in clear and memory stays flat), and sends each entry through `acceptFile`. A zip that
 * could harm the service is refused whole before any entry is read: too many entries, declared sizes beyond the
 * limits, compression ratios of a zip bomb, paths that climb out (zip slip). Nested archives are refused entry by
 * entry. Sizes are checked again while reading, since declared sizes can lie.
 */
import { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { getUser } from '../identity/public.js';
import { HttpError } from '../platform/web/http-error.js';
import type { BodyRanges } from '../platform/blobs.js';
import { isDatabaseUnavailable } from '../platform/database.js';
import { isClientFault } from '../platform/client-faults.js';
import type { JobContext } from '../platform/jobs.js';
import { acceptFile, acknowledgeFiles, cleanFileName, type TransferDeps } from './accept-file.js';
import { rejected, type FileResult } from './file-result.js';
import { countUploads } from './upload-metrics.js';

export const UNZIP_JOB = 'unpack-zip';

/** Where a fault of the service's own, met while storing an entry, is written down. */
export interface FaultLog {
  error(details: Record<string, unknown>, message: string): void;
}

/** For callers without a log (tests that drive the job by hand); the service passes its own. */
const ignoreFaults: FaultLog = { error: () => undefined };

const entryNotStored =
  'This file could not be stored because of a problem in s2s, not in the file. It has not been delivered: send it again.';

function unreadable(error: unknown): HttpError {
  return new HttpError(400, 'ZIP_ENTRY_INVALID', `This file in the .zip cannot be read: ${(error as Error).message}.`);
}

/** An entry's bytes; a failure to read them is the zip's fault (damaged, or longer than it said), so it is told. */
async function openEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<AsyncIterable<Uint8Array>> {
  const stream = await zip.openReadStreamPromise(entry).catch((error: unknown) => {
    throw unreadable(error);
  });
  return (async function* () {
    try {
      for await (const chunk of stream) yield chunk as Uint8Array;
    } catch (error) {
      throw unreadable(error);
    }
  })();
}

export interface ZipPayload extends Record<string, unknown> {
  blobId: string;
  zipName: string;
  userId: string;
  sourceIp: string | null;
}

class BlobReader extends yauzl.RandomAccessReader {
  constructor(private readonly body: BodyRanges) {
    super();
  }
  override _readStreamForRange(start: number, end: number): Readable {
    const { body } = this;
    return Readable.from(
      (async function* () {
        // Large ranges (an entry's compressed data) are read a megabyte at a time.
        for (let from = start; from < end; from += 1 << 20)
          yield await body.read(from, Math.min(end, from + (1 << 20)));
      })(),
    );
  }
}

const archiveEnding = /\.(zip|7z|rar|gz|tgz|tar|bz2|xz|cab|jar)$/i;

export class ZipRefused extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function entriesOf(zip: yauzl.ZipFile): Promise<yauzl.Entry[]> {
  const entries: yauzl.Entry[] = [];
  for await (const entry of zip.eachEntry()) entries.push(entry);
  return entries;
}

/** Opens the zip and checks it as a whole; returns its file entries (folders are skipped). */
export async function inspectZip(
  deps: TransferDeps,
  blobId: string,
): Promise<{ zip: yauzl.ZipFile; entries: yauzl.Entry[] }> {
  // One reader for the whole zip: its key is unwrapped once, and neighbouring entries share decrypted segments.
  const body = await deps.blobs.ranges(blobId);
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.fromRandomAccessReaderPromise(new BlobReader(body), body.size, {
      lazyEntries: true,
      autoClose: false,
      validateEntrySizes: true,
      decodeStrings: true,
    });
  } catch (error) {
    throw new ZipRefused('ZIP_INVALID', `The .zip file cannot be read: ${(error as Error).message}.`);
  }
  const { config } = deps;
  if (zip.entryCount > config.maxZipEntries) {
    zip.close();
    throw new ZipRefused(
      'ZIP_TOO_MANY_ENTRIES',
      `The .zip holds ${zip.entryCount} files; the limit is ${config.maxZipEntries}. Split it into smaller zips.`,
    );
  }
  let entries: yauzl.Entry[];
  try {
    entries = await entriesOf(zip);
  } catch (error) {
    zip.close();
    const message = (error as Error).message;
    if (/relative path|absolute path|invalid characters/.test(message)) {
      throw new ZipRefused(
        'ZIP_UNSAFE_PATH',
        `The .zip contains a file whose path points outside the zip (${message}). It has been refused.`,
      );
    }
    throw new ZipRefused('ZIP_INVALID', `The .zip file cannot be read: ${message}.`);
  }
  const files = entries.filter((e) => !e.fileName.endsWith('/'));
  let total = 0;
  for (const entry of files) {
    total += entry.uncompressedSize;
    const ratio = entry.uncompressedSize / Math.max(1, entry.compressedSize);
    if (ratio > config.maxZipRatio && entry.uncompressedSize > 1024 * 1024) {
      zip.close();
      throw new ZipRefused(
        'ZIP_BOMB',
        `${cleanFileName(entry.fileName)} in the .zip expands ${Math.round(ratio)} times (the limit is ${config.maxZipRatio}): the zip has been refused.`,
      );
    }
  }
  if (total > config.maxZipTotalMb * 1024 * 1024) {
    zip.close();
    throw new ZipRefused(
      'ZIP_TOO_LARGE',
      `The files in the .zip add up to more than ${config.maxZipTotalMb} MB. Split it into smaller zips.`,
    );
  }
  return { zip, entries: files };
}

/** The job: each entry in order, resuming after the entries an earlier attempt finished. */
export async function unpackZip(
  deps: TransferDeps,
  payload: ZipPayload,
  context: JobContext,
  log: FaultLog = ignoreFaults,
): Promise<{ files: FileResult[] }> {
  const sender = await getUser(deps.db, payload.userId);
  const results: FileResult[] = [];
  let resumable = false;
  try {
    let opened: Awaited<ReturnType<typeof inspectZip>>;
    try {
      opened = await inspectZip(deps, payload.blobId);
    } catch (error) {
      if (!(error instanceof ZipRefused)) throw error;
      return { files: [rejected(payload.zipName, [{ code: error.code, message: error.message }])] };
    }
    const { zip, entries } = opened;
    try {
      for (const [index, entry] of entries.entries()) {
        const earlier = context.done.get(index);
        if (earlier) {
          results.push(earlier as unknown as FileResult);
          continue;
        }
        const name = cleanFileName(entry.fileName);
        let result: FileResult;
        if (archiveEnding.test(name)) {
          result = rejected(name, [
            {
              code: 'NESTED_ARCHIVE',
              message: 'An archive inside a .zip is not unpacked: send its files in the outer zip.',
            },
          ]);
        } else if (entry.uncompressedSize > deps.config.maxFileMb * 1024 * 1024) {
          result = rejected(name, [
            { code: 'FILE_TOO_LARGE', message: `The file is larger than the limit of ${deps.config.maxFileMb} MB.` },
          ]);
        } else {
          try {
            // Stored unacknowledged, and acknowledged as the job records it: an entry stored by an attempt whose
            // node died before recording it is, when the resumed job sends it again, the same delivery.
            result = await acceptFile(deps, sender, name, await openEntry(zip, entry), payload.sourceIp, {
              acknowledged: false,
            });
          } catch (error) {
            // The database away is no fault of the entry's: the job stops here and resumes with this entry.
            if (isDatabaseUnavailable(error)) throw error;
            // A damaged entry (or one larger than it declared) is refused; the other entries still go. Only the
            // zip's own faults are described: anything else is the service's, and its text stays in the log.
            if (!isClientFault(error))
              log.error({ err: error, blobId: payload.blobId, entry: index }, 'zip entry not stored');
            result = rejected(name, [
              isClientFault(error)
                ? { code: error.code ?? 'ZIP_ENTRY_INVALID', message: error.message }
                : { code: 'ZIP_ENTRY_NOT_STORED', message: entryNotStored },
            ]);
          }
        }
        countUploads(deps.metrics, [result]);
        result = { ...result, fileName: `${payload.zipName}/${result.fileName}` };
        const stored = result.id;
        await context.record(
          index,
          result as unknown as Record<string, unknown>,
          stored ? (trx) => acknowledgeFiles(trx, [stored]) : undefined,
        );
        results.push(result);
        // Let interactive requests in between entries.
        await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      zip.close();
    }
    if (entries.length === 0)
      return { files: [rejected(payload.zipName, [{ code: 'ZIP_EMPTY', message: 'The .zip holds no files.' }])] };
    return { files: results };
  } catch (error) {
    // Stopped by the database going away, the job resumes later from the same zip.
    resumable = isDatabaseUnavailable(error);
    throw error;
  } finally {
    // Otherwise the zip itself is not kept: its entries were stored (encrypted) one by one.
    if (!resumable) await deps.blobs.delete(payload.blobId).catch(() => undefined);
  }
}
