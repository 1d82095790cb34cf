/** The API for an LA's CME register and figures, and DfE's national figures. */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { Services } from '../platform/services.js';
import { caseSchema, closeCase, cmeFigures, listCases, openCase } from './cases.js';
import { apiRoute, dateField, errorAnswer, idField, idParams } from '../platform/web/api-route.js';
import { cmeCaseSources, cmeOutcomes } from '../platform/vocabulary.js';
import { nationalFigures } from './reports/national.js';
import { badYear, yearAsked } from './reports/report-replies.js';
import { displayCount } from './reports/suppress.js';

type Body = Record<string, unknown> | undefined;

const cmeCase = z
  .object({
    id: idField,
    source: z.enum(cmeCaseSources),
    surname: z.string(),
    forename: z.string(),
    dateOfBirth: dateField,
    lastInEducationOn: dateField,
    identifiedOn: dateField,
    state: z.enum(['open', 'closed']),
    outcome: z.enum(cmeOutcomes).nullable(),
    resolvedOn: dateField.nullable(),
    schoolDaysOut: z
      .int()
      .nullable()
      .describe('School days out of education so far (open) or until resolved (closed); null when not countable.'),
    overThreshold: z.boolean().nullable().describe('Past the CME threshold; null when the school days are not known.'),
  })
  .meta({ id: 'CmeCase' });

const yearQuery = z.object({
  year: z
    .string()
    .regex(/^[0-9]{4}\/[0-9]{2}$/)
    .optional()
    .describe('School year, like 2026/27, from 2000/01 to 2035/36; the current one when left out.'),
});

const badYearAnswer = errorAnswer('Not a school year from 2000/01 to 2035/36 (INVALID_YEAR), or BAD_ADDRESS.');

/** A count, or "c" where it is withheld. */
const shownCount = z.string().describe('A count, or "c": fewer than 5 children, or a figure that would reveal one.');

export const cmeApiRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  apiRoute(
    app,
    {
      method: 'POST',
      url: '/api/v1/cme-cases',
      access: 'cme:cases',
      summary: 'Open a case on your LA’s register of children missing education',
      description:
        '`{ "enquiryId": "…" }` takes the child’s details from one of your LA’s enquiries, and `{ "leaverId": "…" }` from a leaver recorded by one of its schools (whose leaving date is then the date last in education unless you give `lastInEducationOn`); otherwise send `surname`, `forename`, `dateOfBirth` (and `sex`, `upn` if known). Always `identifiedOn`, and `lastInEducationOn` except for a leaver (dates). A leaver goes on the register once.',
      request: { body: caseSchema },
      responses: {
        201: { description: 'Opened.', body: z.object({ id: idField }) },
        422: errorAnswer('Not valid (INVALID_CASE), with each field and why.'),
      },
    },
    async (request, reply) => {
      const outcome = await openCase(services, request.user!, request.body, request.ip);
      if (outcome.kind === 'invalid') {
        return reply.code(422).send({
          error: { code: 'INVALID_CASE', message: 'The case’s details are not valid.', fields: outcome.errors },
        });
      }
      return reply.code(201).send({ id: outcome.id });
    },
  );

  apiRoute(
    app,
    {
      method: 'GET',
      url: '/api/v1/cme-cases',
      access: 'cme:cases',
      pupilData: true,
      summary: 'Your LA’s register, with school days out of education against the CME threshold',
      responses: {
        200: {
          description:
            'Each case with `schoolDaysOut` and `overThreshold`; both are null for a case with a date outside the school calendar (2000 to 2035), whose school days cannot be counted.',
          body: z.object({ cases: z.array(cmeCase) }),
        },
      },
    },
    async (request) => ({
      cases: await listCases(services.db, request.user!, services.now(), services.config.cmeThresholdSchoolDays),
    }),
  );

  apiRoute<{ id: string }>(
    app,
    {
      method: 'POST',
      url: '/api/v1/cme-cases/:id/close',
      access: 'cme:cases',
      summary: 'Close a case with its outcome',
      description: '`note` is needed for `other`.',
      request: {
        params: idParams,
        body: z.object({
          outcome: z.enum(cmeOutcomes),
          resolvedOn: dateField.describe('Not before the case was identified, nor after today.'),
          note: z.string().max(500).optional(),
        }),
      },
      responses: {
        204: { description: 'Closed.' },
        422: errorAnswer('Not valid (INVALID_OUTCOME).'),
      },
    },
    async (request, reply) => {
      const body = (request.body as Body) ?? {};
      const outcome = await closeCase(services, request.user!, request.params.id, body, request.ip);
      if (outcome.kind === 'not-found') return reply.callNotFound();
      if (outcome.kind === 'invalid') {
        return reply
          .code(422)
          .send({ error: { code: 'INVALID_OUTCOME', message: 'The outcome is not valid.', fields: outcome.errors } });
      }
      return reply.code(204).send();
    },
  );

  apiRoute<Record<string, never>, { year?: string }>(
    app,
    {
      method: 'GET',
      url: '/api/v1/reports/cme',
      access: 'reports:la',
      summary: 'Your LA’s CME figures for a school year',
      description:
        'Children identified, returned to education, still missing, and the median days from identification to resolution.',
      request: { query: yearQuery },
      responses: {
        200: {
          description: 'The figures.',
          body: z.object({
            year: z.string(),
            laCode: z.string(),
            identified: z.int().describe('Cases identified in the year.'),
            returnedToEducation: z
              .int()
              .describe('Cases resolved in the year with the child back in school or educated otherwise.'),
            stillMissing: z.int().describe('Cases identified by the year’s end and not resolved by then.'),
            medianDaysToResolution: z.number().nullable(),
          }),
        },
        400: badYearAnswer,
      },
    },
    async (request, reply) => {
      const year = yearAsked(request, reply, services.now());
      if (!year) return badYear;
      const user = request.user!;
      const [figures] = await cmeFigures(services.db, year, services.now(), user.laCode ?? user.orgCode);
      return { year: year.label, ...figures };
    },
  );

  apiRoute<Record<string, never>, { year?: string }>(
    app,
    {
      method: 'GET',
      url: '/api/v1/reports/national',
      access: 'reports:national',
      summary: 'Every LA’s CME figures, with small numbers withheld, and the repository’s size and age (DfE)',
      description: 'Counts under 5, and counts that would reveal one, are shown as "c". No child-level data.',
      request: { query: yearQuery },
      responses: {
        200: {
          description: 'The figures.',
          body: z.object({
            year: z.string(),
            note: z.string(),
            las: z.array(
              z.object({
                laCode: z.string(),
                laName: z.string().nullable(),
                identified: shownCount,
                returnedToEducation: shownCount,
                stillMissing: shownCount,
                medianDaysToResolution: z.number().nullable(),
              }),
            ),
            totals: z.array(shownCount),
            repository: z.object({
              active: shownCount,
              byAge: z.array(z.object({ band: z.string(), records: shownCount })),
            }),
          }),
        },
        400: badYearAnswer,
      },
    },
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
