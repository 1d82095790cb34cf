/**
 * The API for new pupils who arrived without a CTF: a school registers one and is shown likely repository matches
 * and files already waiting from the previous school; the previous school lists and answers requests for CTFs;
 * LA staff list the searches passed to them.
 */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { Services } from '../platform/services.js';
import { answerRequest, listJoiners, requestsToAnswer, type Answer, type JoinerSummary } from './ctf-requests.js';
import { joinerSchema, registerJoiner } from './register-joiner.js';
import { repositoryMatch } from '../repository/public.js';
import { apiRoute, dateField, errorAnswer, idField, idParams, timestampField } from '../platform/web/api-route.js';
import { ctfRequestAnswers, joinerStates, withLaReasons } from '../platform/vocabulary.js';
import { isUuid } from '../platform/ids.js';
import { fieldErrors } from '../platform/validation.js';

function joinerEntry(j: JoinerSummary) {
  return {
    ...j,
    registeredAt: j.registeredAt.toISOString(),
    withLaAt: j.withLaAt?.toISOString() ?? null,
    request: j.request ? { ...j.request, requestedAt: j.request.requestedAt.toISOString() } : null,
  };
}

const newPupilSummary = z
  .object({
    id: idField,
    schoolLAEstab: z.string(),
    schoolName: z.string().nullable(),
    surname: z.string(),
    forename: z.string(),
    dateOfBirth: dateField,
    upn: z.string().nullable(),
    previousLAEstab: z.string().nullable(),
    previousSchoolName: z.string().nullable(),
    joinedOn: dateField,
    registeredAt: timestampField,
    state: z.enum(joinerStates),
    withLaReason: z.enum(withLaReasons).nullable(),
    withLaAt: timestampField.nullable(),
    ctfFileId: idField.nullable().describe('The CTF the previous school sent.'),
    request: z
      .object({
        requestedAt: timestampField,
        dueOn: dateField,
        answer: z.enum(ctfRequestAnswers).nullable(),
        note: z.string().nullable(),
      })
      .nullable()
      .describe('The request to the previous school for the CTF, if one was made.'),
  })
  .meta({ id: 'NewPupilSummary' });

const registeredPupil = z.object({
  id: idField,
  matchesChecked: z.boolean(),
  retryAfterSeconds: z.int().optional().describe('When matchesChecked is false: seconds until a lookup is allowed.'),
  matches: z.array(repositoryMatch),
  waitingFiles: z
    .array(z.object({ id: idField, fileName: z.string(), receivedAt: timestampField, pupils: z.int() }))
    .describe('CTFs from the previous school already in your inbox.'),
  ctfsForUpn: z
    .array(
      z.object({
        fileId: idField,
        sentBy: z.string(),
        sentByName: z.string().nullable(),
        sentTo: z.string(),
        sentToName: z.string().nullable(),
        sentAt: timestampField,
        collected: z.boolean(),
      }),
    )
    .describe('Given a UPN: any school’s CTFs in the last year carrying it, and where each went.'),
});

const ctfRequest = z
  .object({
    id: idField,
    joinerId: idField,
    surname: z.string(),
    forename: z.string(),
    dateOfBirth: dateField,
    upn: z.string().nullable(),
    requestingLAEstab: z.string(),
    requestingSchoolName: z.string().nullable(),
    requestedAt: timestampField,
    dueOn: dateField,
  })
  .meta({ id: 'CtfRequest' });

/** An answer to a request: two shapes, told apart by `answer`, each with one optional field. */
const answerBody = z.discriminatedUnion(
  'answer',
  [
    z.strictObject({
      answer: z.literal('sent'),
      fileId: z
        .string()
        .refine(isUuid, 'fileId must be the id of a file your school sent')
        .meta({ format: 'uuid' })
        .optional()
        .describe('The CTF you sent, when you sent the school more than one.'),
    }),
    z.strictObject({
      answer: z.literal('no-record'),
      note: z.string().max(500, 'note must be text of 500 characters or fewer').optional(),
    }),
  ],
  { error: 'answer must be "sent" (the CTF has been sent) or "no-record"' },
);

