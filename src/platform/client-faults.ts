/**
 * Which errors may be told to whoever caused them. An error that is the client's own fault (a malformed request, a
 * damaged file) has a status below 500 and a message written for them. Anything else is the service's own trouble,
 * and its text — a database's or a library's — can name tables, constraints or values: it is logged, and the client
 * is answered in plain words.
 */

/** True for an error whose message is meant for the client: one with a 4xx status (ours, or Fastify's own). */
export function isClientFault(error: unknown): error is Error & { statusCode: number; code?: string } {
  if (!(error instanceof Error)) return false;
  const status = (error as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' && status >= 400 && status < 500;
}
