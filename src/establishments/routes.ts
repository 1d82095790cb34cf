/** "Find a school" page and `GET /api/v1/establishments?q=`. */
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../platform/services.js';
import { MAX_RESULTS, searchEstablishments } from './search-establishments.js';

export const establishmentRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.get<{ Querystring: { q?: string } }>(
    '/find-a-school',
    { config: { access: 'establishments:search' } },
    async (request, reply) => {
      const q = typeof request.query.q === 'string' ? request.query.q.slice(0, 100) : '';
      const results = q ? await searchEstablishments(services.db, q) : [];
      const errors =
        q !== '' && q.trim().length < 2
          ? [{ text: 'Enter at least 2 characters of the name, or a LAEstab or URN', href: '#q' }]
          : [];
      return reply.render('establishments/views/find-a-school.njk', {
        title: 'Find a school',
        q,
        results,
        searched: q !== '',
        errors,
        max: MAX_RESULTS,
      });
    },
  );

  app.get<{ Querystring: { q?: string } }>(
    '/api/v1/establishments',
    {
      config: { access: 'establishments:search' },
      schema: {
        querystring: {
          type: 'object',
          required: ['q'],
          properties: { q: { type: 'string', minLength: 1, maxLength: 100 } },
          additionalProperties: false,
        },
      },
    },
    async (request) => ({ establishments: await searchEstablishments(services.db, request.query.q ?? '') }),
  );
};