export const joinerApiRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  apiRoute(
    app,
    {
      method: 'POST',
      url: '/api/v1/joiners',
      access: 'joiners:register',
      summary: 'Register a new pupil who joined without a CTF',
      description:
        'For school users. s2s searches the unknown-destination repository with the details (counted and audited as your search), lists CTFs from the previous school already in your inbox, and asks the previous school for the CTF. With no previous school, the search passes to your LA at once. `matchesChecked` is false (with `retryAfterSeconds`) when your lookups in the last minute (searches, new pupils and enquiries together) reached the limit.',
      request: { body: joinerSchema },
      responses: {
        201: { description: 'Registered.', body: registeredPupil },
        422: errorAnswer('The details are not valid (INVALID_JOINER), with each field and why.'),
      },
    },
    async (request, reply) => {
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
    },
  );

  const joinerList = z.object({ joiners: z.array(newPupilSummary) });
  apiRoute(
    app,
    {
      method: 'GET',
      url: '/api/v1/joiners',
      access: 'joiners:register',
      pupilData: true,
      summary: 'Your school’s new pupils and where each search stands',
      responses: { 200: { description: 'Newest first.', body: joinerList } },
    },
    async (request) => ({ joiners: (await listJoiners(services.db, request.user!)).map(joinerEntry) }),
  );

  apiRoute(
    app,
    {
      method: 'GET',
      url: '/api/v1/joiners/with-la',
      access: 'joiners:oversee',
      pupilData: true,
      summary: 'New pupils at your LA’s schools whose records were not found',
      description:
        'For LA users: searches passed to the LA because the previous school was not known, held no record, or did not answer in time.',
      responses: { 200: { description: 'Newest first.', body: joinerList } },
    },
    async (request) => ({ joiners: (await listJoiners(services.db, request.user!)).map(joinerEntry) }),
  );

  apiRoute(
    app,
    {
      method: 'GET',
      url: '/api/v1/ctf-requests',
      access: 'ctf-requests:answer',
      pupilData: true,
      summary: 'Requests for your former pupils’ CTFs, waiting for your answer',
      responses: {
        200: { description: 'The requests waiting for an answer.', body: z.object({ requests: z.array(ctfRequest) }) },
      },
    },
    async (request) => ({
      requests: (await requestsToAnswer(services.db, request.user!)).map((r) => ({
        ...r,
        requestedAt: r.requestedAt.toISOString(),
      })),
    }),
  );

  apiRoute<{ id: string }>(
    app,
    {
      method: 'POST',
      url: '/api/v1/ctf-requests/:id/answer',
      access: 'ctf-requests:answer',
      summary: 'Answer a request: the CTF was sent, or you hold no record',
      description:
        '`{ "answer": "sent" }` links the CTF your school sent to the requesting school (give `fileId` when you sent it more than one); `{ "answer": "no-record", "note": "…" }` passes the search to the new school’s LA.',
      request: { params: idParams, body: answerBody },
      responses: {
        200: {
          description: 'Answered.',
          body: z.object({ state: z.enum(['received', 'with-la']), fileId: idField.nullable() }),
        },
        409: errorAnswer('Already answered (ALREADY_ANSWERED).'),
        422: errorAnswer('Not a valid answer, or no CTF sent to that school yet (INVALID_ANSWER).'),
      },
    },
    async (request, reply) => {
      const parsed = answerBody.safeParse(request.body ?? {});
      if (!parsed.success) {
        const fields = fieldErrors(parsed.error, 'Send answer, fileId and note.');
        return reply.code(422).send({ error: { code: 'INVALID_ANSWER', message: fields[0]!.message, fields } });
      }
      const answer: Answer = parsed.data;
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
