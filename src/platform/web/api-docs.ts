/** The OpenAPI document and a readable page for MIS suppliers, with curl examples that work against the demo. */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { openApiDocument, type OpenApiDocument } from './openapi.js';

/** The document of every operation the app serves, made once its routes are all registered. */
export function servedDocument(app: FastifyInstance): OpenApiDocument {
  return openApiDocument(app.routeTable.flatMap((route) => (route.api ? [route.api] : [])));
}

export const apiDocsRoutes: FastifyPluginAsync = async (app) => {
  let document: OpenApiDocument | undefined;
  const served = () => (document ??= servedDocument(app));
  app.get('/api/v1/openapi.json', { config: { access: 'public' } }, async (_request, reply) =>
    reply.header('cache-control', 'public, max-age=300').send(served()),
  );
  app.get('/api-docs', { config: { access: 'public' } }, async (request, reply) => {
    const base = `${request.protocol}://${request.host}`;
    const paths = Object.entries(served().paths).map(([path, operations]) => ({
      path,
      operations: Object.entries(operations).map(([method, op]) => ({
        method: method.toUpperCase(),
        summary: op.summary,
        description: op.description ?? '',
      })),
    }));
    return reply.render('platform/views/api-docs.njk', { title: 'API for MIS suppliers', base, paths });
  });
};
