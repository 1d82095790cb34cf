/**
 * The OpenAPI 3.1 description of /api/v1, the contract MIS suppliers and LA scripts code against. Each
 * capability adds its paths here as it adds routes; a test checks every /api/v1 route appears.
 */
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
