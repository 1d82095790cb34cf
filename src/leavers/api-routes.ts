/**
 * The API for leavers: a school (or its MIS) records a leaver and lists its leavers with each CTF's progress; LA
 * staff list their schools' leavers whose CTF has not been sent, or whose destination is not known.
 */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { Services } from '../platform/services.js';
import { listLeavers, type LeaverSummary } from './list-leavers.js';
import { leaverSchema, recordLeaver } from './record-leaver.js';
import { apiRoute, dateField, errorAnswer, idField, timestampField } from '../platform/web/api-route.js';
import { leaverDestinations, leaverReasons } from '../platform/vocabulary.js';

function leaverEntry(l: LeaverSummary) {
  const { cmeCaseId, ...rest } = l;
  return { ...rest, ctfSentAt: l.ctfSentAt?.toISOString() ?? null, ...(cmeCaseId ? { cmeCaseId } : {}) };
}

const leaverSummary = z
  .object({
    id: idField,
    schoolLAEstab: z.string(),
    schoolName: z.string().nullable(),
    surname: z.string(),
    forename: z.string(),
    dateOfBirth: dateField,
    upn: z.string(),
    leftOn: dateField,
    destination: z.enum(leaverDestinations),
    destinationLAEstab: z.string().nullable(),
    destinationName: z.string().nullable(),
    reason: z.enum(leaverReasons).nullable(),
    reasonNote: z.string().nullable(),
    ctfDueOn: dateField.describe('15 school days after leaving.'),
    ctf: z.enum(['sent', 'due', 'overdue']),
    schoolDaysOverdue: z
      .int()
      .nullable()
      .describe('School days past the due date; null when the due date is outside the school calendar.'),
    ctfSentTo: z.string().nullable().describe('Where the CTF went: a LAEstab, XXXXXXX or MMMMMMM.'),
    ctfSentAt: timestampField.nullable(),
    cmeCaseId: idField.optional().describe('For LA users: the case on your CME register opened from this leaver.'),
  })
  .meta({ id: 'LeaverSummary' });

const leaverList = z.object({ leavers: z.array(leaverSummary) });

export const leaverApiRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  apiRoute(
    app,
    {
      method: 'POST',
      url: '/api/v1/leavers',
      access: 'leavers:record',
      summary: 'Record a pupil leaving your school',
      description:
        'For school users. With `destination` "school", give `destinationLAEstab`; otherwise give `reason` (and `reasonNote` when it is "other"): for "unknown", moved-address-unknown, not-returned or other; for "outside-maintained-sector", independent-school, abroad, scotland-or-northern-ireland or other. `leftOn` is within the last year, or up to a month ahead. The CTF is due within 15 school days of leaving. s2s marks it sent when a CTF from your school carrying the pupil’s UPN has been sent (in the 60 days before leaving, or afterwards), and reminds your school until then.',
      request: { body: leaverSchema },
      responses: {
        201: {
          description: 'Recorded; `ctfSent` when the CTF has already been sent.',
          body: z.object({
            id: idField,
            ctfDueOn: dateField,
            ctfSent: z.object({ fileId: idField, sentTo: z.string(), sentAt: timestampField }).nullable(),
          }),
        },
        422: errorAnswer(
          'The details are not valid (INVALID_LEAVER), with each field and why; also when the same pupil is already recorded as leaving that day.',
        ),
      },
    },
    async (request, reply) => {
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
    },
  );

  apiRoute(
    app,
    {
      method: 'GET',
      url: '/api/v1/leavers',
      access: 'leavers:record',
      pupilData: true,
      summary: 'Your school’s leavers and where each CTF stands',
      responses: { 200: { description: 'Newest first.', body: leaverList } },
    },
    async (request) => ({
      leavers: (await listLeavers(services.db, request.user!, 'school', services.now())).map(leaverEntry),
    }),
  );

  apiRoute<Record<string, never>, { show?: string }>(
    app,
    {
      method: 'GET',
      url: '/api/v1/leavers/at-your-schools',
      access: 'leavers:oversee',
      pupilData: true,
      summary: 'Leavers from your LA’s schools whose CTF has not been sent, or whose destination is not known',
      request: {
        query: z.object({
          show: z
            .enum(['without-ctf', 'destination-unknown'])
            .default('without-ctf')
            .describe(
              '`without-ctf`: every leaver whose CTF has not been sent. `destination-unknown`: leavers in the last year whose destination was not known, sent or not.',
            ),
        }),
      },
      responses: {
        200: { description: 'Longest ago first.', body: leaverList },
        400: errorAnswer('show is neither without-ctf nor destination-unknown (INVALID_QUERY), or BAD_ADDRESS.'),
      },
    },
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
