/**
 * The transfers API for MIS suppliers and LA scripts: upload (multipart, with zips and Idempotency-Key), the
 * inbox, a file's details and content, and the sent list with removal.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Services } from '../platform/services.js';
import { acknowledgeFiles } from './accept-file.js';
import { downloadFile, fileFor, listInbox, listSent, removeFile, type FileSummary } from './collect-files.js';
import { uploadStatusCode, type FileResult } from './file-result.js';
import { beginIdempotent, RequestFingerprint, validIdempotencyKey, type IdempotencyClaim } from './idempotency.js';
import { sendFiles, zipsUnpacking, type UploadOutcome, type UploadPart } from './send-files.js';
import { recentZipJobs, zipJob } from './zip-jobs.js';
import { gateRefusal, sentState, uploadGateFor } from './upload-support.js';
import { sendDownload } from '../platform/web/send-file.js';
import {
  apiError,
  apiRoute,
  declaredAnswer,
  errorAnswer,
  idField,
  idParams,
  retryAfter,
  timestampField,
  type ApiOperation,
} from '../platform/web/api-route.js';
import { destinationKinds, fileTypes } from '../platform/vocabulary.js';

const problem = z
  .object({
    code: z
      .string()
      .describe(
        'Stable code, e.g. UPN_CHECK_LETTER, FILE_NAME_INVALID, DESTINATION_CLOSED, DUPLICATE, FILE_TOO_LARGE, TOO_MANY_PUPILS (more pupils than S2S_MAX_PUPILS_PER_FILE, 15,000, in one file), NOT_A_CTF_FOR_REPOSITORY (only a CTF can go to XXXXXXX or MMMMMMM); as a warning, FILE_NAME_TYPE_MISMATCH (the name gives another type than the content, which decides); as a caution, UPN_SEEN_WITH_OTHER_IDENTITY (a pupil’s UPN was seen before with a different name or date of birth: check the pupil’s identity before importing)',
      ),
    message: z.string().describe('What is wrong and what to do, in plain English'),
    line: z.int().optional(),
    column: z.int().optional(),
    path: z.string().optional().describe('Element path in the XML, e.g. /CTfile/CTFpupilData/Pupil[3]/UPN'),
  })
  .meta({ id: 'Problem' });

const uploadResult = z
  .object({
    id: idField.nullable(),
    fileName: z.string(),
    fileType: z
      .enum(fileTypes)
      .nullable()
      .describe('What the file is: a CTfile or ATfile root makes it a CTF or ATF whatever its name says'),
    source: z.string().nullable(),
    destination: z.string().nullable().describe('Where it was delivered (a renumbered school’s new number)'),
    destinationKind: z.enum(destinationKinds).nullable(),
    pupils: z.int(),
    sha256: z.string().nullable(),
    status: z.enum(['delivered', 'in-repository', 'rejected']),
    errors: z.array(problem).optional(),
    warnings: z.array(problem).optional(),
    cautions: z
      .array(problem)
      .optional()
      .describe(
        'What the recipient is told about the accepted file too, and should be checked: UPN_SEEN_WITH_OTHER_IDENTITY, a pupil’s UPN seen before with a different name or date of birth. Absent when there are none.',
      ),
    redirectedFrom: z.string().optional().describe('The old number the sender used'),
    duplicateOf: idField
      .optional()
      .describe(
        'The file already stored with these bytes. On a refused DUPLICATE, the earlier file; on a delivered entry, the file an earlier request stored without its answer reaching you (the same as id): it is delivered once.',
      ),
  })
  .meta({ id: 'UploadResult' });

const zipJobStates = ['waiting', 'unpacking', 'done', 'failed'] as const;

const zipJobAnswer = z
  .object({
    id: idField.describe('The job unpacking the .zip'),
    zipName: z.string(),
    state: z.enum(zipJobStates).describe('Where the job had got to when the request was answered'),
    statusUrl: z.string().describe('`/api/v1/jobs/{id}`: the job’s state and every file’s result, then and later'),
  })
  .meta({ id: 'ZipJobAnswer' });

const uploadAnswer = z
  .object({
    files: z
      .array(uploadResult)
      .describe(
        'One entry per file judged by the time of the answer, in the order sent: every plain file, and the entries of each .zip unpacked in time. The entries of a .zip still being unpacked are at its job’s statusUrl.',
      ),
    jobs: z.array(zipJobAnswer).describe('One entry per .zip of the request (none without a .zip), finished or not.'),
  })
  .meta({ id: 'UploadAnswer' });

const zipJobSummary = z
  .object({
    id: idField,
    zipName: z.string(),
    state: z.enum(zipJobStates),
    sentAt: timestampField,
    finishedAt: timestampField.nullable(),
    filesJudged: z.int(),
    error: z.string().nullable().describe('Why a failed zip failed, in words to act on; null unless `failed`'),
  })
  .meta({ id: 'ZipJob' });

const zipJobWithFiles = zipJobSummary
  .extend({
    files: z
      .array(uploadResult)
      .describe('Each file’s result, in the zip’s order: all of them once done, those judged so far while unpacking.'),
  })
  .meta({ id: 'ZipJobWithFiles' });

const inboxFile = z
  .object({
    id: idField,
    fileName: z.string(),
    fileType: z.enum(fileTypes),
    source: z.string(),
    destination: z.string(),
    sha256: z.string(),
    pupils: z.int(),
    size: z.int(),
    receivedAt: timestampField,
    collectedAt: timestampField.nullable(),
    cautions: z
      .array(problem)
      .describe(
        'What s2s found when the file arrived that its sender and recipient should know, e.g. UPN_SEEN_WITH_OTHER_IDENTITY: a pupil’s UPN was seen before with a different name or date of birth (never saying which, or who sent it). Empty for most files.',
      ),
  })
  .meta({ id: 'InboxFile' });

const sentFile = inboxFile
  .extend({
    deliveredTo: z.string().nullable(),
    redirectedFrom: z.string().nullable(),
    state: z.enum(['waiting', 'collected', 'in-repository', 'expired', 'removed']),
    collectedBy: z.string().nullable().describe('Email of the person who first collected it'),
    expiresAt: timestampField,
    removedAt: timestampField.nullable(),
  })
  .meta({ id: 'SentFile' });

function inboxEntry(f: FileSummary) {
  return {
    id: f.id,
    fileName: f.fileName,
    fileType: f.fileType,
    source: f.source,
    destination: f.recipient ?? f.destination,
    sha256: f.sha256,
    pupils: f.pupils,
    size: f.size,
    receivedAt: f.receivedAt.toISOString(),
    collectedAt: f.collectedAt?.toISOString() ?? null,
    cautions: f.cautions,
  };
}

function sentEntry(f: FileSummary) {
  return {
    ...inboxEntry(f),
    destination: f.destination,
    deliveredTo: f.recipient,
    redirectedFrom: f.redirectedFrom,
    state: sentState(f),
    collectedBy: f.collectedBy,
    expiresAt: f.expiresAt.toISOString(),
    removedAt: f.removedAt?.toISOString() ?? null,
  };
}

const replayed = {
  'Idempotent-Replayed': {
    description: '`true` on the first answer given again to a retry with the same Idempotency-Key.',
    schema: z.literal('true'),
  },
};

const sendFilesOperation: ApiOperation = {
  method: 'POST',
  url: '/api/v1/files',
  access: 'transfers:send',
  summary: 'Send files',
  description:
    'multipart/form-data with one or more parts named "file". A .zip part is unpacked and each entry treated as a file; the request waits up to S2S_ZIP_WAIT_SECONDS (20 s) for its zips, then answers 202 with each one’s job to follow. Each file is checked by the CTF engine; a refused file is not stored. The answer has one entry per file judged, and one per .zip in `jobs`. Send an Idempotency-Key header to make retries safe: a retried request gets the first answer and stores nothing twice. A request that died part-way holds its key for at most about 10 seconds, then a retry goes ahead; files it had stored are reported as delivered with duplicateOf. Without a key, a file stored by a request whose answer never reached the sender is also reported as delivered with duplicateOf when sent again.',
  request: {
    headers: z.object({
      'Idempotency-Key': z
        .string()
        .min(1)
        .max(200)
        .optional()
        .describe('1 to 200 visible ASCII characters; the same key and files again is answered the first answer.'),
    }),
    multipart: z.object({
      file: z.array(z.file()).min(1).describe('One part per file, each named "file"; a .zip is unpacked.'),
    }),
  },
  responses: {
    201: { description: 'Every file was accepted.', body: uploadAnswer, headers: replayed },
    202: {
      description:
        'A .zip of the request is still being unpacked after S2S_ZIP_WAIT_SECONDS (20 s): it goes on being unpacked, and its files are delivered one by one. `files` holds the results of the plain files (whether accepted or refused) and of any .zip finished in time; `jobs` names each .zip with its state and statusUrl, and Location is the statusUrl of the first still being unpacked. Ask there, never send the .zip again; a retry with the same Idempotency-Key is answered this same 202.',
      body: uploadAnswer,
      headers: {
        Location: {
          description: 'The status address of the first .zip still being unpacked: /api/v1/jobs/{id}',
          schema: z.string(),
        },
        ...replayed,
      },
    },
    207: { description: 'Some files were accepted, some refused.', body: uploadAnswer, headers: replayed },
    422: {
      description:
        'No file was accepted, each refused file with its errors (such as TOO_MANY_PUPILS); or the Idempotency-Key was reused for other files (IDEMPOTENCY_KEY_REUSED), answered with an error.',
      body: z.union([uploadAnswer, apiError]),
      headers: replayed,
    },
    400: errorAnswer(
      'No files in the request (NO_FILES); a body that is not well-formed multipart/form-data, perhaps cut short (MALFORMED_UPLOAD), of which nothing is kept; an Idempotency-Key that is not valid (IDEMPOTENCY_KEY_INVALID); or BAD_ADDRESS.',
    ),
    409: errorAnswer(
      'A request with this Idempotency-Key is still running (IDEMPOTENCY_KEY_IN_USE). Retry with the same key after Retry-After seconds.',
      retryAfter('Seconds to wait before retrying.'),
    ),
    413: errorAnswer(
      'More files in one request than S2S_MAX_FILES_PER_REQUEST, 100 (TOO_MANY_FILES): the request is refused whole, none of its files stored or delivered. Send fewer, or put them in a .zip.',
    ),
    415: errorAnswer('The body is not multipart/form-data (NOT_MULTIPART).'),
    429: errorAnswer(
      'You, or your organisation, already have as many uploads in progress as one may at once (TOO_MANY_UPLOADS, S2S_MAX_CONCURRENT_UPLOADS_PER_USER and _PER_ORG): retry after Retry-After seconds. Nothing from the request was kept.',
      retryAfter('Seconds to wait before retrying.'),
    ),
  },
};

/** The headers of a stored file's download. */
const downloadHeaders = {
  'Content-Disposition': {
    description: 'attachment, with a safe file name chosen by the server',
    schema: z.string(),
  },
  'X-Content-SHA256': {
    description: 'The SHA-256 of the body, in hex: check the bytes against it',
    schema: z.string().regex(/^[0-9a-f]{64}$/),
  },
};

