/**
 * One upload request, however many files it carries: each plain file goes straight through `acceptFile`; each
 * .zip is stored (encrypted) and queued as a bulk job, which a worker on any node unpacks in turn with other
 * organisations' bulk work, while this request waits for its results. Interactive single files never queue
 * behind bulk work.
 */
import crypto from 'node:crypto';
import type { User } from '../identity/accounts.js';
import type { JobQueue } from '../platform/jobs.js';
import { acceptFile, cleanFileName, type TransferDeps } from './accept-file.js';
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

export async function sendFiles(
  deps: TransferDeps & { jobs: JobQueue },
  sender: User,
  parts: AsyncIterable<UploadPart>,
  sourceIp: string | null,
): Promise<FileResult[]> {
  const results: FileResult[] = [];
  for await (const part of parts) {
    if (isZip(part.fileName)) results.push(...(await sendZip(deps, sender, part, sourceIp)));
    else results.push(await acceptFile(deps, sender, part.fileName, part.body, sourceIp));
  }
  return results;
}
