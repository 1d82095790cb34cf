/**
 * The OpenAPI 3.1 description of /api/v1, the contract MIS suppliers and LA scripts code against. It is generated
 * from the operations the routes declare (api-route.ts), so what is documented is what is checked and sent.
 */
import { z } from 'zod';
import {
  apiError,
  retryAfter,
  withCommonAnswers,
  type Answer,
  type ApiOperation,
  type SharedAnswer,
} from './api-route.js';

type JsonSchema = Record<string, unknown>;

const info = {
  title: 'School to school (s2s) API',
  version: '1.0.0',
  license: { name: 'MIT', identifier: 'MIT' },
  description:
    'Send and collect pupil files (CTFs and others) between schools and local authorities. Authenticate every call with an API token from the "API tokens" page: `Authorization: Bearer s2s_…`. Personal details never go in URLs. An address that is not valid percent-encoding (a stray %) gets 400 BAD_ADDRESS, whatever the path.',
};

const sharedAnswers: Record<SharedAnswer, Answer> = {
  NotFound: {
    description: 'No such file, or not one this user may see (the two are deliberately indistinguishable).',
    body: apiError,
  },
  Unauthenticated: { description: 'No valid API token was sent.', body: apiError },
  Forbidden: { description: 'The token’s user does not have the permission.', body: apiError },
  BadAddress: {
    description: 'The address is not valid percent-encoding (BAD_ADDRESS): check any % in the id or query.',
    body: apiError,
  },
  LookupsRefused: {
    description:
      'Too many lookups in the last minute (SEARCH_RATE_LIMITED): repository searches, new pupils and enquiries share one budget per user (S2S_REPOSITORY_SEARCHES_PER_MINUTE). Retry after Retry-After seconds.',
    body: apiError,
    headers: retryAfter('Seconds until the minute’s budget renews.'),
  },
  Unavailable: {
    description:
      'The node is busy (BUSY), the database cannot be reached for the moment (DATABASE_UNAVAILABLE), or storage is full (STORAGE_FULL). Nothing from the request was kept: retry after Retry-After seconds, with the same Idempotency-Key for an upload.',
    body: apiError,
    headers: retryAfter('Seconds to wait before retrying.'),
  },
};

const SAFE_INTEGER = Number.MAX_SAFE_INTEGER;

/** zod's JSON Schema with its named parts moved to `components.schemas`, and the bounds every integer has left out. */
function converter(components: Record<string, JsonSchema>) {
  const tidy = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(tidy);
    if (value === null || typeof value !== 'object') return value;
    const out: JsonSchema = {};
    for (const [key, inner] of Object.entries(value)) {
      if (key === '$schema' || key === '$defs') continue;
      if ((key === 'minimum' && inner === -SAFE_INTEGER) || (key === 'maximum' && inner === SAFE_INTEGER)) continue;
      out[key] =
        key === '$ref' && typeof inner === 'string' ? inner.replace('#/$defs/', '#/components/schemas/') : tidy(inner);
    }
    return out;
  };
  return (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
    const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
    for (const [name, def] of Object.entries((json.$defs ?? {}) as Record<string, unknown>)) {
      components[name] ??= tidy(def) as JsonSchema;
    }
    return tidy(json) as JsonSchema;
  };
}

/** The OpenAPI path of a Fastify route: `/api/v1/files/:id` becomes `/api/v1/files/{id}`. */
export function openApiPath(url: string): string {
  return url.replace(/:(\w+)/g, '{$1}');
}

/** The document for these operations, as served at /api/v1/openapi.json. */
export function openApiDocument(operations: readonly ApiOperation[]) {
  const schemas: Record<string, JsonSchema> = {};
  const toJson = converter(schemas);

  const answer = (a: Answer): JsonSchema => ({
    description: a.description,
    ...(a.headers
      ? {
          headers: Object.fromEntries(
            Object.entries(a.headers).map(([name, h]) => [
              name,
              { description: h.description, schema: toJson(h.schema, 'output') },
            ]),
          ),
        }
      : {}),
    ...(a.body || a.content
      ? {
          content: {
            ...(a.body ? { 'application/json': { schema: toJson(a.body, 'output') } } : {}),
            ...Object.fromEntries(
              Object.entries(a.content ?? {}).map(([type, s]) => [type, { schema: toJson(s, 'output') }]),
            ),
          },
        }
      : {}),
  });

  const parameters = (where: 'path' | 'query' | 'header', shape: z.ZodObject | undefined) =>
    Object.entries(shape?.shape ?? {}).map(([name, field]) => {
      const { description, ...schema } = toJson(field as z.ZodType, 'input');
      return {
        name,
        in: where,
        required: where === 'path' || !(field as z.ZodType).safeParse(undefined).success,
        ...(typeof description === 'string' ? { description } : {}),
        schema,
      };
    });

  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const op of operations) {
    const request = op.request ?? {};
    const params = [
      ...parameters('path', request.params),
      ...parameters('query', request.query),
      ...parameters('header', request.headers),
    ];
    const bodies = {
      ...(request.body ? { 'application/json': { schema: toJson(request.body, 'input') } } : {}),
      ...(request.multipart ? { 'multipart/form-data': { schema: toJson(request.multipart, 'input') } } : {}),
      ...Object.fromEntries(
        Object.entries(request.content ?? {}).map(([type, schema]) => [type, { schema: toJson(schema, 'input') }]),
      ),
    };
    const body = Object.keys(bodies).length > 0 ? bodies : undefined;
    const responses = Object.fromEntries(
      Object.entries(withCommonAnswers(op)).map(([status, a]) => [
        status,
        typeof a === 'string' ? { $ref: `#/components/responses/${a}` } : answer(a),
      ]),
    );
    (paths[openApiPath(op.url)] ??= {})[op.method.toLowerCase()] = {
      summary: op.summary,
      ...(op.description ? { description: op.description } : {}),
      operationId: operationId(op),
      ...(params.length > 0 ? { parameters: params } : {}),
      ...(body ? { requestBody: { required: true, content: body } } : {}),
      responses,
    };
  }
  const responses = Object.fromEntries(Object.entries(sharedAnswers).map(([name, a]) => [name, answer(a)]));
  return {
    openapi: '3.1.0',
    info,
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An s2s API token (starts with s2s_).' },
      },
      schemas,
      responses,
    },
    paths,
  };
}

export type OpenApiDocument = ReturnType<typeof openApiDocument>;

/** A stable name for client generators: the method and the path's words, `getApiV1FilesById`. */
function operationId(op: ApiOperation): string {
  const words = op.url
    .split('/')
    .filter(Boolean)
    .map((part) => (part.startsWith(':') ? `by-${part.slice(1)}` : part))
    .flatMap((part) => part.split('-'));
  return [op.method.toLowerCase(), ...words.map((w) => w.charAt(0).toUpperCase() + w.slice(1))].join('');
}
