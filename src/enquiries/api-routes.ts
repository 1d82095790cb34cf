/**
 * The API for missing-pupil enquiries between LAs, and every user's notifications.
 */
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { listNotifications, markNotificationsRead } from '../notifications/public.js';
import type { Services } from '../platform/services.js';
import { rateLimited } from '../repository/public.js';
import type { FieldError } from '../platform/validation.js';
import { answerEnquiry, approveEnquiry, closeEnquiry, createEnquiry, sendEnquiry } from './enquiries.js';
import { enquiryFor, listEnquiries, receivedEnquiries, type Enquiry } from './read-enquiries.js';

type Body = Record<string, unknown> | undefined;

function invalid(reply: FastifyReply, code: string, message: string, fields: FieldError[]) {
  return reply.code(422).send({ error: { code, message, fields } });
}

export const enquiryApiRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.post<{ Body: Body }>('/api/v1/enquiries', { config: { access: 'enquiries:make' } }, async (request, reply) => {
    const outcome = await createEnquiry(services, request.user!, request.body, request.ip);
    if (outcome.kind === 'invalid')
      return invalid(reply, 'INVALID_ENQUIRY', 'The enquiry’s details are not valid.', outcome.errors);
    // A draft looks nothing up: `matches` stays in the answer for clients that read it, and is always empty.
    return reply.code(201).send({ id: outcome.id, state: 'draft', matches: [] });
  });

  app.get('/api/v1/enquiries', { config: { access: 'enquiries:make', pupilData: true } }, async (request) => ({
    enquiries: await listEnquiries(services.db, request.user!),
  }));

  app.get('/api/v1/enquiries/received', { config: { access: 'enquiries:make', pupilData: true } }, async (request) => ({
    enquiries: await receivedEnquiries(services.db, request.user!),
  }));

  app.get<{ Params: { id: string } }>(
    '/api/v1/enquiries/:id',
    { config: { access: 'enquiries:make', pupilData: true } },
    async (request, reply) => {
      const enquiry: Enquiry | undefined = await enquiryFor(services.db, request.user!, request.params.id);
      if (!enquiry) return reply.callNotFound();
      return enquiry;
    },
  );

  app.post<{ Params: { id: string }; Body: Body }>(
    '/api/v1/enquiries/:id/send',
    { config: { access: 'enquiries:make' } },
    async (request, reply) => {
      const outcome = await sendEnquiry(
        services,
        request.user!,
        request.params.id,
        request.body?.recipients,
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

  app.post<{ Params: { id: string } }>(
    '/api/v1/enquiries/:id/approve',
    { config: { access: 'enquiries:approve' } },
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

  app.post<{ Params: { id: string }; Body: Body }>(
    '/api/v1/enquiries/:id/answer',
    { config: { access: 'enquiries:make' } },
    async (request, reply) => {
      const outcome = await answerEnquiry(services, request.user!, request.params.id, request.body ?? {}, request.ip);
      if (outcome.kind === 'not-found') return reply.callNotFound();
      if (outcome.kind === 'invalid')
        return invalid(reply, 'INVALID_ANSWER', 'The answer is not valid.', outcome.errors);
      return reply.code(204).send();
    },
  );

  app.post<{ Params: { id: string }; Body: Body }>(
    '/api/v1/enquiries/:id/close',
    { config: { access: 'enquiries:make' } },
    async (request, reply) => {
      const outcome = await closeEnquiry(services, request.user!, request.params.id, request.body ?? {}, request.ip);
      if (outcome.kind === 'not-found') return reply.callNotFound();
      if (outcome.kind === 'invalid')
        return invalid(reply, 'INVALID_OUTCOME', 'The outcome is not valid.', outcome.errors);
      return reply.code(204).send();
    },
  );

  app.get('/api/v1/notifications', { config: { access: 'signed-in' } }, async (request) => ({
    notifications: await listNotifications(services.db, request.user!),
  }));

  app.post('/api/v1/notifications/read', { config: { access: 'signed-in' } }, async (request, reply) => {
    await markNotificationsRead(services.db, request.user!, services.now());
    return reply.code(204).send();
  });
};
