/**
 * The API for new pupils who arrived without a CTF: a school registers one and is shown likely repository matches
 * and files already waiting from the previous school; the previous school lists and answers requests for CTFs;
 * LA staff list the searches passed to them.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../platform/services.js';
import { answerRequest, listJoiners, requestsToAnswer, type Answer, type JoinerSummary } from './ctf-requests.js';
import { registerJoiner } from './register-joiner.js';
import { isUuid } from '../platform/ids.js';

function joinerEntry(j: JoinerSummary) {
  return {
    ...j,
    registeredAt: j.registeredAt.toISOString(),
    withLaAt: j.withLaAt?.toISOString() ?? null,
    request: j.request ? { ...j.request, requestedAt: j.request.requestedAt.toISOString() } : null,
  };
}

/** The body of an answer, checked by hand: two shapes, each with one optional field. */
function parseAnswer(body: unknown): Answer | { field: string; message: string } {
  const input = (body ?? {}) as Record<string, unknown>;
  if (typeof input !== 'object' || Array.isArray(input)) return { field: 'body', message: 'Send a JSON object' };
  const unknown = Object.keys(input).filter((k) => !['answer', 'fileId', 'note'].includes(k));
  if (unknown.length > 0)
    return {
      field: unknown.join(', '),
      message: `Unknown field: ${unknown.join(', ')}. Send answer, fileId and note.`,
    };
  if (input.answer === 'sent') {
    if (input.fileId !== undefined && (typeof input.fileId !== 'string' || !isUuid(input.fileId)))
      return { field: 'fileId', message: 'fileId must be the id of a file your school sent' };
    return { answer: 'sent', ...(typeof input.fileId === 'string' ? { fileId: input.fileId } : {}) };
  }
  if (input.answer === 'no-record') {
    if (input.note !== undefined && (typeof input.note !== 'string' || input.note.length > 500))
      return { field: 'note', message: 'note must be text of 500 characters or fewer' };
    return { answer: 'no-record', ...(typeof input.note === 'string' ? { note: input.note } : {}) };
  }
  return { field: 'answer', message: 'answer must be "sent" (the CTF has been sent) or "no-record"' };
}

export const joinerApiRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.post('/api/v1/joiners', { config: { access: 'joiners:register' } }, async (request, reply) => {
    const outcome = await registerJoiner(services, request.user!, request.body, request.ip);
    if (outcome.kind === 'invalid') {
      return reply.code(422).send({
        error: { code: 'INVALID_JOINER', message: 'The new pupil’s details are not valid.', fields: outcome.errors },
      });
    }
    return reply.code(201).send({
      id: outcome.id,
      matchesChecked: outcome.matchesChecked,
      ...(outcome.matchesChecked ? {} : { retryAfterSeconds: outcome.retryAfterSeconds }),
      matches: outcome.matches,
      waitingFiles: outcome.waitingFiles.map((f) => ({ ...f, receivedAt: f.receivedAt.toISOString() })),
      ctfsForUpn: outcome.ctfsForUpn.map((f) => ({ ...f, sentAt: f.sentAt.toISOString() })),
    });
  });

  app.get('/api/v1/joiners', { config: { access: 'joiners:register', pupilData: true } }, async (request) => ({
    joiners: (await listJoiners(services.db, request.user!)).map(joinerEntry),
  }));

  app.get('/api/v1/joiners/with-la', { config: { access: 'joiners:oversee', pupilData: true } }, async (request) => ({
    joiners: (await listJoiners(services.db, request.user!)).map(joinerEntry),
  }));

  app.get('/api/v1/ctf-requests', { config: { access: 'ctf-requests:answer', pupilData: true } }, async (request) => ({
    requests: (await requestsToAnswer(services.db, request.user!)).map((r) => ({
      ...r,
      requestedAt: r.requestedAt.toISOString(),
    })),
  }));

  app.post<{ Params: { id: string } }>(
    '/api/v1/ctf-requests/:id/answer',
    { config: { access: 'ctf-requests:answer' } },
    async (request, reply) => {
      const answer = parseAnswer(request.body);
      if (!('answer' in answer)) {
        return reply.code(422).send({ error: { code: 'INVALID_ANSWER', message: answer.message, fields: [answer] } });
      }
      const outcome = await answerRequest(services, request.user!, request.params.id, answer, request.ip);
      if (outcome.kind === 'not-found') return reply.callNotFound();
      if (outcome.kind === 'already-answered') {
        return reply
          .code(409)
          .send({ error: { code: 'ALREADY_ANSWERED', message: 'This request has already been answered.' } });
      }
      if (outcome.kind === 'invalid') {
        return reply.code(422).send({
          error: {
            code: 'INVALID_ANSWER',
            message: outcome.message,
            fields: [{ field: outcome.field, message: outcome.message }],
          },
        });
      }
      return { state: outcome.state, fileId: outcome.fileId };
    },
  );
};
