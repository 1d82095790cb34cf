/** Refuses any form submission (a non-GET page request) that lacks this browser's CSRF token. */
import fp from 'fastify-plugin';
import { HttpError, isApi } from './http-error.js';
import type { Services } from '../services.js';
import { ANONYMOUS_COOKIE, csrfValid } from './csrf.js';

export const checkCsrf = fp<{ services: Services }>(async (app, { services }) => {
  app.addHook('preValidation', async (request) => {
    if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS') return;
    if (isApi(request)) return;
    if (request.routeOptions.config.csrfInHandler && request.isMultipart()) return;
    const binding = request.session?.idHash ?? request.cookies[ANONYMOUS_COOKIE];
    const body = request.body as Record<string, unknown> | undefined;
    const token = body?._csrf ?? request.headers['x-csrf-token'];
    if (!csrfValid(services.keys.csrfKey, binding, token)) {
      throw new HttpError(
        403,
        'CSRF',
        'This form has expired or did not come from s2s. Go back, reload the page and try again.',
      );
    }
  });
});
