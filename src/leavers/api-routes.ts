/**
 * The API for leavers: a school (or its MIS) records a leaver and lists its leavers with each CTF's progress; LA
 * staff list their schools' leavers whose CTF has not been sent, or whose destination is not known.
 */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { Services } from '../platform/services.js';
import { listLeavers, type LeaverSummary } from './list-leavers.js';
import { leaverSchema, recordLeaver } from './record-leaver.js';
import { readLeaversCtf, recordLeaversFromCtf } from './leavers-from-ctf.js';
import { problemText, readLimited, uploadedName } from '../platform/ctf-upload.js';
import { gateRefusal, uploadGateFor } from '../transfers/public.js';
import { apiRoute, dateField, errorAnswer, idField, retryAfter, timestampField } from '../platform/web/api-route.js';
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

const pupilNamed = { surname: z.string(), forename: z.string(), upn: z.string() };

const fromCtfAnswer = z.object({
  recorded: z.array(
    z.object({
      id: idField,
      ...pupilNamed,
      ctfDueOn: dateField,
      ctfSent: z.boolean().describe('A CTF from your school carrying the pupil has already been sent.'),
    }),
  ),
  alreadyRecorded: z
    .array(z.object(pupilNamed))
    .describe('Pupils of the file your school had already recorded as leaving in the last year: left as they were.'),
});

/** The XML media types a CTF may be sent as, its bytes as the body. */
const xmlTypes = ['application/xml', 'text/xml'];

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

  // A CTF may come as the body itself; the bytes are read here, within the upload limit, and never stored.
  app.addContentTypeParser(
    xmlTypes,
    { parseAs: 'buffer', bodyLimit: services.config.maxFileMb * 1024 * 1024 },
    (_request, body, done) => done(null, body),
  );

  apiRoute<Record<string, never>, { leftOn?: string; reason?: string; reasonNote?: string }>(
    app,
    {
      method: 'POST',
      url: '/api/v1/leavers/from-ctf',
      access: 'leavers:record',
      summary: 'Record every pupil of a CTF your school is sending as a leaver',
      description:
        'Send the CTF as the body (Content-Type application/xml) or as multipart/form-data with one part named "file". The file is read, not stored or sent. It must be from your school, addressed to a school (its LAEstab), XXXXXXX (destination not known) or MMMMMMM (outside the maintained sector); each pupil becomes a leaver going there, on `leftOn`. For XXXXXXX and MMMMMMM give `reason` (and `reasonNote` for "other"), as for one leaver. Pupils your school already recorded as leaving in the last year are skipped and named in `alreadyRecorded`. Nothing is recorded when the file or any pupil has a problem.',
      request: {
        query: z.object({
          leftOn: dateField.describe('The day the pupils left, YYYY-MM-DD.'),
          reason: z.enum(leaverReasons).optional().describe('For a file to XXXXXXX or MMMMMMM: why, or where.'),
          reasonNote: z.string().max(500).optional().describe('Needed when `reason` is "other".'),
        }),
        multipart: z.object({ file: z.file().describe('The CTF.') }),
        content: { 'application/xml': z.string().describe('The CTF itself.') },
      },
      responses: {
        201: { description: 'Recorded: each leaver, and the pupils skipped as already recorded.', body: fromCtfAnswer },
        400: errorAnswer('No file in the request (NO_FILE), or BAD_ADDRESS.'),
        429: errorAnswer(
          'You, or your organisation, already have as many uploads in progress as one may at once (TOO_MANY_UPLOADS): retry after Retry-After seconds.',
          retryAfter('Seconds to wait before retrying.'),
        ),
        413: errorAnswer(`The file is larger than the upload limit, S2S_MAX_FILE_MB (FILE_TOO_LARGE).`),
        415: errorAnswer('The body is neither XML nor multipart/form-data (UNSUPPORTED_BODY).'),
        422: errorAnswer(
          'The file is not a CTF s2s can read, or not one of your school’s leavers (INVALID_CTF), each problem in `fields` as "file" with its line and column; or the leaving details are not valid (INVALID_LEAVER), each field and why.',
        ),
      },
    },
    async (request, reply) => {
      let bytes: Buffer;
      // A body has no name of its own; a multipart part's is checked against the file's header.
      let fileName = 'the request body';
      if (request.isMultipart()) {
        // The file is held in memory while it is read: uploads share the process's bounded slots with sending files.
        const entered = uploadGateFor(services).enter(request.user!);
        if ('refused' in entered) {
          const { statusCode, code, message } = gateRefusal(entered.refused);
          return reply.code(statusCode).header('retry-after', '10').send({ error: { code, message } });
        }
        let found: { bytes: Buffer; tooLarge: boolean } | null = null;
        try {
          for await (const part of request.parts()) {
            if (part.type !== 'file') continue;
            const read = await readLimited(part.file, services.config.maxFileMb * 1024 * 1024);
            if (found === null && part.fieldname === 'file') {
              found = read;
              if (part.filename) fileName = uploadedName(part.filename);
            }
          }
        } finally {
          entered.release();
        }
        if (!found)
          return reply.code(400).send({ error: { code: 'NO_FILE', message: 'Send the CTF as a part named "file".' } });
        if (found.tooLarge)
          return reply.code(413).send({
            error: {
              code: 'FILE_TOO_LARGE',
              message: `The file is larger than the limit of ${services.config.maxFileMb} MB.`,
            },
          });
        bytes = found.bytes;
      } else if (Buffer.isBuffer(request.body)) {
        bytes = request.body;
      } else {
        return reply.code(415).send({
          error: {
            code: 'UNSUPPORTED_BODY',
            message: 'Send the CTF as the body with Content-Type application/xml, or as multipart/form-data.',
          },
        });
      }
      const user = request.user!;
      const read = await readLeaversCtf(services, user, bytes, fileName);
      if (!read.ok) {
        return reply.code(422).send({
          error: {
            code: 'INVALID_CTF',
            message: 'The file is not a CTF s2s can read as your school’s leavers.',
            fields: read.problems.map((p) => ({ field: 'file', message: problemText(p) })),
          },
        });
      }
      const outcome = await recordLeaversFromCtf(
        services,
        user,
        read.leavers,
        { leftOn: request.query.leftOn ?? '', reason: request.query.reason, reasonNote: request.query.reasonNote },
        request.ip,
      );
      if (outcome.kind === 'invalid') {
        return reply.code(422).send({
          error: { code: 'INVALID_LEAVER', message: 'The leaving details are not valid.', fields: outcome.errors },
        });
      }
      return reply.code(201).send(outcome);
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
