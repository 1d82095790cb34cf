/**
 * The API for leavers: a school (or its MIS) records a leaver and lists its leavers with each CTF's progress; LA
 * staff list their schools' leavers whose CTF has not been sent, or whose destination is not known.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../platform/services.js';
import { listLeavers, type LeaverSummary } from './list-leavers.js';
import { recordLeaver } from './record-leaver.js';

function leaverEntry(l: LeaverSummary) {
  const { cmeCaseId, ...rest } = l;
  return { ...rest, ctfSentAt: l.ctfSentAt?.toISOString() ?? null, ...(cmeCaseId ? { cmeCaseId } : {}) };
}

export const leaverApiRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.post('/api/v1/leavers', { config: { access: 'leavers:record' } }, async (request, reply) => {
    const outcome = await recordLeaver(services, request.user!, request.body, request.ip);
    if (outcome.kind === 'invalid') {
      return reply.code(422).send({
        error: { code: 'INVALID_LEAVER', message: 'The leaver’s details are not valid.', fields: outcome.errors },
      });
    }
    return reply.code(201).send({
      id: outcome.id,
      ctfDueOn: outcome.dueOn,
      ctfSent: outcome.ctfSent ? { ...outcome.ctfSent, sentAt: outcome.ctfSent.sentAt.toISOString() } : null,
    });
  });

  app.get('/api/v1/leavers', { config: { access: 'leavers:record', pupilData: true } }, async (request) => ({
    leavers: (await listLeavers(services.db, request.user!, 'school', services.now())).map(leaverEntry),
  }));

  app.get<{ Querystring: { show?: string } }>(
    '/api/v1/leavers/at-your-schools',
    { config: { access: 'leavers:oversee', pupilData: true } },
    async (request, reply) => {
      const show = request.query.show ?? 'without-ctf';
      if (show !== 'without-ctf' && show !== 'destination-unknown') {
        return reply.code(400).send({
          error: { code: 'INVALID_QUERY', message: 'show must be "without-ctf" or "destination-unknown"' },
        });
      }
      return { leavers: (await listLeavers(services.db, request.user!, show, services.now())).map(leaverEntry) };
    },
  );
};
