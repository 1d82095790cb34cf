/**
 * The repository API for MIS suppliers and LA systems: search (details in a JSON body, never in the URL), open a
 * shown record with a reason, download that child's CTF, mark the child found, and the LA's list of found children.
 */
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Services } from '../platform/services.js';
import { contentDisposition } from '../platform/web/send-file.js';
import {
  foundFromLa,
  markFound,
  openRecord,
  recordContent,
  type FoundInput,
  type OpenedRecord,
  type RecordContent,
} from './record-access.js';
import { parseSearch, searchRepository } from './search-repository.js';

export function rateLimited(reply: FastifyReply, retryAfterSeconds: number): FastifyReply {
  return reply
    .code(429)
    .header('retry-after', String(retryAfterSeconds))
    .send({
      error: {
        code: 'SEARCH_RATE_LIMITED',
        message: `You have made too many searches in the last minute. Try again in ${retryAfterSeconds} seconds.`,
      },
    });
}

/** A child's single-pupil CTF, never cached. */
export function sendRecordContent(reply: FastifyReply, file: RecordContent): FastifyReply {
  return reply
    .header('content-type', 'application/xml')
    .header('content-disposition', contentDisposition(file.fileName))
    .header('cache-control', 'no-store')
    .send(file.content);
}

function recordEntry(r: OpenedRecord) {
  return {
    ...r,
    uploadedAt: r.uploadedAt.toISOString(),
    expiresAt: r.expiresAt.toISOString(),
    found: r.found ? { ...r.found, at: r.found.at.toISOString() } : null,
  };
}

export const repositoryApiRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.post('/api/v1/repository/search', { config: { access: 'repository:search' } }, async (request, reply) => {
    const parsed = parseSearch(request.body);
    if (!parsed.ok) {
      return reply.code(422).send({
        error: { code: 'INVALID_SEARCH', message: 'The search details are not valid.', fields: parsed.errors },
      });
    }
    const outcome = await searchRepository(services, request.user!, parsed.criteria, request.ip);
    if (outcome.kind === 'rate-limited') return rateLimited(reply, outcome.retryAfterSeconds);
    return { results: outcome.results };
  });

  app.post<{ Params: { id: string }; Body: { reason?: unknown } | undefined }>(
    '/api/v1/repository/records/:id/open',
    { config: { access: 'repository:search', pupilData: true } },
    async (request, reply) => {
      const outcome = await openRecord(services, request.user!, request.params.id, request.body?.reason, request.ip);
      if (!outcome) return reply.callNotFound();
      if (outcome.kind === 'reason-needed') {
        return reply.code(422).send({
          error: {
            code: 'REASON_REQUIRED',
            message: outcome.message,
            fields: [{ field: 'reason', message: outcome.message }],
          },
        });
      }
      return recordEntry(outcome.record);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/repository/records/:id/content',
    { config: { access: 'repository:search' } },
    async (request, reply) => {
      const file = await recordContent(services, request.user!, request.params.id, request.ip);
      if (!file) return reply.callNotFound();
      return sendRecordContent(reply, file);
    },
  );

  app.post<{ Params: { id: string }; Body: FoundInput | undefined }>(
    '/api/v1/repository/records/:id/found',
    { config: { access: 'repository:search' } },
    async (request, reply) => {
      const outcome = await markFound(services, request.user!, request.params.id, request.body ?? {}, request.ip);
      if (!outcome) return reply.callNotFound();
      if (outcome.kind === 'invalid') {
        return reply.code(422).send({
          error: { code: 'INVALID_FOUND', message: 'Say where the child was found.', fields: outcome.errors },
        });
      }
      if (outcome.kind === 'already-found') {
        return reply
          .code(409)
          .send({ error: { code: 'ALREADY_FOUND', message: 'This child has already been marked as found.' } });
      }
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/v1/repository/found',
    { config: { access: 'repository:oversee', pupilData: true } },
    async (request) => ({
      records: (await foundFromLa(services, request.user!)).map((r) => ({ ...r, foundAt: r.foundAt.toISOString() })),
    }),
  );
};
