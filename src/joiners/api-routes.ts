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
import { ctfRequestAnswers, joinerStates, matchVerdicts, withLaReasons } from '../platform/vocabulary.js';
import { reviewMatch } from './review-match.js';
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
    ctfFileId: idField
      .nullable()
      .describe('The CTF that carried the pupil: in your inbox, or in the unknown-destination repository.'),
    matchToReview: idField
      .nullable()
      .describe(
        'A repository record that strongly matches the pupil, which your school has not yet looked at: the search waits for you before it passes to your LA.',
      ),
    foundInRepository: idField
      .nullable()
      .describe('The repository record your school said is the pupil’s (the CTF is that record’s).'),
    request: z
      .object({
        requestedAt: timestampField,
        dueOn: dateField,
        answer: z
          .enum(ctfRequestAnswers)
          .nullable()
          .describe(
            'What the previous school answered; "sent" with state "seeking" means its CTF has not arrived yet.',
          ),
        arrivalDueOn: dateField
          .nullable()
          .describe('After a "sent" answer: the school day by which the CTF must arrive before the LA takes over.'),
        note: z.string().nullable(),
      })
      .nullable()
      .describe('The request to the previous school for the CTF, if one was made.'),
  })
  .meta({ id: 'NewPupilSummary' });

const registeredPupil = z.object({
  id: idField,
  receivedIn: idField.nullable().describe('A CTF already in your inbox that carries the pupil: the search is over.'),
  strongMatch: idField
    .nullable()
    .optional()
    .describe('A repository record so like the pupil that the search waits for you to look at it (see matches).'),
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
    answer: z
      .enum(['sent'])
      .nullable()
      .describe('"sent": you said you had sent the CTF, and it has not yet reached the school carrying the pupil.'),
    arrivalDueOn: dateField.nullable().describe('After "sent": the day by which it must arrive.'),
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

const matchVerdictBody = z.strictObject({
  verdict: z.enum(matchVerdicts, {
    error: 'verdict must be "same-child" (the record is your pupil’s) or "not-this-child"',
  }),
});

export const joinerApiRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  apiRoute(
    app,
    {
      method: 'POST',
      url: '/api/v1/joiners',
      access: 'joiners:register',
      summary: 'Register a new pupil who joined without a CTF',
      description:
        'For school users. s2s searches the unknown-destination repository with the details (counted and audited as your search), lists CTFs from the previous school already in your inbox, and asks the previous school for the CTF; `receivedIn` names a CTF already in your inbox that carries the pupil. With no previous school, the search passes to your LA at once, unless a repository record matches so strongly (`strongMatch`) that it waits for you to say whether it is your pupil (`POST /api/v1/joiners/{id}/match`). `matchesChecked` is false (with `retryAfterSeconds`) when your lookups in the last minute (searches, new pupils and enquiries together) reached the limit.',
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
        receivedIn: outcome.receivedIn,
        ...(outcome.matchesChecked ? { strongMatch: outcome.strongMatch } : {}),
        matches: outcome.matches,
        waitingFiles: outcome.waitingFiles.map((f) => ({ ...f, receivedAt: f.receivedAt.toISOString() })),
        ctfsForUpn: outcome.ctfsForUpn.map((f) => ({ ...f, sentAt: f.sentAt.toISOString() })),
      });
    },
  );

  apiRoute<{ id: string }>(
    app,
    {
      method: 'POST',
      url: '/api/v1/joiners/:id/match',
      access: 'joiners:register',
      summary: 'Say whether the strongly matching repository record is your new pupil’s',
      description:
        '`same-child` ends the search with the record’s CTF (open the record to download it); `not-this-child` lets the search go on: to your LA at once when the previous school is not known.',
      request: { params: idParams, body: matchVerdictBody },
      responses: {
        200: {
          description: 'Recorded.',
          body: z.object({ verdict: z.enum(matchVerdicts), recordId: idField, passedToLa: z.boolean() }),
        },
        404: errorAnswer('No new pupil of your school with a match waiting for you (NOT_FOUND).'),
        422: errorAnswer('verdict is missing or not one of the two (INVALID_VERDICT).'),
      },
    },
    async (request, reply) => {
      const parsed = matchVerdictBody.safeParse(request.body ?? {});
      if (!parsed.success) {
        const fields = fieldErrors(parsed.error, 'Send verdict.');
        return reply.code(422).send({ error: { code: 'INVALID_VERDICT', message: fields[0]!.message, fields } });
      }
      const outcome = await reviewMatch(services, request.user!, request.params.id, parsed.data.verdict, request.ip);
      if (!outcome) return reply.callNotFound();
      return { verdict: outcome.verdict, recordId: outcome.recordId, passedToLa: outcome.passedToLa };
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
      summary: 'Requests for your former pupils’ CTFs: waiting for your answer, or for the CTF you sent',
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
        '`{ "answer": "sent" }` says your school has sent the CTF to the requesting school (optionally naming it by `fileId`). The request is answered when a CTF carrying the pupil (by UPN, or by name and date of birth) reaches that school: `state` is `received` when one of the CTFs you sent it already does, `said-sent` while none does; if none arrives by `arrivalDueOn`, the search passes to the new school’s LA. `{ "answer": "no-record", "note": "…" }` passes the search to the new school’s LA at once and tells the new school.',
      request: { params: idParams, body: answerBody },
      responses: {
        200: {
          description: 'Answered.',
          body: z.object({
            state: z.enum(['received', 'said-sent', 'with-la']),
            fileId: idField.nullable().describe('The CTF that carried the pupil, when one has arrived.'),
            arrivalDueOn: dateField.nullable(),
          }),
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
      return { state: outcome.state, fileId: outcome.fileId, arrivalDueOn: outcome.arrivalDueOn };
    },
  );
};
