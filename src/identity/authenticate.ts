/**
 * Works out who is calling. Pages use the session cookie; the API (/api/) uses `Authorization: Bearer` tokens
 * only, so a browser's cookie can never be used to call the API from another site.
 */
import fp from 'fastify-plugin';
import type { Db } from '../platform/database.js';
import type { Services } from '../platform/services.js';
import { getUser } from './accounts.js';
import type { User } from '../platform/user.js';
import { authenticateToken } from './api-tokens.js';
import { bearerToken } from '../platform/web/bearer-token.js';
import { isApi } from '../platform/web/http-error.js';
import { endSession, touchSession } from './sessions.js';

export const SESSION_COOKIE = 's2s_session';

export async function organisationName(db: Db, user: User): Promise<string> {
  if (user.orgKind === 'dfe') return 'Department for Education';
  if (user.orgKind === 'la') {
    const la = await db
      .selectFrom('local_authorities')
      .select('name')
      .where('code', '=', user.orgCode)
      .executeTakeFirst();
    return la ? `${la.name} (${user.orgCode})` : user.orgCode;
  }
  const school = await db
    .selectFrom('establishments')
    .select('name')
    .where('laestab', '=', user.orgCode)
    .executeTakeFirst();
  return school ? `${school.name} (${user.orgCode})` : user.orgCode;
}

export const authenticate = fp<{ services: Services }>(async (app, { services }) => {
  app.decorateRequest('user', null);
  app.decorateRequest('session', null);
  app.decorateRequest('via', null);
  app.decorateRequest('organisationName', null);

  app.addHook('onRequest', async (request, reply) => {
    // Decided by the matched route, not the raw address, which may be percent-encoded or differently spelt.
    const route = request.is404 ? undefined : request.routeOptions.url;
    if (route === '/assets/*' || route === '/public/*' || route === '/healthz' || route === '/readyz') return;
    if (isApi(request)) {
      const token = bearerToken(request.headers.authorization);
      if (token) {
        const user = await authenticateToken(services, token);
        if (user) {
          request.user = user;
          request.via = 'token';
        }
      }
      return;
    }
    const id = request.cookies[SESSION_COOKIE];
    if (!id) return;
    const session = await touchSession(services.db, services.now(), id, {
      idleMinutes: services.config.sessionIdleMinutes,
      maxHours: services.config.sessionMaxHours,
    });
    if (!session) {
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return;
    }
    const user = await getUser(services.db, session.userId);
    if (user.status !== 'active') {
      await endSession(services.db, session.idHash);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return;
    }
    request.session = session;
    if (session.stage === 'active') {
      request.user = user;
      request.via = 'session';
      request.organisationName = await organisationName(services.db, user);
    }
  });
});
