/**
 * The OpenAPI 3.1 description of /api/v1, the contract MIS suppliers and LA scripts code against. Each
 * capability adds its paths here as it adds routes; a test checks every /api/v1 route appears.
 */
/** A `{ files: [...] }` answer, newest first. */
function fileList(schema: 'InboxFile' | 'SentFile') {
  return {
    description: 'Newest first.',
    content: {
      'application/json': {
        schema: {
          type: 'object',
          properties: { files: { type: 'array', items: { $ref: `#/components/schemas/${schema}` } } },
        },
      },
    },
  };
}

export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'School to school (s2s) API',
    version: '1.0.0',
    description:
      'Send and collect pupil files (CTFs and others) between schools and local authorities. Authenticate every call with an API token from the "API tokens" page: `Authorization: Bearer s2s_…`. Personal details never go in URLs.',
  },
  servers: [{ url: '/' }],
  security: [{ bearer: [] }],
  components: {
    securitySchemes: {
      bearer: { type: 'http', scheme: 'bearer', description: 'An s2s API token (starts with s2s_).' },
    },
    schemas: {
      Error: {
        type: 'object',
        required: ['error'],
        properties: {
          error: {
            type: 'object',
            required: ['code', 'message'],
            properties: { code: { type: 'string' }, message: { type: 'string' } },
          },
        },
      },
      UploadAnswer: {
        type: 'object',
        required: ['files'],
        properties: { files: { type: 'array', items: { $ref: '#/components/schemas/UploadResult' } } },
      },
      Problem: {
        type: 'object',
        required: ['code', 'message'],
        properties: {
          code: {
            type: 'string',
            description: 'Stable code, e.g. UPN_CHECK_LETTER, FILE_NAME_INVALID, DESTINATION_CLOSED, DUPLICATE',
          },
          message: { type: 'string', description: 'What is wrong and what to do, in plain English' },
          line: { type: 'integer' },
          column: { type: 'integer' },
          path: { type: 'string', description: 'Element path in the XML, e.g. /CTfile/CTFpupilData/Pupil[3]/UPN' },
        },
      },
      UploadResult: {
        type: 'object',
        required: ['id', 'fileName', 'status'],
        properties: {
          id: { type: ['string', 'null'], format: 'uuid' },
          fileName: { type: 'string' },
          fileType: { type: ['string', 'null'], enum: ['CTF', 'ATF', 'census', 'generic', null] },
          source: { type: ['string', 'null'] },
          destination: {
            type: ['string', 'null'],
            description: 'Where it was delivered (a renumbered school’s new number)',
          },
          destinationKind: {
            type: ['string', 'null'],
            enum: ['school', 'la', 'unknown', 'outside-maintained-sector', null],
          },
          pupils: { type: 'integer' },
          sha256: { type: ['string', 'null'] },
          status: { type: 'string', enum: ['delivered', 'in-repository', 'rejected'] },
          errors: { type: 'array', items: { $ref: '#/components/schemas/Problem' } },
          warnings: { type: 'array', items: { $ref: '#/components/schemas/Problem' } },
          redirectedFrom: { type: 'string', description: 'The old number the sender used' },
          duplicateOf: { type: 'string', format: 'uuid' },
        },
      },
      InboxFile: {
        type: 'object',
        properties: {
          id: { type: 'string', format: 'uuid' },
          fileName: { type: 'string' },
          fileType: { type: 'string' },
          source: { type: 'string' },
          destination: { type: 'string' },
          sha256: { type: 'string' },
          pupils: { type: 'integer' },
          size: { type: 'integer' },
          receivedAt: { type: 'string', format: 'date-time' },
          collectedAt: { type: ['string', 'null'], format: 'date-time' },
        },
      },
      SentFile: {
        allOf: [
          { $ref: '#/components/schemas/InboxFile' },
          {
            type: 'object',
            properties: {
              deliveredTo: { type: ['string', 'null'] },
              redirectedFrom: { type: ['string', 'null'] },
              state: { type: 'string', enum: ['waiting', 'collected', 'in-repository', 'expired', 'removed'] },
              collectedBy: { type: ['string', 'null'], description: 'Email of the person who first collected it' },
              expiresAt: { type: 'string', format: 'date-time' },
              removedAt: { type: ['string', 'null'], format: 'date-time' },
            },
          },
        ],
      },
      Establishment: {
        type: 'object',
        properties: {
          laestab: { type: 'string', pattern: '^[0-9]{7}$', description: 'LA code and establishment number' },
          urn: { type: ['string', 'null'] },
          name: { type: 'string' },
          laCode: { type: 'string' },
          laName: { type: 'string' },
          type: { type: 'string' },
          phase: { type: 'string' },
          status: { type: 'string', enum: ['Open', 'Closed', 'Open, but proposed to close', 'Proposed to open'] },
          town: { type: 'string' },
          postcode: { type: 'string' },
          closeDate: { type: ['string', 'null'], format: 'date' },
          previousLaestab: {
            type: ['string', 'null'],
            description: 'The number this school had before it was renumbered',
          },
        },
      },
    },
    responses: {
      NotFound: {
        description: 'No such file, or not one this user may see (the two are deliberately indistinguishable).',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      },
      Unauthenticated: {
        description: 'No valid API token was sent.',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      },
      Forbidden: {
        description: 'The token’s user does not have the permission.',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      },
    },
  },
  paths: {
    '/api/v1/files': {
      post: {
        summary: 'Send files',
        description:
          'multipart/form-data with one or more parts named "file". A .zip part is unpacked and each entry treated as a file. Each file is checked by the CTF engine; a refused file is not stored. The answer has one entry per file. Send an Idempotency-Key header to make retries safe: a retried request gets the first answer and stores nothing twice.',
        parameters: [
          { name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 200 } },
        ],
        requestBody: {
          required: true,
          content: {
            'multipart/form-data': {
              schema: {
                type: 'object',
                properties: { file: { type: 'array', items: { type: 'string', format: 'binary' } } },
              },
            },
          },
        },
        responses: {
          '201': {
            description: 'Every file was accepted.',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/UploadAnswer' } } },
          },
          '207': {
            description: 'Some files were accepted, some refused.',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/UploadAnswer' } } },
          },
          '422': {
            description: 'No file was accepted (or the Idempotency-Key was reused for other files).',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/UploadAnswer' } } },
          },
          '400': {
            description: 'No files in the request.',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
          },
          '401': { $ref: '#/components/responses/Unauthenticated' },
          '403': { $ref: '#/components/responses/Forbidden' },
          '409': { description: 'A request with this Idempotency-Key is still running.' },
          '413': { description: 'Too many files in one request (send a .zip).' },
          '503': { description: 'Busy: retry after Retry-After seconds. Nothing from the request was kept.' },
        },
      },
    },
    '/api/v1/inbox': {
      get: {
        summary: 'Files waiting for your organisation',
        responses: {
          '200': fileList('InboxFile'),
          '401': { $ref: '#/components/responses/Unauthenticated' },
        },
      },
    },
    '/api/v1/sent': {
      get: {
        summary: 'Files your organisation sent, with who collected them and when',
        responses: {
          '200': fileList('SentFile'),
          '401': { $ref: '#/components/responses/Unauthenticated' },
        },
      },
    },
    '/api/v1/files/{id}': {
      get: {
        summary: 'A file’s details',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
        responses: {
          '200': {
            description: 'The file.',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/SentFile' } } },
          },
          '404': { $ref: '#/components/responses/NotFound' },
        },
      },
      delete: {
        summary: 'Remove a file you sent that has not been collected',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
        responses: {
          '204': { description: 'Removed; its content is destroyed.' },
          '404': { $ref: '#/components/responses/NotFound' },
          '409': {
            description: 'Already collected.',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
          },
        },
      },
    },
    '/api/v1/files/{id}/content': {
      get: {
        summary: 'Collect a file: exactly the bytes sent',
        description:
          'Records who collected it and when (re-downloads are allowed and recorded). X-Content-SHA256 carries the SHA-256 of the body.',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
        responses: {
          '200': {
            description: 'The file.',
            content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
          },
          '404': { $ref: '#/components/responses/NotFound' },
        },
      },
    },
    '/api/v1/me': {
      get: {
        summary: 'Who this token acts as',
        responses: {
          '200': {
            description: 'The token’s user and organisation.',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: {
                    id: { type: 'string' },
                    email: { type: 'string' },
                    name: { type: 'string' },
                    role: { type: 'string', enum: ['school-user', 'la-user', 'la-admin', 'dfe-admin'] },
                    organisation: {
                      type: 'object',
                      properties: { kind: { type: 'string' }, code: { type: 'string' } },
                    },
                    laCode: { type: ['string', 'null'] },
                  },
                },
              },
            },
          },
          '401': { $ref: '#/components/responses/Unauthenticated' },
        },
      },
    },
    '/api/v1/establishments': {
      get: {
        summary: 'Find a school',
        description:
          'Search the establishment register by name, LAEstab (8231234 or 823/1234), URN, or a 3-digit LA code. At most 50 results.',
        parameters: [
          { name: 'q', in: 'query', required: true, schema: { type: 'string', minLength: 1, maxLength: 100 } },
        ],
        responses: {
          '200': {
            description: 'Matching establishments, best first.',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: {
                    establishments: { type: 'array', items: { $ref: '#/components/schemas/Establishment' } },
                  },
                },
              },
            },
          },
          '400': {
            description: 'The query is missing or too long.',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
          },
          '401': { $ref: '#/components/responses/Unauthenticated' },
        },
      },
    },
  },
} as const;
