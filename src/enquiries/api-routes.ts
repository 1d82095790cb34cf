/**
 * The API for missing-pupil enquiries between LAs, and every user's notifications.
 */
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { z } from 'zod';
import { listNotifications, markNotificationsRead } from '../notifications/public.js';
import type { Services } from '../platform/services.js';
import { rateLimited } from '../repository/public.js';
import type { FieldError } from '../platform/validation.js';
import {
  answerBody,
  answerEnquiry,
  approveEnquiry,
  closeBody,
  sendBackBody,
  sendBackEnquiry,
  closeEnquiry,
  createEnquiry,
  enquirySchema,
  sendEnquiry,
} from './enquiries.js';
import { apiRoute, dateField, errorAnswer, idField, idParams, timestampField } from '../platform/web/api-route.js';
import { enquiryAnswers, enquiryMatchKinds, enquiryOutcomes, enquiryStates, sexes } from '../platform/vocabulary.js';
import { enquiryFor, listEnquiries, receivedEnquiries, type Enquiry } from './read-enquiries.js';

type Body = Record<string, unknown> | undefined;

const bodyOf = (body: unknown): Body => body as Body;

function invalid(reply: FastifyReply, code: string, message: string, fields: FieldError[]) {
  return reply.code(422).send({ error: { code, message, fields } });
}

const enquiryMatch = z.object({
  kind: z.enum(enquiryMatchKinds),
  refId: idField,
  score: z.int(),
  reasons: z.array(z.string()),
  foundAt: timestampField,
  where: z
    .string()
    .nullable()
    .describe('Where the match is: the school the child left (repository) or joined (new pupil), or where a CTF went.'),
});

const enquiry = z
  .object({
    id: idField,
    laCode: z.string(),
    surname: z.string(),
    forename: z.string(),
    dateOfBirth: dateField,
    sex: z.enum(sexes).nullable(),
    upn: z.string().nullable(),
    lastAddress: z.string(),
    concern: z.string(),
    state: z.enum(enquiryStates),
    createdAt: timestampField,
    sentAt: timestampField.nullable(),
    outcome: z.enum(enquiryOutcomes).nullable(),
    outcomeNote: z.string().nullable(),
    sentBack: z
      .object({ reason: z.string(), at: timestampField })
      .nullable()
      .describe('While a draft again: why your LA administrator sent it back.'),
    recipients: z.array(
      z.object({
        laCode: z.string(),
        laName: z.string().nullable(),
        reason: z.string(),
        sentAt: timestampField.nullable(),
        answer: z.enum(enquiryAnswers).nullable(),
        answerDetail: z.string().nullable(),
        answeredAt: timestampField.nullable(),
      }),
    ),
    matches: z.array(enquiryMatch),
  })
  .meta({ id: 'Enquiry' });

const receivedEnquiry = z
  .object({
    id: idField,
    fromLa: z.string(),
    fromLaName: z.string().nullable(),
    surname: z.string(),
    forename: z.string(),
    dateOfBirth: dateField,
    sex: z.enum(sexes).nullable(),
    upn: z.string().nullable(),
    lastAddress: z.string(),
    concern: z.string(),
    reason: z.string().describe('Why the enquiring LA chose yours.'),
    sentAt: timestampField,
    answer: z.enum(enquiryAnswers).nullable(),
    answerDetail: z.string().nullable(),
    closed: z.boolean(),
  })
  .meta({ id: 'ReceivedEnquiry' });

const notification = z
  .object({
    id: idField,
    kind: z.string(),
    message: z.string(),
    link: z.string(),
    createdAt: timestampField,
    read: z.boolean(),
    times: z.int().describe('How many times the same notice came while unread (its newest time is createdAt).'),
  })
  .meta({ id: 'Notification' });

