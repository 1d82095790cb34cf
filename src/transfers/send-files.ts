/**
 * One upload request, however many files it carries: each plain file goes straight through `acceptFile`; each
 * .zip is stored (encrypted) and queued as a bulk job, which a worker on any node unpacks in turn with other
 * organisations' bulk work, while this request waits for its results. Interactive single files never queue
 * behind bulk work.
 */
import crypto from 'node:crypto';
import type { User } from '../identity/accounts.js';
import type { JobQueue } from '../platform/jobs.js';
import { HttpError } from '../identity/authorise.js';
import { acceptFile, cleanFileName, type AcceptOptions, type TransferDeps } from './accept-file.js';
import { rejected, type FileResult } from './file-result.js';
import { UNZIP_JOB, type ZipPayload } from './unpack-zip.js';

export interface UploadPart {
  fileName: string;
  body: AsyncIterable<Uint8Array>;
}

export function isZip(fileName: string): boolean {
  return /\.zip$/i.test(fileName);
}

export async function sendZip(
  deps: TransferDeps & { jobs: JobQueue },
  sender: User,
  part: UploadPart,
  sourceIp: string | null,
): Promise<FileResult[]> {
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
    return [
      rejected(zipName, [
        { code: 'FILE_TOO_LARGE', message: `The .zip is larger than the limit of ${deps.config.maxZipMb} MB.` },
      ]),
    ];
  }
  const payload: ZipPayload = { blobId: blob.id, zipName, userId: sender.id, sourceIp };
  const jobId = await deps.jobs.enqueue(UNZIP_JOB, sender.orgCode, payload);
  const finished = await deps.jobs.waitFor(jobId);
  if (finished.state === 'failed') {
    return [
      rejected(zipName, [
        {
          code: 'ZIP_FAILED',
          message:
            'The .zip could not be unpacked because of a problem in s2s. Nothing from it that is listed as rejected was kept; send it again.',
        },
      ]),
    ];
  }
  return (finished.result?.files as FileResult[] | undefined) ?? [];
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
): Promise<FileResult[]> {
  const spooled = await spoolParts(deps, parts);
  const results: FileResult[] = [];
  try {
    for (const { fileName, blobId } of spooled) {
      const part = { fileName, body: await deps.blobs.get(blobId) };
      if (isZip(fileName)) results.push(...(await sendZip(deps, sender, part, sourceIp)));
      else results.push(await acceptFile(deps, sender, fileName, part.body, sourceIp, options));
    }
  } finally {
    await Promise.all(spooled.map((s) => deps.blobs.delete(s.blobId).catch(() => undefined)));
  }
  return results;
}
