/**
 * What every capability's routes and hooks use to answer with an HTTP status: an error value with a status, a
 * code and a human message, and whether a request is to the API (JSON) or to a page.
 */
import type { FastifyRequest } from 'fastify';

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The API is the routes declared under /api/, told by the route the router matched and never by the raw address:
 * the router decodes `/%61pi/v1/me` to the API route while the raw address does not start with /api/, so a check
 * on the raw address would let a browser's cookie call the API. An address no route matches (a 404) has no
 * route to go by; its answer only chooses JSON or a page for the error, and it is never authenticated.
 */
export function isApi(request: FastifyRequest): boolean {
  const route = request.routeOptions.url;
  if (route !== undefined && !request.is404) return route.startsWith('/api/');
  return request.url.startsWith('/api/');
}