export const enquiryApiRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  apiRoute(
    app,
    {
      method: 'POST',
      url: '/api/v1/enquiries',
      access: 'enquiries:make',
      summary: 'Start a missing-pupil enquiry (a draft)',
      description:
        'For LA users. A draft is neither sent nor looked up, and spends none of your lookups; `matches` is always empty here: the matches come once the enquiry is sent, on GET /api/v1/enquiries/{id}. Choose LAs with /send.',
      request: { body: enquirySchema },
      responses: {
        201: {
          description: 'The draft.',
          body: z.object({ id: idField, state: z.literal('draft'), matches: z.array(enquiryMatch).max(0) }),
        },
        422: errorAnswer('The details are not valid (INVALID_ENQUIRY), with each field and why.'),
      },
    },
    async (request, reply) => {
      const outcome = await createEnquiry(services, request.user!, request.body, request.ip);
      if (outcome.kind === 'invalid')
        return invalid(reply, 'INVALID_ENQUIRY', 'The enquiry’s details are not valid.', outcome.errors);
      // A draft looks nothing up: `matches` stays in the answer for clients that read it, and is always empty.
      return reply.code(201).send({ id: outcome.id, state: 'draft', matches: [] });
    },
  );

  apiRoute(
    app,
    {
      method: 'GET',
      url: '/api/v1/enquiries',
      access: 'enquiries:make',
      pupilData: true,
      summary: 'Your LA’s enquiries, with recipients, answers and matches',
      responses: { 200: { description: 'Newest first.', body: z.object({ enquiries: z.array(enquiry) }) } },
    },
    async (request) => ({ enquiries: await listEnquiries(services.db, request.user!) }),
  );

  apiRoute(
    app,
    {
      method: 'GET',
      url: '/api/v1/enquiries/received',
      access: 'enquiries:make',
      pupilData: true,
      summary: 'Enquiries other LAs sent to your LA, with their reason for choosing you',
      responses: { 200: { description: 'Newest first.', body: z.object({ enquiries: z.array(receivedEnquiry) }) } },
    },
    async (request) => ({ enquiries: await receivedEnquiries(services.db, request.user!) }),
  );

  apiRoute<{ id: string }>(
    app,
    {
      method: 'GET',
      url: '/api/v1/enquiries/:id',
      access: 'enquiries:make',
      pupilData: true,
      summary: 'One of your LA’s enquiries',
      request: { params: idParams },
      responses: { 200: { description: 'The enquiry.', body: enquiry } },
    },
    async (request, reply) => {
      const found: Enquiry | undefined = await enquiryFor(services.db, request.user!, request.params.id);
      if (!found) return reply.callNotFound();
      return found;
    },
  );

  apiRoute<{ id: string }>(
    app,
    {
      method: 'POST',
      url: '/api/v1/enquiries/:id/send',
      access: 'enquiries:make',
      summary: 'Send a draft enquiry to chosen LAs, each with a reason',
      description:
        '`{ "recipients": [{ "laCode": "909", "reason": "Mother has family in Kestrel Moor" }] }`. There is no “send to all”: at most 20 LAs, and more than S2S_ENQUIRY_LAS_WITHOUT_APPROVAL (default 3) waits for your LA administrator’s approval. Sending spends one lookup from your budget; once the enquiry goes out (now, or on approval) its details are matched against the repository (as your own, audited search), against new pupils registered at any school and, given a UPN with an agreeing name and date of birth, against the CTFs schools sent in the last year carrying it. The matches (`kind` `repository`, `joiner` or `sent-ctf`, with `where`) are on GET /api/v1/enquiries/{id}.',
      request: {
        params: idParams,
        body: z.object({
          recipients: z
            .array(z.object({ laCode: z.string().regex(/^[0-9]{3}$/), reason: z.string().min(1) }))
            .min(1)
            .max(20),
        }),
      },
      responses: {
        200: {
          description: 'Sent, or waiting for approval; `recipients` is how many LAs it goes to.',
          body: z.object({ state: z.enum(['sent', 'awaiting-approval']), recipients: z.int() }),
        },
        409: errorAnswer(
          'Already sent or waiting for approval (ALREADY_SENT), including when another request sent it at the same moment: the enquiry goes once, and the later request gets this answer.',
        ),
        429: 'LookupsRefused',
        422: errorAnswer(
          'No LAs, an unknown LA, your own LA, a repeat, a missing reason or too many LAs (INVALID_RECIPIENTS).',
        ),
      },
    },
    async (request, reply) => {
      const outcome = await sendEnquiry(
        services,
        request.user!,
        request.params.id,
        bodyOf(request.body)?.recipients,
        request.ip,
      );
      if (outcome.kind === 'not-found') return reply.callNotFound();
      if (outcome.kind === 'not-draft') {
        return reply.code(409).send({
          error: { code: 'ALREADY_SENT', message: `This enquiry is ${outcome.state}; it cannot be sent again.` },
        });
      }
      if (outcome.kind === 'rate-limited') return rateLimited(reply, outcome.retryAfterSeconds);
      if (outcome.kind === 'invalid')
        return invalid(
          reply,
          'INVALID_RECIPIENTS',
          'Choose the LAs to send to, with a reason for each.',
          outcome.errors,
        );
      return { state: outcome.kind === 'sent' ? 'sent' : 'awaiting-approval', recipients: outcome.recipients };
    },
  );

  apiRoute<{ id: string }>(
    app,
    {
      method: 'POST',
      url: '/api/v1/enquiries/:id/approve',
      access: 'enquiries:approve',
      summary: 'Approve an enquiry to many LAs (LA administrators)',
      request: { params: idParams },
      responses: {
        200: { description: 'Sent.', body: z.object({ state: z.literal('sent') }) },
        409: errorAnswer('Not waiting for approval (NOT_AWAITING_APPROVAL).'),
      },
    },
    async (request, reply) => {
      const outcome = await approveEnquiry(services, request.user!, request.params.id, request.ip);
      if (outcome.kind === 'not-found') return reply.callNotFound();
      if (outcome.kind === 'not-awaiting') {
        return reply
          .code(409)
          .send({ error: { code: 'NOT_AWAITING_APPROVAL', message: 'This enquiry is not waiting for approval.' } });
      }
      return { state: 'sent' };
    },
  );

  apiRoute<{ id: string }>(
    app,
    {
      method: 'POST',
      url: '/api/v1/enquiries/:id/send-back',
      access: 'enquiries:approve',
      summary: 'Send an enquiry waiting for approval back to its officer, saying why (LA administrators)',
      description:
        'The enquiry is a draft again and nothing is sent to any LA; the officer is notified and reads the reason on the enquiry.',
      request: { params: idParams, body: sendBackBody },
      responses: {
        200: { description: 'Sent back.', body: z.object({ state: z.literal('draft') }) },
        409: errorAnswer('Not waiting for approval (NOT_AWAITING_APPROVAL).'),
        422: errorAnswer('No reason, or one too short or too long (INVALID_REASON).'),
      },
    },
    async (request, reply) => {
      const outcome = await sendBackEnquiry(services, request.user!, request.params.id, request.body, request.ip);
      if (outcome.kind === 'not-found') return reply.callNotFound();
      if (outcome.kind === 'not-awaiting') {
        return reply
          .code(409)
          .send({ error: { code: 'NOT_AWAITING_APPROVAL', message: 'This enquiry is not waiting for approval.' } });
      }
      if (outcome.kind === 'invalid')
        return invalid(reply, 'INVALID_REASON', outcome.errors[0]!.message, outcome.errors);
      return { state: 'draft' };
    },
  );

  apiRoute<{ id: string }>(
    app,
    {
      method: 'POST',
      url: '/api/v1/enquiries/:id/answer',
      access: 'enquiries:make',
      summary: 'Answer an enquiry sent to your LA',
      description: '`detail` is needed for `known`.',
      request: {
        params: idParams,
        body: answerBody,
      },
      responses: {
        204: { description: 'Answered; the enquiring officer is notified.' },
        422: errorAnswer('Not a valid answer (INVALID_ANSWER).'),
      },
    },
    async (request, reply) => {
      const body = bodyOf(request.body) ?? {};
      const outcome = await answerEnquiry(services, request.user!, request.params.id, body, request.ip);
      if (outcome.kind === 'not-found') return reply.callNotFound();
      if (outcome.kind === 'invalid')
        return invalid(reply, 'INVALID_ANSWER', 'The answer is not valid.', outcome.errors);
      return reply.code(204).send();
    },
  );

  apiRoute<{ id: string }>(
    app,
    {
      method: 'POST',
      url: '/api/v1/enquiries/:id/close',
      access: 'enquiries:make',
      summary: 'Record an enquiry’s outcome and close it',
      description: '`note` is needed for `other`.',
      request: {
        params: idParams,
        body: closeBody,
      },
      responses: {
        204: { description: 'Closed.' },
        422: errorAnswer('Not a valid outcome (INVALID_OUTCOME).'),
      },
    },
    async (request, reply) => {
      const body = bodyOf(request.body) ?? {};
      const outcome = await closeEnquiry(services, request.user!, request.params.id, body, request.ip);
      if (outcome.kind === 'not-found') return reply.callNotFound();
      if (outcome.kind === 'invalid')
        return invalid(reply, 'INVALID_OUTCOME', 'The outcome is not valid.', outcome.errors);
      return reply.code(204).send();
    },
  );

  apiRoute(
    app,
    {
      method: 'GET',
      url: '/api/v1/notifications',
      access: 'signed-in',
      summary: 'Your notifications, newest first',
      description:
        'What needs you: requests, enquiries and answers, likely matches. A notification never names a child; its link leads to the page that does.',
      responses: {
        200: { description: 'Newest first.', body: z.object({ notifications: z.array(notification) }) },
      },
    },
    async (request) => ({ notifications: await listNotifications(services.db, request.user!) }),
  );

  apiRoute(
    app,
    {
      method: 'POST',
      url: '/api/v1/notifications/read',
      access: 'signed-in',
      summary: 'Mark all your notifications read',
      responses: { 204: { description: 'Done.' } },
    },
    async (request, reply) => {
      await markNotificationsRead(services.db, request.user!, services.now());
      return reply.code(204).send();
    },
  );
};
