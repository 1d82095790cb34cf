/** The OpenAPI document and a readable page for MIS suppliers, with curl examples that work against the demo. */
import type { FastifyPluginAsync } from 'fastify';
import { openApiDocument } from './openapi.js';

export const apiDocsRoutes: FastifyPluginAsync = async (app) => {
  app.get('/api/v1/openapi.json', { config: { access: 'public' } }, async (_request, reply) =>
    reply.header('cache-control', 'public, max-age=300').send(openApiDocument),
  );
  app.get('/api-docs', { config: { access: 'public' } }, async (request, reply) => {
    const base = `${request.protocol}://${request.host}`;
    const paths = Object.entries(openApiDocument.paths).map(([path, operations]) => ({
      path,
      operations: Object.entries(operations).map(([method, op]) => ({
        method: method.toUpperCase(),
        summary: op.summary,
        description: 'description' in op ? op.description : '',
      })),
    }));
    return reply.render('platform/views/api-docs.njk', { title: 'API for MIS suppliers', base, paths });
  });
};
