/**
 * What a log line may say about a request or an error. Logs go to operators and log stores that are not cleared to
 * hold children's details or secrets, so a request is named by the route it matched (`/set-up/:token`, never the
 * one-time link itself, nor a query string with a surname in it), and a database error by its code and constraint,
 * never by the SQL's bound parameters (UPNs, names, sealed key bytes) or the row it quotes.
 */
import type { FastifyRequest } from 'fastify';

// A path segment this long is an identifier or a secret (a set-up token is 43 characters), not a word.
const LONG_SEGMENT = /[^/]{24,}/g;

/** The address to log: the matched route's pattern, or for an unmatched address its path with long parts hidden. */
export function loggedPath(request: FastifyRequest): string {
  const route = request.is404 ? undefined : request.routeOptions?.url;
  if (route !== undefined) return route;
  const path = request.url.split('?', 1)[0]!.slice(0, 200);
  return path.replace(LONG_SEGMENT, '…');
}

/** Where a log line might carry a request's credentials: its own headers, or a plugin's copy of them. */
export const loggedHeaderPaths = [
  'headers.authorization',
  'headers.cookie',
  '*.headers.authorization',
  '*.headers.cookie',
];

export function serializeRequest(request: FastifyRequest) {
  return {
    method: request.method,
    url: loggedPath(request),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket ? request.socket.remotePort : undefined,
  };
}

interface LoggableError {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  statusCode?: unknown;
  stack?: unknown;
  constraint?: unknown;
  table?: unknown;
  severity?: unknown;
  cause?: unknown;
}

// PostgreSQL and PGlite name the error class by a five-character SQLSTATE and quote the offending value in the
// message ("invalid input syntax for type date: \"…\""); the constraint and table are logged by name instead.
function isDatabaseError(error: LoggableError): boolean {
  return typeof error.code === 'string' && /^[0-9A-Z]{5}$/.test(error.code) && error.severity !== undefined;
}

function withoutQuotedValues(text: string): string {
  return text.replace(/"[^"]*"/g, '"…"').replace(/\(([^)]*)\)=\(([^)]*)\)/g, '(…)=(…)');
}

/**
 * Message and code only, whatever else the error carries: PGlite attaches the query and every bound parameter,
 * node-postgres the detail line quoting the row.
 */
export interface SerializedError {
  [key: string]: unknown;
  type: string;
  message: string;
  stack: string;
}

export function serializeError(value: unknown, depth = 0): SerializedError {
  if (value === null || typeof value !== 'object') return { type: typeof value, message: String(value), stack: '' };
  const error = value as LoggableError;
  const database = isDatabaseError(error);
  const message = typeof error.message === 'string' ? error.message : '';
  const stack = typeof error.stack === 'string' ? error.stack : undefined;
  const serialized: SerializedError = {
    type: typeof error.name === 'string' ? error.name : 'Error',
    message: database ? withoutQuotedValues(message) : message,
    // The stack's first line repeats the message; only the frames are kept.
    stack: stack
      ? stack
          .split('\n')
          .filter((line) => /^\s+at /.test(line))
          .join('\n')
      : '',
  };
  if (typeof error.code === 'string' || typeof error.code === 'number') serialized.code = error.code;
  if (typeof error.statusCode === 'number') serialized.statusCode = error.statusCode;
  if (database) {
    if (typeof error.constraint === 'string') serialized.constraint = error.constraint;
    if (typeof error.table === 'string') serialized.table = error.table;
  }
  if (error.cause !== undefined && depth < 3) serialized.cause = serializeError(error.cause, depth + 1);
  return serialized;
}
