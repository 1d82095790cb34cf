/**
 * Liveness (/healthz: the process answers) and readiness (/readyz: the database answers and storage has room) for
 * load balancers.
 */
import { sql } from 'kysely';
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../services.js';

export const healthRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.get('/healthz', { config: { access: 'public' } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config: { access: 'public' } }, async (_request, reply) => {
    if (services.storage.isFull()) {
      return reply
        .code(503)
        .header('retry-after', '30')
        .send({ status: 'unavailable', database: services.databaseKind, storage: 'full' });
    }
    try {
      await sql`SELECT 1`.execute(services.db);
      return { status: 'ready', database: services.databaseKind };
    } catch {
      return reply
        .code(503)
        .header('retry-after', '5')
        .send({ status: 'unavailable', database: services.databaseKind });
    }
  });
};
