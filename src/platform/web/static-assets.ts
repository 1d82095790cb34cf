/**
 * GOV.UK Frontend's compiled CSS, JS, fonts and images, GOV.UK's accessible autocomplete (which the fields that
 * take a school or LA number use to offer names), and s2s's own small additions. Served by explicit public
 * routes so that they, like every other route, carry an access rule.
 */
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import fp from 'fastify-plugin';
import { projectRoot } from './project-root.js';

const govuk = path.join(projectRoot, 'node_modules', 'govuk-frontend', 'dist', 'govuk');
const autocomplete = path.join(projectRoot, 'node_modules', 'accessible-autocomplete', 'dist');
const autocompleteFiles = new Set(['accessible-autocomplete.min.js', 'accessible-autocomplete.min.css']);
const ownAssets = path.join(projectRoot, 'public');

export const staticAssets = fp(async (app) => {
  await app.register(fastifyStatic, { root: [govuk, autocomplete, ownAssets], serve: false });
  const cache = 'public, max-age=3600';
  app.get<{ Params: { '*': string } }>('/assets/*', { config: { access: 'public' } }, (request, reply) => {
    const file = request.params['*'];
    if (file === 'govuk-frontend.min.css' || file === 'govuk-frontend.min.js') {
      return reply.header('cache-control', cache).sendFile(file, govuk);
    }
    if (autocompleteFiles.has(file)) return reply.header('cache-control', cache).sendFile(file, autocomplete);
    return reply.header('cache-control', cache).sendFile(file, path.join(govuk, 'assets'));
  });
  app.get<{ Params: { '*': string } }>('/public/*', { config: { access: 'public' } }, (request, reply) => {
    return reply.header('cache-control', cache).sendFile(request.params['*'], ownAssets);
  });
});
