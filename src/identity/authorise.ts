/**
 * Enforces each route's declared access rule before its handler runs. Deny unless allowed: a page asks an
 * anonymous visitor to sign in, the API answers 401; a signed-in user without the permission gets 403.
 */
import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../platform/services.js';
import { auditActor } from '../platform/user.js';
import { can } from '../platform/permissions.js';
import { HttpError, isApi } from '../platform/web/http-error.js';
import { safeNextPage, withNextPage } from './next-page.js';

export const authorise = fp<{ services: Services }>(async (app, { services }) => {
  app.addHook('preValidation', async (request: FastifyRequest, reply: FastifyReply) => {
    // Unknown addresses get the 404 page, signed in or not.
    if (request.is404) return;
    const config = request.routeOptions.config;
    const access = config.access;
    // Pages in the middle of sign-in (two-factor, enrolment) are for a session at that stage only.
    if (config.signInStage) {
      if (request.session?.stage === config.signInStage) return;
      return reply.redirect('/sign-in', 303);
    }
    if (access === 'public') return;
    const user = request.user;
    if (!user) {
      if (isApi(request)) {
        throw new HttpError(
          401,
          'UNAUTHENTICATED',
          'Send a valid API token in the Authorization header: Bearer <token>',
        );
      }
      // A page asked for by address (a link in a notification, a bookmark) is shown once signed in.
      const next = request.method === 'GET' ? safeNextPage(request.url) : undefined;
      return reply.redirect(withNextPage('/sign-in', next), 303);
    }
    if (access === 'signed-in' || (access !== undefined && can(user.role, access))) return;
    await services.audit({
      action: 'access.denied',
      outcome: 'denied',
      actor: auditActor(user),
      sourceIp: request.ip,
      details: { method: request.method, route: request.routeOptions.url ?? '', permission: access ?? 'none' },
    });
    throw new HttpError(403, 'FORBIDDEN', 'Your role does not allow this. Ask your s2s administrator if you need it.');
  });
});
