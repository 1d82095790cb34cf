/**
 * One upload request, however many files it carries: each plain file goes straight through `acceptFile`; each
 * .zip is stored (encrypted) and queued as a bulk job, which a worker on any node unpacks in turn with other
 * organisations' bulk work. The request waits a bounded time (S2S_ZIP_WAIT_SECONDS) for its zips: one not done
 * by then goes on being unpacked, and the answer names its job, where the sender follows it. Interactive single
 * files never queue behind bulk work.
 */
import crypto from 'node:crypto';
import type { User } from '../platform/user.js';
import type { JobQueue } from '../platform/jobs.js';
import { HttpError } from '../platform/web/http-error.js';
import { acceptFile, cleanFileName, type AcceptOptions, type TransferDeps } from './accept-file.js';
import { rejected, type FileResult } from './file-result.js';
import { UNZIP_JOB, type ZipPayload } from './unpack-zip.js';
import { countUploads } from './upload-metrics.js';
import { zipJobState, zipJobUrl, type ZipJobState } from './zip-jobs.js';

export interface UploadPart {
  fileName: string;
  body: AsyncIterable<Uint8Array>;
}

export function isZip(fileName: string): boolean {
  return /\.zip$/i.test(fileName);
}

/** A zip of the request, as its answer names it: where its job has got to, and where to follow it. */
export interface ZipJobAnswer {
  id: string;
  zipName: string;
  state: ZipJobState;
  statusUrl: string;
}

export interface UploadOutcome {
  /** Each file judged by the time of the answer, in the request's order: plain files, and finished zips' entries. */
  files: FileResult[];
  /** Every .zip the request carried that was queued to be unpacked, finished or not. */
  jobs: ZipJobAnswer[];
}

type QueuedZip = { jobId: string; zipName: string };

/** Stores a .zip (encrypted) and queues its unpacking; a zip over the size limit is refused there and then. */
async function queueZip(
  deps: TransferDeps & { jobs: JobQueue },
  sender: User,
  part: UploadPart,
  sourceIp: string | null,
): Promise<QueuedZip | FileResult> {
  const zipName = cleanFileName(part.fileName);
  const maxBytes = deps.config.maxZipMb * 1024 * 1024;
  let size = 0;
  let tooLarge = false;
  async function* limited() {
    try {
      // Past the limit the rest is read and dropped, so that the next part of the request can still be read.
      for await (const chunk of part.body) {
        size += chunk.byteLength;
        if (size > maxBytes) tooLarge = true;
        if (!tooLarge) yield chunk;
      }
    } catch (error) {
      if ((error as { code?: string }).code !== 'FST_REQ_FILE_TOO_LARGE') throw error;
      tooLarge = true;
    }
  }
  const blob = await deps.blobs.put(limited(), crypto.randomUUID());
  if (tooLarge) {
    await deps.blobs.delete(blob.id);
    return rejected(zipName, [
      { code: 'FILE_TOO_LARGE', message: `The .zip is larger than the limit of ${deps.config.maxZipMb} MB.` },
    ]);
  }
  const payload: ZipPayload = { blobId: blob.id, zipName, userId: sender.id, sourceIp };
  return { jobId: await deps.jobs.enqueue(UNZIP_JOB, sender.orgCode, payload), zipName };
}

/** What the client sent, read so that a body the multipart parser cannot make sense of is the client's error. */
async function* fromClient<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  try {
    yield* source;
  } catch (error) {
    const { statusCode, code } = error as { statusCode?: number; code?: string };
    if (statusCode !== undefined || code !== undefined) throw error;
    throw new HttpError(
      400,
      'MALFORMED_UPLOAD',
      'The upload could not be read: it is not well-formed multipart/form-data (it may have been cut short). Nothing from it was kept; send it again.',
    );
  }
}

/**
 * Reads every part of the request into sealed temporary bodies before any file is judged, so that a request which
 * breaks a request-level limit (too many files) is refused whole: nothing stored, nothing delivered.
 */
async function spoolParts(
  deps: TransferDeps,
  parts: AsyncIterable<UploadPart>,
): Promise<{ fileName: string; blobId: string }[]> {
  const spooled: { fileName: string; blobId: string }[] = [];
  try {
    for await (const part of fromClient(parts)) {
      const blob = await deps.blobs.put(fromClient(part.body), crypto.randomUUID());
      spooled.push({ fileName: part.fileName, blobId: blob.id });
    }
  } catch (error) {
    await Promise.all(spooled.map((s) => deps.blobs.delete(s.blobId)));
    const code = (error as { code?: string }).code;
    if (code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT') {
      throw new HttpError(
        413,
        'TOO_MANY_FILES',
        `The request held more than ${deps.config.maxFilesPerRequest} files, so none of them was sent. Send at most ${deps.config.maxFilesPerRequest} files at a time, or put them in a .zip.`,
      );
    }
    throw error;
  }
  return spooled;
}

export async function sendFiles(
  deps: TransferDeps & { jobs: JobQueue },
  sender: User,
  parts: AsyncIterable<UploadPart>,
  sourceIp: string | null,
  options: AcceptOptions = {},
): Promise<UploadOutcome> {
  const spooled = await spoolParts(deps, parts);
  const judged: (FileResult[] | QueuedZip)[] = [];
  try {
    for (const { fileName, blobId } of spooled) {
      const part = { fileName, body: await deps.blobs.get(blobId) };
      if (!isZip(fileName)) judged.push([await acceptFile(deps, sender, fileName, part.body, sourceIp, options)]);
      else {
        const queued = await queueZip(deps, sender, part, sourceIp);
        judged.push('jobId' in queued ? queued : [queued]);
      }
    }
  } finally {
    await Promise.all(spooled.map((s) => deps.blobs.delete(s.blobId).catch(() => undefined)));
  }
  // One wait for all the request's zips, which unpack meanwhile, however many there are.
  const deadline = Date.now() + deps.config.zipWaitSeconds * 1000;
  const outcome: UploadOutcome = { files: [], jobs: [] };
  for (const item of judged) {
    if (Array.isArray(item)) {
      countUploads(deps.metrics, item);
      outcome.files.push(...item);
      continue;
    }
    const status = await deps.jobs.waitFor(item.jobId, Math.max(0, deadline - Date.now()));
    outcome.jobs.push({
      id: item.jobId,
      zipName: item.zipName,
      state: zipJobState(status.state),
      statusUrl: zipJobUrl(item.jobId),
    });
    if (status.state === 'done') outcome.files.push(...((status.result?.files as FileResult[] | undefined) ?? []));
    if (status.state === 'failed') {
      outcome.files.push(
        rejected(item.zipName, [
          {
            code: 'ZIP_FAILED',
            message:
              'The .zip could not be unpacked because of a problem in s2s. Nothing from it that is listed as rejected was kept; send it again.',
          },
        ]),
      );
    }
  }
  return outcome;
}

/** The request's zips still being unpacked when it is answered. */
export function zipsUnpacking(jobs: ZipJobAnswer[]): ZipJobAnswer[] {
  return jobs.filter((job) => job.state === 'waiting' || job.state === 'unpacking');
}
