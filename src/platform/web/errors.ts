/**
 * One error handler. Pages get a GOV.UK-style page that says what to do next and nothing about internals; the
 * API gets `{ "error": { "code", "message" } }`. Server faults are logged with the request id and user id only.
 * An answer given before its request's body was read to the end reads and drops the rest, keeping the connection.
 */
import type { IncomingMessage } from 'node:http';
import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isApi } from './http-error.js';
import { isStorageFull, StorageFullError, type StorageHealth } from '../storage-full.js';
import { isClientFault } from '../client-faults.js';
import { isDatabaseUnavailable } from '../database.js';
import type { Metrics } from '../metrics.js';
import { isBadAddress } from './bad-address.js';

const pagesByStatus: Record<number, { title: string; paragraphs: string[] }> = {
  400: { title: 'Sorry, there is a problem with your request', paragraphs: ['Go back and check what you entered.'] },
  401: { title: 'You need to sign in', paragraphs: ['Sign in to use this part of s2s.'] },
  403: {
    title: 'You do not have permission to see this page',
    paragraphs: ['If you think you should, ask your s2s administrator (your local authority’s approver).'],
  },
  404: {
    title: 'Page not found',
    paragraphs: [
      'If you typed the web address, check it is correct.',
      'If you followed a link to a file or record, it may have been removed, collected or expired, or it may belong to another organisation.',
    ],
  },
  409: { title: 'This cannot be done', paragraphs: [] },
  413: { title: 'The file or form is too large', paragraphs: ['Go back and send something smaller.'] },
  429: { title: 'Too many requests', paragraphs: ['Wait a minute, then try again.'] },
  500: {
    title: 'Sorry, there is a problem with the service',
    paragraphs: ['Try again later. Anything you had already sent has been kept.'],
  },
  503: {
    title: 'Sorry, the service is busy',
    paragraphs: [
      's2s is handling a lot of work at the moment. Try again in a few seconds. Nothing you sent has been lost.',
    ],
  },
};

/** Seconds a client is told to wait while storage is full: freeing space is a person's work, not a blip's. */
const STORAGE_FULL_RETRY_AFTER_S = 300;
const storageFullMessage =
  'The service’s storage is full, so it cannot take new files at the moment. Files already received can still ' +
  'be downloaded. Try again later: the service’s operators have been told.';
/** Seconds a client is told to wait while the database is unreachable: a restart or failover takes about this. */
const DATABASE_RETRY_AFTER_S = 5;
const databaseUnavailableMessage =
  's2s cannot reach its database at the moment. Try again in a few seconds. Anything s2s confirmed it had ' +
  'received is kept.';

export function sendError(request: FastifyRequest, reply: FastifyReply, status: number, code: string, message: string) {
  if (isApi(request)) return reply.code(status).send({ error: { code, message } });
  const page = pagesByStatus[status] ?? pagesByStatus[status >= 500 ? 500 : 400]!;
  const paragraphs =
    (status === 403 && code !== 'FORBIDDEN') ||
    code === 'TOO_MANY_FILES' ||
    code === 'TOO_MANY_UPLOADS' ||
    code === 'STORAGE_FULL' ||
    code === 'DATABASE_UNAVAILABLE' ||
    page.paragraphs.length === 0
      ? [message]
      : page.paragraphs;
  return reply.render(
    'platform/views/error.njk',
    { title: page.title, paragraphs, link: { href: '/', text: 'Go to the home page' } },
    status,
  );
}

/**
 * Detaches whatever was reading the body and lets the rest flow to nowhere — up to `limit` bytes, past which the
 * sender is sending more than any request may hold and the connection is closed rather than read for ever.
 */
function discardRestOfBody(raw: IncomingMessage, limit: number): void {
  raw.unpipe();
  let discarded = 0;
  raw.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > limit) raw.socket.destroy();
  });
  raw.resume();
}

interface ErrorHandling {
  largestBodyBytes: number;
  storage?: StorageHealth;
  metrics?: Metrics;
}

