/**
 * The transfers API for MIS suppliers and LA scripts: upload (multipart, with zips and Idempotency-Key), the
 * inbox, a file's details and content, and the sent list with removal.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../platform/services.js';
import { acknowledgeFiles } from './accept-file.js';
import { downloadFile, fileFor, listInbox, listSent, removeFile, type FileSummary } from './collect-files.js';
import { uploadStatusCode, type FileResult } from './file-result.js';
import { beginIdempotent, RequestFingerprint, validIdempotencyKey, type IdempotencyClaim } from './idempotency.js';
import { sendFiles, zipsUnpacking, type UploadOutcome, type UploadPart } from './send-files.js';
import { recentZipJobs, zipJob } from './zip-jobs.js';
import { gateRefusal, sentState, uploadGateFor } from './upload-support.js';
import { sendDownload } from '../platform/web/send-file.js';

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

  app.post(
    '/api/v1/files',
    { config: { access: 'transfers:send' } },
    async (request: FastifyRequest, reply: FastifyReply) => {
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
          return reply.code(begun.statusCode).header('idempotent-replayed', 'true').send(begun.response);
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
      const body = { files, jobs };
      // A retry with the same key is answered this again: it names the jobs, which say how far they have got.
      await claim?.finish(fingerprint!.digest(), status, body);
      acknowledgeWhenAnswered(request, reply, files);
      if (unpacking) reply.header('location', unpacking.statusUrl);
      return reply.code(status).send(body);
    },
  );

  app.get('/api/v1/inbox', { config: { access: 'transfers:receive' } }, async (request) => ({
    files: (await listInbox(services.db, request.user!)).map(inboxEntry),
  }));

  app.get('/api/v1/sent', { config: { access: 'transfers:send' } }, async (request) => ({
    files: (await listSent(services.db, request.user!)).map(sentEntry),
  }));

  app.get('/api/v1/jobs', { config: { access: 'transfers:send' } }, async (request) => ({
    jobs: await recentZipJobs(services.db, request.user!, services.now()),
  }));

  app.get<{ Params: { id: string } }>(
    '/api/v1/jobs/:id',
    { config: { access: 'transfers:send' } },
    async (request, reply) => {
      const job = await zipJob(services.db, request.user!, request.params.id);
      if (!job) return reply.callNotFound();
      return job;
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/files/:id',
    { config: { access: 'transfers:receive' } },
    async (request, reply) => {
      const file = await fileFor(services.db, request.user!, request.params.id);
      if (!file) return reply.callNotFound();
      return sentEntry(file);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/files/:id/content',
    { config: { access: 'transfers:receive' } },
    async (request, reply) => {
      const download = await downloadFile(services, request.user!, request.params.id, request.ip);
      if (!download) return reply.callNotFound();
      return sendDownload(reply, download);
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/api/v1/files/:id',
    { config: { access: 'transfers:send' } },
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
