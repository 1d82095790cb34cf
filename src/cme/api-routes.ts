/** The API for an LA's CME register and figures, and DfE's national figures. */
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../platform/services.js';
import { closeCase, cmeFigures, listCases, openCase } from './cases.js';
import { nationalFigures } from './reports/national.js';
import { badYear, yearAsked } from './reports/report-replies.js';
import { displayCount } from './reports/suppress.js';

type Body = Record<string, unknown> | undefined;

export const cmeApiRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.post<{ Body: Body }>('/api/v1/cme-cases', { config: { access: 'cme:cases' } }, async (request, reply) => {
    const outcome = await openCase(services, request.user!, request.body, request.ip);
    if (outcome.kind === 'invalid') {
      return reply.code(422).send({
        error: { code: 'INVALID_CASE', message: 'The case’s details are not valid.', fields: outcome.errors },
      });
    }
    return reply.code(201).send({ id: outcome.id });
  });

  app.get('/api/v1/cme-cases', { config: { access: 'cme:cases', pupilData: true } }, async (request) => ({
    cases: await listCases(services.db, request.user!, services.now(), services.config.cmeThresholdSchoolDays),
  }));

  app.post<{ Params: { id: string }; Body: Body }>(
    '/api/v1/cme-cases/:id/close',
    { config: { access: 'cme:cases' } },
    async (request, reply) => {
      const outcome = await closeCase(services, request.user!, request.params.id, request.body ?? {}, request.ip);
      if (outcome.kind === 'not-found') return reply.callNotFound();
      if (outcome.kind === 'invalid') {
        return reply
          .code(422)
          .send({ error: { code: 'INVALID_OUTCOME', message: 'The outcome is not valid.', fields: outcome.errors } });
      }
      return reply.code(204).send();
    },
  );

  app.get<{ Querystring: { year?: string } }>(
    '/api/v1/reports/cme',
    { config: { access: 'reports:la' } },
    async (request, reply) => {
      const year = yearAsked(request, reply, services.now());
      if (!year) return badYear;
      const user = request.user!;
      const [figures] = await cmeFigures(services.db, year, services.now(), user.laCode ?? user.orgCode);
      return { year: year.label, ...figures };
    },
  );

  app.get<{ Querystring: { year?: string } }>(
    '/api/v1/reports/national',
    { config: { access: 'reports:national' } },
    async (request, reply) => {
      const year = yearAsked(request, reply, services.now());
      if (!year) return badYear;
      const figures = await nationalFigures(services.db, year, services.now());
      return {
        year: year.label,
        note: 'c: fewer than 5 children, or a figure that would reveal one.',
        las: figures.las.map((la) => ({
          laCode: la.laCode,
          laName: la.laName,
          identified: displayCount(la.identified),
          returnedToEducation: displayCount(la.returnedToEducation),
          stillMissing: displayCount(la.stillMissing),
          medianDaysToResolution: la.medianDaysToResolution,
        })),
        totals: figures.totals.map(displayCount),
        repository: {
          active: displayCount(figures.repository.active),
          byAge: figures.repository.byAge.map((b) => ({ band: b.band, records: displayCount(b.records) })),
        },
      };
    },
  );
};
