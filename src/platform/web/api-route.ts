/**
 * One declaration per API operation: its address, who may call it, what it takes and every answer it gives, in zod.
 * The route is registered from it, its answers leave through their declared schemas (so a field added to an
 * internal type never reaches a client unannounced), and the OpenAPI document is generated from the same objects.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import { z } from 'zod';
import type { Access } from '../permissions.js';

/** An answer declared once and shared by operations (`components.responses` in the document). */
export type SharedAnswer =
  'NotFound' | 'Unauthenticated' | 'Forbidden' | 'BadAddress' | 'LookupsRefused' | 'Unavailable';

export interface AnswerHeader {
  description: string;
  schema: z.ZodType;
}

export interface Answer {
  description: string;
  /** A JSON body; its schema decides which fields are sent. */
  body?: z.ZodType;
  /** A body that is not JSON (a file's bytes), by media type, documented and sent as the handler gives it. */
  content?: Record<string, z.ZodType>;
  headers?: Record<string, AnswerHeader>;
}

export interface ApiRequest {
  params?: z.ZodObject;
  query?: z.ZodObject;
  headers?: z.ZodObject;
  /** A JSON body. */
  body?: z.ZodType;
  /** A multipart/form-data body, described by its parts. */
  multipart?: z.ZodObject;
  /** Other bodies the operation takes, by media type (a file's own bytes), besides or instead of those above. */
  content?: Record<string, z.ZodType>;
  /** Fastify checks the querystring against the schema and answers 400 before the handler runs. */
  checkQuery?: boolean;
}

export type HttpMethod = 'GET' | 'POST' | 'DELETE';

export interface ApiOperation {
  method: HttpMethod;
  /** Fastify's form: `/api/v1/files/:id`. */
  url: string;
  summary: string;
  description?: string;
  access: Access;
  pupilData?: boolean;
  request?: ApiRequest;
  /** Every answer by status. 401 (and 403 for a permission, 400 for an address with a parameter) are added. */
  responses: Record<number, Answer | SharedAnswer>;
}

/** Every API error: a stable code and a message in words; an invalid body adds each field's problem. */
export const fieldError = z
  .object({ field: z.string(), message: z.string() })
  .meta({ id: 'FieldError', description: 'One field’s problem: the field, and what is wrong with it in words.' });

export const apiError = z
  .object({
    error: z.object({
      code: z.string().describe('Stable code, such as NOT_FOUND or INVALID_SEARCH'),
      message: z.string().describe('What is wrong and what to do, in plain English'),
      fields: z.array(fieldError).optional().describe('For invalid details: each field and why'),
    }),
  })
  .meta({ id: 'Error' });
export type ApiErrorBody = z.infer<typeof apiError>;

/** An error answer with the shared error body. */
export const errorAnswer = (description: string, headers?: Record<string, AnswerHeader>): Answer => ({
  description,
  body: apiError,
  ...(headers ? { headers } : {}),
});

export const retryAfter = (description: string): Record<string, AnswerHeader> => ({
  'Retry-After': { description, schema: z.int().min(0) },
});

/** The operation with the answers every API route can give filled in, as the document shows it. */
export function withCommonAnswers(operation: ApiOperation): Record<number, Answer | SharedAnswer> {
  const responses: Record<number, Answer | SharedAnswer> = { ...operation.responses };
  const hasAddressPart = operation.url.includes(':') || operation.request?.query !== undefined;
  if (hasAddressPart && !responses[400]) responses[400] = 'BadAddress';
  if (operation.access !== 'public' && !responses[401]) responses[401] = 'Unauthenticated';
  if (operation.access !== 'public' && operation.access !== 'signed-in' && !responses[403])
    responses[403] = 'Forbidden';
  if (operation.url.includes(':') && !responses[404]) responses[404] = 'NotFound';
  if (!responses[503]) responses[503] = 'Unavailable';
  return responses;
}

/** The declared JSON body of an answer with this status, if the operation declares one. */
function declaredBody(operation: ApiOperation, status: number): z.ZodType | undefined {
  const answer = operation.responses[status];
  if (answer === undefined) return status >= 400 ? apiError : undefined;
  if (typeof answer === 'string') return apiError;
  return answer.body;
}

export class UndeclaredAnswerError extends Error {}

/**
 * The body that is sent: the payload as JSON would carry it, cut to the declared schema. A payload that does not
 * fit is a fault of ours, and is refused rather than sent with whatever it holds; only the paths and kinds of the
 * mismatch are reported, never the values, which may be a child's details.
 */
export function declaredAnswer<S extends z.ZodType>(schema: S, payload: unknown): z.output<S> {
  const wire: unknown = JSON.parse(JSON.stringify(payload));
  const parsed = schema.safeParse(wire);
  if (parsed.success) return parsed.data;
  const where = parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.code}`).join('; ');
  throw new UndeclaredAnswerError(`The answer does not match its declared schema (${where})`);
}

/** Error answers from outside any operation (not found, refused, busy) leave through the one error schema. */
export function declareApiErrors(app: FastifyInstance, isApi: (request: FastifyRequest) => boolean): void {
  app.addHook('preSerialization', async (request, reply, payload) => {
    if (!isApi(request) || reply.statusCode < 400) return payload;
    const operation = request.routeOptions.config.api;
    if (operation && !request.is404) return payload;
    return declaredAnswer(apiError, payload);
  });
}

/** Registers an operation's route; `handler` answers as Fastify handlers do, and its JSON is cut to the schema. */
export function apiRoute<Params = Record<string, string>, Query = Record<string, string | undefined>>(
  app: FastifyInstance,
  operation: ApiOperation,
  handler: (request: FastifyRequest<{ Params: Params; Querystring: Query }>, reply: FastifyReply) => Promise<unknown>,
): void {
  const query = operation.request?.query;
  app.route({
    method: operation.method,
    url: operation.url,
    config: { access: operation.access, pupilData: operation.pupilData ?? false, api: operation },
    ...(query && operation.request?.checkQuery
      ? { schema: { querystring: z.toJSONSchema(query, { io: 'input', target: 'draft-07' }) } }
      : {}),
    preSerialization: async (_request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
      const schema = declaredBody(operation, reply.statusCode);
      if (!schema) throw new UndeclaredAnswerError(`No JSON body is declared for ${reply.statusCode}`);
      return declaredAnswer(schema, payload);
    },
    handler: handler as RouteHandlerMethod,
  });
}

/** Fields most answers carry, documented with their format; the format is the service's promise, not re-checked. */
export const idField = z.string().meta({ format: 'uuid' });
export const timestampField = z.string().meta({ format: 'date-time' });
export const dateField = z.string().meta({ format: 'date' });
export const idParams = z.object({ id: idField });
