/**
 * GET /metrics for Prometheus, and the timing of every HTTP answer it reports. The endpoint is for the operator's
 * scraper only: it answers 404 unless S2S_METRICS_TOKEN is set (so it is not advertised), and 401 unless the request
 * carries that token as a bearer token, compared in constant time. With several serving processes the answer is
 * the whole node's, gathered by the first process (node-metrics.ts).
 */
import crypto from 'node:crypto';
import fp from 'fastify-plugin';
import type { Metrics } from '../metrics.js';
import { bearerToken } from './bearer-token.js';
import { metricsOfNode } from '../node-metrics.js';

const digest = (text: string) => crypto.createHash('sha256').update(text).digest();

/** Whether `header` is `Bearer <token>`; hashing first makes the comparison's time independent of the guess. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const presented = bearerToken(header);
  return crypto.timingSafeEqual(digest(presented ?? ''), digest(token)) && presented !== undefined;
}

export const metricsRoutes = fp<{ metrics: Metrics; token: string | undefined }>(async (app, { metrics, token }) => {
  // Labelled by the route's pattern, never the address asked for: ids and search terms stay out of the series. A
  // route that answers "not found" hands over to the not-found handler, which forgets the route, so it is kept.
  const routeAsked = new WeakMap<object, string>();
  app.addHook('onRequest', async (request) => {
    if (!request.is404 && request.routeOptions.url) routeAsked.set(request.raw, request.routeOptions.url);
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = routeAsked.get(request.raw) ?? 'unmatched';
    metrics.observeRequest(route, request.method, reply.statusCode, reply.elapsedTime / 1000);
  });

  const scrape = metricsOfNode(metrics);
  app.get('/metrics', { config: { access: 'public' } }, async (request, reply) => {
    if (!token) return reply.callNotFound();
    if (!bearerMatches(request.headers.authorization, token)) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer realm="s2s metrics"')
        .type('text/plain')
        .send('Send the metrics token (S2S_METRICS_TOKEN) as Authorization: Bearer <token>.\n');
    }
    try {
      const text = await scrape();
      return reply.type(metrics.registry.contentType).send(text);
    } catch (error) {
      request.log.warn({ err: error }, 'metrics: the node’s serving processes did not all answer');
      return reply
        .code(503)
        .header('retry-after', '5')
        .type('text/plain')
        .send('The serving processes did not all answer in time; scrape again.\n');
    }
  });
});