const fileList = (schema: z.ZodType) => z.object({ files: z.array(schema) });

export function multipartParts(request: FastifyRequest, fingerprint?: RequestFingerprint): AsyncIterable<UploadPart> {
  return (async function* () {
    for await (const part of request.parts()) {
      if (part.type !== 'file') continue;
      const body = fingerprint ? fingerprint.wrap(part.filename, part.file) : part.file;
      yield { fileName: part.filename, body };
    }
  })();
}

export const transferApiRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const gate = uploadGateFor(services);
  const takeovers = services.metrics.counter({
    name: 's2s_idempotency_takeovers_total',
    help: 'Idempotency-Key claims taken over by a retry after the first request stopped renewing them (its process died).',
    initial: [{}],
  });
  /**
   * Marks the answer's files acknowledged once the answer has been written out in full. If the process dies or the
   * client has gone first, a resend of these files is told they are delivered rather than refused as duplicates.
   */
  const acknowledgeWhenAnswered = (request: FastifyRequest, reply: FastifyReply, files: FileResult[]) => {
    const answered = files.flatMap((f) => (typeof f.id === 'string' ? [f.id] : []));
    if (answered.length === 0) return;
    reply.raw.once('finish', () => {
      acknowledgeFiles(services.db, answered).catch((error: unknown) =>
        request.log.warn({ err: error }, 'could not record that an upload was answered'),
      );
    });
  };

  apiRoute(app, sendFilesOperation, async (request, reply) => {
    if (!request.isMultipart()) {
      return reply.code(415).send({
        error: {
          code: 'NOT_MULTIPART',
          message: 'Send files as multipart/form-data, one or more parts named "file".',
        },
      });
    }
    const user = request.user!;
    const key = request.headers['idempotency-key'];
    if (key !== undefined && (typeof key !== 'string' || !validIdempotencyKey(key))) {
      return reply.code(400).send({
        error: {
          code: 'IDEMPOTENCY_KEY_INVALID',
          message: 'Idempotency-Key must be 1 to 200 visible ASCII characters.',
        },
      });
    }
    // Only a request that may be retried needs its files hashed a second time, to recognise the retry.
    const fingerprint = key ? new RequestFingerprint() : undefined;
    let claim: IdempotencyClaim | undefined;
    if (key) {
      const begun = await beginIdempotent(services, user.id, key, (error) =>
        request.log.warn({ err: error }, 'could not renew an Idempotency-Key claim'),
      );
      if (begun.state === 'in-progress') {
        return reply
          .code(409)
          .header('retry-after', '5')
          .send({
            error: {
              code: 'IDEMPOTENCY_KEY_IN_USE',
              message: 'A request with this Idempotency-Key is still being processed. Retry shortly.',
            },
          });
      }
      if (begun.state === 'replay') {
        for await (const part of multipartParts(request, fingerprint!)) {
          for await (const _chunk of part.body) {
            // hashed by the fingerprint, then dropped
          }
        }
        if (begun.fingerprint !== fingerprint!.digest()) {
          return reply.code(422).send({
            error: {
              code: 'IDEMPOTENCY_KEY_REUSED',
              message:
                'This Idempotency-Key was used for a request with different files. Use a new key for a new request.',
            },
          });
        }
        const replayed = begun.response as Partial<UploadOutcome>;
        if (Array.isArray(replayed.files)) acknowledgeWhenAnswered(request, reply, replayed.files);
        const unpacking = Array.isArray(replayed.jobs) ? zipsUnpacking(replayed.jobs)[0] : undefined;
        if (begun.statusCode === 202 && unpacking) reply.header('location', unpacking.statusUrl);
        // The first answer again, byte for byte: it was cut to its schema when it was first given (or was given
        // before answers were cut, and is still that answer).
        return reply
          .code(begun.statusCode)
          .header('idempotent-replayed', 'true')
          .type('application/json; charset=utf-8')
          .send(JSON.stringify(begun.response));
      }
      claim = begun.claim;
      if (begun.takenOver) takeovers.inc();
    }
    const entered = gate.enter(user);
    if ('refused' in entered) {
      await claim?.abandon();
      const { statusCode, code, message } = gateRefusal(entered.refused);
      services.metrics.countRefusal(code);
      return reply.code(statusCode).header('retry-after', '10').send({ error: { code, message } });
    }
    const release = entered.release;
    let outcome: UploadOutcome;
    try {
      outcome = await sendFiles(services, user, multipartParts(request, fingerprint), request.ip, {
        acknowledged: false,
      });
    } catch (error) {
      await claim?.abandon();
      throw error;
    } finally {
      release();
    }
    const { files, jobs } = outcome;
    if (files.length === 0 && jobs.length === 0) {
      await claim?.abandon();
      return reply.code(400).send({
        error: { code: 'NO_FILES', message: 'The request held no files: send one or more parts named "file".' },
      });
    }
    // The answer points to the first zip still being unpacked; `jobs` names every one.
    const unpacking = zipsUnpacking(jobs)[0];
    const status = uploadStatusCode(files, unpacking !== undefined);
    // Kept for a retry as it is sent: only the declared fields.
    const body = declaredAnswer(uploadAnswer, { files, jobs });
    // A retry with the same key is answered this again: it names the jobs, which say how far they have got.
    await claim?.finish(fingerprint!.digest(), status, body);
    acknowledgeWhenAnswered(request, reply, files);
    if (unpacking) reply.header('location', unpacking.statusUrl);
    return reply.code(status).send(body);
  });

  apiRoute(
    app,
    {
      method: 'GET',
      url: '/api/v1/inbox',
      access: 'transfers:receive',
      summary: 'Files waiting for your organisation',
      responses: { 200: { description: 'Newest first.', body: fileList(inboxFile) } },
    },
    async (request) => ({ files: (await listInbox(services.db, request.user!)).map(inboxEntry) }),
  );

  apiRoute(
    app,
    {
      method: 'GET',
      url: '/api/v1/sent',
      access: 'transfers:send',
      summary: 'Files your organisation sent, with who collected them and when',
      responses: { 200: { description: 'Newest first.', body: fileList(sentFile) } },
    },
    async (request) => ({ files: (await listSent(services.db, request.user!)).map(sentEntry) }),
  );

  apiRoute(
    app,
    {
      method: 'GET',
      url: '/api/v1/jobs',
      access: 'transfers:send',
      summary: 'Your organisation’s .zip uploads of the last week, newest first',
      description:
        'Each `{ id, zipName, state, sentAt, finishedAt, filesJudged, error }`; `state` is `waiting`, `unpacking`, `done` or `failed`, and `error` says why a failed one failed (null otherwise). Ask here when an upload of a .zip lost its answer, instead of sending the zip again.',
      responses: { 200: { description: 'The jobs, newest first.', body: z.object({ jobs: z.array(zipJobSummary) }) } },
    },
    async (request) => ({ jobs: await recentZipJobs(services.db, request.user!, services.now()) }),
  );

  apiRoute<{ id: string }>(
    app,
    {
      method: 'GET',
      url: '/api/v1/jobs/:id',
      access: 'transfers:send',
      summary: 'What became of one .zip upload, and each of its files',
      description:
        '`{ id, zipName, state, sentAt, finishedAt, filesJudged, error, files }`: `files` are the per-file results the upload answers (`FileResult`), every one once `done`, those judged so far while `unpacking` (or before it `failed`). `error` says why a failed job failed, null otherwise: a job whose node stopped part-way through it on each of S2S_JOB_MAX_ATTEMPTS starts (5) is given up, and says so. Any user of the sending organisation may ask, for S2S_JOB_RETENTION_DAYS (30) after it finished.',
      request: { params: idParams },
      responses: { 200: { description: 'The job and its files so far.', body: zipJobWithFiles } },
    },
    async (request, reply) => {
      const job = await zipJob(services.db, request.user!, request.params.id);
      if (!job) return reply.callNotFound();
      return job;
    },
  );

  apiRoute<{ id: string }>(
    app,
    {
      method: 'GET',
      url: '/api/v1/files/:id',
      access: 'transfers:receive',
      summary: 'A file’s details',
      request: { params: idParams },
      responses: { 200: { description: 'The file.', body: sentFile } },
    },
    async (request, reply) => {
      const file = await fileFor(services.db, request.user!, request.params.id);
      if (!file) return reply.callNotFound();
      return sentEntry(file);
    },
  );

  apiRoute<{ id: string }>(
    app,
    {
      method: 'GET',
      url: '/api/v1/files/:id/content',
      access: 'transfers:receive',
      summary: 'Collect a file: exactly the bytes sent',
      description:
        'Records who collected it and when (re-downloads are allowed and recorded). X-Content-SHA256 carries the SHA-256 of the body.',
      request: { params: idParams },
      responses: {
        200: {
          description: 'The file.',
          content: { 'application/octet-stream': z.file() },
          headers: downloadHeaders,
        },
      },
    },
    async (request, reply) => {
      const download = await downloadFile(services, request.user!, request.params.id, request.ip);
      if (!download) return reply.callNotFound();
      return sendDownload(reply, download);
    },
  );

  apiRoute<{ id: string }>(
    app,
    {
      method: 'DELETE',
      url: '/api/v1/files/:id',
      access: 'transfers:send',
      summary: 'Remove a file you sent that has not been collected',
      request: { params: idParams },
      responses: {
        204: { description: 'Removed; its content is destroyed.' },
        409: errorAnswer('Already collected (ALREADY_COLLECTED).'),
      },
    },
    async (request, reply) => {
      const outcome = await removeFile(services, request.user!, request.params.id, request.ip);
      if (!outcome) return reply.callNotFound();
      if (outcome === 'collected') {
        return reply.code(409).send({
          error: {
            code: 'ALREADY_COLLECTED',
            message: 'The file has been collected, so it can no longer be removed.',
          },
        });
      }
      return reply.code(204).send();
    },
  );
};