export const handleErrors = fp<ErrorHandling>(async (app, options) => {
  const { largestBodyBytes, storage, metrics } = options;
  // Every error answer passes here, so the refusals operators count (full storage, the database away, a busy node,
  // too many uploads) are counted here, by code.
  const answer = (request: FastifyRequest, reply: FastifyReply, status: number, code: string, message: string) => {
    metrics?.countRefusal(code);
    return sendError(request, reply, status, code, message);
  };
  app.setErrorHandler((error: Error & { statusCode?: number; code?: string; validation?: unknown }, request, reply) => {
    // A full disk is not a bug: the operator is told once, plainly, and the client is told to come back later.
    if (isStorageFull(error)) {
      const store = error instanceof StorageFullError ? error.store : 'database';
      const first = storage?.noteFull(store) ?? true;
      const where =
        store === 'blobs' ? 'the blob store (S2S_DATA_DIR/blobs)' : 'the database (its data directory or PostgreSQL)';
      request.log[first ? 'error' : 'warn'](
        {
          reqId: request.id,
          userId: request.user?.id,
          reason: (error.cause as Error | undefined)?.message ?? error.message,
        },
        `storage full: a write to ${where} failed for want of space; new files are refused and /readyz says not ` +
          'ready until space is freed',
      );
      reply.header('retry-after', String(STORAGE_FULL_RETRY_AFTER_S));
      return answer(request, reply, 503, 'STORAGE_FULL', storageFullMessage);
    }
    // A database that is restarting, failing over or unreachable is an outage, not a fault: the request is
    // answered at once with a time to retry, and the node keeps serving (and reconnects when the database is back).
    if (isDatabaseUnavailable(error)) {
      request.log.warn({ reqId: request.id, userId: request.user?.id, reason: error.message }, 'database unavailable');
      reply.header('retry-after', String(DATABASE_RETRY_AFTER_S));
      return answer(request, reply, 503, 'DATABASE_UNAVAILABLE', databaseUnavailableMessage);
    }
    let status = error.statusCode ?? 500;
    if (status < 400 || status > 599) status = 500;
    if (status >= 500) {
      request.log.error({ err: error, reqId: request.id, userId: request.user?.id }, 'request failed');
    }
    if (status === 503) reply.header('retry-after', '10');
    // A busy node is not a fault: a client that sees BUSY retries after Retry-After, as the API guide says.
    const clientFault = isClientFault(error);
    const code = status === 503 ? 'BUSY' : clientFault ? (error.code ?? 'BAD_REQUEST') : 'INTERNAL';
    const message = clientFault ? error.message : pagesByStatus[status === 503 ? 503 : 500]!.paragraphs[0]!;
    return answer(request, reply, status, code, message);
  });

  // An answer sent before its request's body was read to the end (an upload refused part way, its parser left
  // waiting on a file nobody reads) would leave the connection unread: the client could not finish sending, and the
  // next request on the connection would wait until the idle timeout closed it, about 70 s later. Closing at once
  // instead throws away unread bytes with a reset, which can lose the answer itself. The rest is read and dropped,
  // so the answer arrives whole and the connection stays usable.
  app.addHook('onSend', async (request) => {
    if (!request.raw.complete) discardRestOfBody(request.raw, largestBodyBytes);
  });

  // While storage is full, a request that brings files is refused before any of it is written, so that what space
  // there is goes to reading (whose audit and sessions need a little).
  app.addHook('onRequest', async (request, reply) => {
    if (!storage?.isFull() || !request.headers['content-type']?.startsWith('multipart/form-data')) return;
    reply.header('retry-after', String(STORAGE_FULL_RETRY_AFTER_S));
    return answer(request, reply, 503, 'STORAGE_FULL', storageFullMessage);
  });

  app.setNotFoundHandler({ preHandler: [] }, (request, reply) =>
    isBadAddress(request.raw)
      ? answer(request, reply, 400, 'BAD_ADDRESS', 'The web address is not valid: check any % in it.')
      : answer(request, reply, 404, 'NOT_FOUND', 'There is nothing at this address.'),
  );
});
