/**
 * "Find a school" page, `GET /api/v1/establishments?q=`, and the suggestions a school or LA field fetches as its
 * name is typed (`GET /establishments/suggest`).
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../platform/services.js';
import { z } from 'zod';
import { MAX_RESULTS, searchEstablishments } from './search-establishments.js';
import { apiRoute, dateField, errorAnswer } from '../platform/web/api-route.js';
import { organisationKinds, suggestOrganisations, type OrganisationKind } from './suggest-organisations.js';

const establishment = z
  .object({
    laestab: z
      .string()
      .regex(/^[0-9]{7}$/)
      .describe('LA code and establishment number'),
    urn: z.string().nullable(),
    name: z.string(),
    laCode: z.string(),
    laName: z.string(),
    type: z.string(),
    phase: z.string(),
    status: z
      .string()
      .describe('As the register gives it: Open, Closed, Open, but proposed to close, Proposed to open'),
    town: z.string(),
    postcode: z.string(),
    closeDate: dateField.nullable(),
    previousLaestab: z.string().nullable().describe('The number this school had before it was renumbered'),
  })
  .meta({ id: 'Establishment' });

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

  // For the pages' own script, not the API: it answers the session's user, and a field's value is still checked
  // by the form that receives it, so a suggestion is never trusted.
  app.get<{ Querystring: Record<string, unknown> }>(
    '/establishments/suggest',
    { config: { access: 'establishments:search' } },
    async (request, reply) => {
      const { q, kind } = request.query;
      if (!organisationKinds.includes(kind as OrganisationKind))
        return reply.code(400).send({ error: 'kind must be school, la or any' });
      if (typeof q !== 'string' || q.length > 100)
        return reply.code(400).send({ error: 'q must be the name or number typed, at most 100 characters' });
      return reply
        .header('cache-control', 'private, no-store')
        .send({ suggestions: await suggestOrganisations(services.db, kind as OrganisationKind, q) });
    },
  );

  apiRoute<Record<string, never>, { q?: string }>(
    app,
    {
      method: 'GET',
      url: '/api/v1/establishments',
      access: 'establishments:search',
      summary: 'Find a school',
      description:
        'Search the establishment register by name, LAEstab (8231234 or 823/1234), URN, or a 3-digit LA code. At most 50 results.',
      request: { query: z.strictObject({ q: z.string().min(1).max(100) }), checkQuery: true },
      responses: {
        200: {
          description: 'Matching establishments, best first.',
          body: z.object({ establishments: z.array(establishment) }),
        },
        400: errorAnswer('The query is missing or too long, or BAD_ADDRESS.'),
      },
    },
    async (request) => ({ establishments: await searchEstablishments(services.db, request.query.q ?? '') }),
  );
};
