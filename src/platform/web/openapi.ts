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
      'Send and collect pupil files (CTFs and others) between schools and local authorities. Authenticate every call with an API token from the "API tokens" page: `Authorization: Bearer s2s_…`. Personal details never go in URLs. An address that is not valid percent-encoding (a stray %) gets 400 BAD_ADDRESS, whatever the path.',
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
        required: ['files', 'jobs'],
        properties: {
          files: {
            type: 'array',
            description:
              'One entry per file judged by the time of the answer, in the order sent: every plain file, and the entries of each .zip unpacked in time. The entries of a .zip still being unpacked are at its job’s statusUrl.',
            items: { $ref: '#/components/schemas/UploadResult' },
          },
          jobs: {
            type: 'array',
            description: 'One entry per .zip of the request (none without a .zip), finished or not.',
            items: { $ref: '#/components/schemas/ZipJobAnswer' },
          },
        },
      },
      ZipJobAnswer: {
        type: 'object',
        required: ['id', 'zipName', 'state', 'statusUrl'],
        properties: {
          id: { type: 'string', format: 'uuid', description: 'The job unpacking the .zip' },
          zipName: { type: 'string' },
          state: {
            type: 'string',
            enum: ['waiting', 'unpacking', 'done', 'failed'],
            description: 'Where the job had got to when the request was answered',
          },
          statusUrl: {
            type: 'string',
            description: '`/api/v1/jobs/{id}`: the job’s state and every file’s result, then and later',
          },
        },
      },
      Problem: {
        type: 'object',
        required: ['code', 'message'],
        properties: {
          code: {
            type: 'string',
            description:
              'Stable code, e.g. UPN_CHECK_LETTER, FILE_NAME_INVALID, DESTINATION_CLOSED, DUPLICATE, FILE_TOO_LARGE, TOO_MANY_PUPILS (more pupils than S2S_MAX_PUPILS_PER_FILE, 15,000, in one file), NOT_A_CTF_FOR_REPOSITORY (only a CTF can go to XXXXXXX or MMMMMMM); as a warning, FILE_NAME_TYPE_MISMATCH (the name gives another type than the content, which decides)',
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
          fileType: {
            type: ['string', 'null'],
            enum: ['CTF', 'ATF', 'census', 'generic', null],
            description: 'What the file is: a CTfile or ATfile root makes it a CTF or ATF whatever its name says',
          },
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
          duplicateOf: {
            type: 'string',
            format: 'uuid',
            description:
              'The file already stored with these bytes. On a refused DUPLICATE, the earlier file; on a delivered entry, the file an earlier request stored without its answer reaching you (the same as id): it is delivered once.',
          },
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
      RepositorySearch: {
        type: 'object',
        additionalProperties: false,
        description:
          'A UPN (also matched against former UPNs), or a surname with a date of birth; a first name makes the search sharper. Spelling slips, sound-alike spellings, accents, either part of a double-barrelled surname, former and preferred surnames, short forms of first names, a middle name given as the first name, and a date of birth with day and month swapped or one digit wrong are all allowed for.',
        properties: {
          upn: { type: 'string', pattern: '^[A-Za-z][0-9]{11}[0-9A-Za-z]$' },
          surname: { type: 'string', maxLength: 100 },
          forename: { type: 'string', maxLength: 100 },
          dateOfBirth: { type: 'string', format: 'date' },
          sex: { type: 'string', enum: ['M', 'F'] },
          postcode: { type: 'string' },
          leftLA: { type: 'string', pattern: '^[0-9]{3}$', description: 'LA the child left' },
          leftLAEstab: { type: 'string', pattern: '^[0-9]{7}$', description: 'School the child left' },
        },
      },
      RepositoryMatch: {
        type: 'object',
        description: 'Only what a person needs to recognise the child.',
        properties: {
          id: { type: 'string', format: 'uuid' },
          surname: { type: ['string', 'null'] },
          forename: { type: ['string', 'null'] },
          dateOfBirth: { type: ['string', 'null'], format: 'date' },
          sex: { type: ['string', 'null'] },
          leftLAEstab: { type: ['string', 'null'] },
          leftSchoolName: { type: ['string', 'null'] },
          leftOn: { type: ['string', 'null'], format: 'date' },
          score: { type: 'integer', minimum: 0, maximum: 100 },
          reasons: {
            type: 'array',
            items: { type: 'string' },
            description:
              'Why it matched, in words: "UPN matches", "surname sounds alike", "day and month of birth swapped"',
          },
        },
      },
      NewPupil: {
        type: 'object',
        additionalProperties: false,
        required: ['surname', 'forename', 'dateOfBirth', 'joinedOn'],
        description: 'A pupil who joined without a CTF.',
        properties: {
          surname: { type: 'string', maxLength: 100 },
          forename: { type: 'string', maxLength: 100 },
          dateOfBirth: { type: 'string', format: 'date' },
          sex: { type: 'string', enum: ['M', 'F'] },
          upn: { type: 'string', pattern: '^[A-Za-z][0-9]{11}[0-9A-Za-z]$' },
          previousLAEstab: {
            type: 'string',
            pattern: '^[0-9]{7}$',
            description:
              'The previous school, when known: it is asked for the CTF. Without it the search passes to your LA.',
          },
          joinedOn: { type: 'string', format: 'date' },
        },
      },
      NewPupilSummary: {
        type: 'object',
        properties: {
          id: { type: 'string', format: 'uuid' },
          schoolLAEstab: { type: 'string' },
          surname: { type: 'string' },
          forename: { type: 'string' },
          dateOfBirth: { type: 'string', format: 'date' },
          upn: { type: ['string', 'null'] },
          previousLAEstab: { type: ['string', 'null'] },
          joinedOn: { type: 'string', format: 'date' },
          state: { type: 'string', enum: ['seeking', 'received', 'with-la'] },
          withLaReason: { type: ['string', 'null'], enum: ['no-previous-school', 'unanswered', 'no-record', null] },
          ctfFileId: { type: ['string', 'null'], format: 'uuid', description: 'The CTF the previous school sent.' },
        },
      },
      Leaver: {
        type: 'object',
        additionalProperties: false,
        required: ['surname', 'forename', 'dateOfBirth', 'upn', 'leftOn', 'destination'],
        description:
          'A pupil leaving your school. With `destination` "school", give `destinationLAEstab`; otherwise give `reason` (and `reasonNote` when it is "other").',
        properties: {
          surname: { type: 'string', maxLength: 100 },
          forename: { type: 'string', maxLength: 100 },
          dateOfBirth: { type: 'string', format: 'date' },
          sex: { type: 'string', enum: ['M', 'F'] },
          upn: { type: 'string', pattern: '^[A-Za-z][0-9]{11}[0-9A-Za-z]$' },
          leftOn: { type: 'string', format: 'date', description: 'Within the last year, or up to a month ahead.' },
          destination: { type: 'string', enum: ['school', 'unknown', 'outside-maintained-sector'] },
          destinationLAEstab: { type: 'string', pattern: '^[0-9]{7}$' },
          reason: {
            type: 'string',
            enum: [
              'moved-address-unknown',
              'not-returned',
              'independent-school',
              'abroad',
              'scotland-or-northern-ireland',
              'other',
            ],
            description:
              'For "unknown": moved-address-unknown, not-returned or other. For "outside-maintained-sector": independent-school, abroad, scotland-or-northern-ireland or other.',
          },
          reasonNote: { type: 'string', maxLength: 500 },
        },
      },
      LeaverSummary: {
        type: 'object',
        properties: {
          id: { type: 'string', format: 'uuid' },
          schoolLAEstab: { type: 'string' },
          surname: { type: 'string' },
          forename: { type: 'string' },
          dateOfBirth: { type: 'string', format: 'date' },
          upn: { type: 'string' },
          leftOn: { type: 'string', format: 'date' },
          destination: { type: 'string', enum: ['school', 'unknown', 'outside-maintained-sector'] },
          destinationLAEstab: { type: ['string', 'null'] },
          reason: { type: ['string', 'null'] },
          ctfDueOn: { type: 'string', format: 'date', description: '15 school days after leaving.' },
          ctf: { type: 'string', enum: ['sent', 'due', 'overdue'] },
          schoolDaysOverdue: {
            type: ['integer', 'null'],
            description: 'School days past the due date; null when the due date is outside the school calendar.',
          },
          ctfSentTo: { type: ['string', 'null'], description: 'Where the CTF went: a LAEstab, XXXXXXX or MMMMMMM.' },
          ctfSentAt: { type: ['string', 'null'], format: 'date-time' },
          cmeCaseId: {
            type: 'string',
            format: 'uuid',
            description: 'For LA users: the case on your CME register opened from this leaver.',
          },
        },
      },
      MissingPupilEnquiry: {
        type: 'object',
        additionalProperties: false,
        required: ['surname', 'forename', 'dateOfBirth', 'lastAddress', 'concern'],
        properties: {
          surname: { type: 'string', maxLength: 100 },
          forename: { type: 'string', maxLength: 100 },
          dateOfBirth: { type: 'string', format: 'date' },
          sex: { type: 'string', enum: ['M', 'F'] },
          upn: { type: 'string', pattern: '^[A-Za-z][0-9]{11}[0-9A-Za-z]$' },
          lastAddress: { type: 'string', maxLength: 500 },
          concern: { type: 'string', maxLength: 500, description: 'Why the LA is concerned about the child.' },
        },
      },
      FieldErrors: {
        type: 'object',
        properties: {
          error: {
            type: 'object',
            properties: {
              code: { type: 'string' },
              message: { type: 'string' },
              fields: {
                type: 'array',
                items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } },
              },
            },
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
      BadAddress: {
        description: 'The address is not valid percent-encoding (BAD_ADDRESS): check any % in the id or query.',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      },
      LookupsRefused: {
        description:
          'Too many lookups in the last minute (SEARCH_RATE_LIMITED): repository searches, new pupils and enquiries share one budget per user (S2S_REPOSITORY_SEARCHES_PER_MINUTE). Retry after Retry-After seconds.',
        headers: {
          'Retry-After': { schema: { type: 'integer' }, description: 'Seconds until the minute’s budget renews.' },
        },
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      },
    },
  },
  paths: {
    '/api/v1/files': {
      post: {
        summary: 'Send files',
        description:
          'multipart/form-data with one or more parts named "file". A .zip part is unpacked and each entry treated as a file; the request waits up to S2S_ZIP_WAIT_SECONDS (20 s) for its zips, then answers 202 with each one’s job to follow. Each file is checked by the CTF engine; a refused file is not stored. The answer has one entry per file judged, and one per .zip in `jobs`. Send an Idempotency-Key header to make retries safe: a retried request gets the first answer and stores nothing twice. A request that died part-way holds its key for at most about 10 seconds, then a retry goes ahead; files it had stored are reported as delivered with duplicateOf. Without a key, a file stored by a request whose answer never reached the sender is also reported as delivered with duplicateOf when sent again.',
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
          '202': {
            description:
              'A .zip of the request is still being unpacked after S2S_ZIP_WAIT_SECONDS (20 s): it goes on being unpacked, and its files are delivered one by one. `files` holds the results of the plain files (whether accepted or refused) and of any .zip finished in time; `jobs` names each .zip with its state and statusUrl, and Location is the statusUrl of the first still being unpacked. Ask there, never send the .zip again; a retry with the same Idempotency-Key is answered this same 202.',
            headers: {
              Location: {
                schema: { type: 'string' },
                description: 'The status address of the first .zip still being unpacked: /api/v1/jobs/{id}',
              },
            },
            content: { 'application/json': { schema: { $ref: '#/components/schemas/UploadAnswer' } } },
          },
          '207': {
            description: 'Some files were accepted, some refused.',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/UploadAnswer' } } },
          },
          '422': {
            description:
              'No file was accepted, each refused file with its errors (such as TOO_MANY_PUPILS); or the Idempotency-Key was reused for other files (IDEMPOTENCY_KEY_REUSED).',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/UploadAnswer' } } },
          },
          '400': {
            description:
              'No files in the request (NO_FILES); a body that is not well-formed multipart/form-data, perhaps cut short (MALFORMED_UPLOAD), of which nothing is kept; an Idempotency-Key that is not valid (IDEMPOTENCY_KEY_INVALID); or BAD_ADDRESS.',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
          },
          '401': { $ref: '#/components/responses/Unauthenticated' },
          '403': { $ref: '#/components/responses/Forbidden' },
          '409': {
            description:
              'A request with this Idempotency-Key is still running (IDEMPOTENCY_KEY_IN_USE). Retry with the same key after Retry-After seconds.',
            headers: {
              'Retry-After': { schema: { type: 'integer' }, description: 'Seconds to wait before retrying.' },
            },
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
          },
          '413': {
            description:
              'More files in one request than S2S_MAX_FILES_PER_REQUEST, 100 (TOO_MANY_FILES): the request is refused whole, none of its files stored or delivered. Send fewer, or put them in a .zip.',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
          },
          '415': {
            description: 'The body is not multipart/form-data (NOT_MULTIPART).',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
          },
          '429': {
            description:
              'You, or your organisation, already have as many uploads in progress as one may at once (TOO_MANY_UPLOADS, S2S_MAX_CONCURRENT_UPLOADS_PER_USER and _PER_ORG): retry after Retry-After seconds. Nothing from the request was kept.',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
          },
          '503': {
            description:
              'Busy (BUSY): nothing from the request was kept. Or the database cannot be reached for the moment (DATABASE_UNAVAILABLE). Either way, retry after Retry-After seconds with the same Idempotency-Key.',
          },
        },
      },
    },
    '/api/v1/jobs': {
      get: {
        summary: 'Your organisation’s .zip uploads of the last week, newest first',
        description:
          'Each `{ id, zipName, state, sentAt, finishedAt, filesJudged, error }`; `state` is `waiting`, `unpacking`, `done` or `failed`, and `error` says why a failed one failed (null otherwise). Ask here when an upload of a .zip lost its answer, instead of sending the zip again.',
        responses: {
          '200': { description: '`{ "jobs": [...] }`' },
          '401': { $ref: '#/components/responses/Unauthenticated' },
          '403': { $ref: '#/components/responses/Forbidden' },
        },
      },
    },
    '/api/v1/jobs/{id}': {
      get: {
        summary: 'What became of one .zip upload, and each of its files',
        description:
          '`{ id, zipName, state, sentAt, finishedAt, filesJudged, error, files }`: `files` are the per-file results the upload answers (`FileResult`), every one once `done`, those judged so far while `unpacking` (or before it `failed`). `error` says why a failed job failed, null otherwise: a job whose node stopped part-way through it on each of S2S_JOB_MAX_ATTEMPTS starts (5) is given up, and says so. Any user of the sending organisation may ask, for S2S_JOB_RETENTION_DAYS (30) after it finished.',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
        responses: {
          '200': { description: 'The job and its files so far.' },
          '400': { $ref: '#/components/responses/BadAddress' },
          '401': { $ref: '#/components/responses/Unauthenticated' },
          '403': { $ref: '#/components/responses/Forbidden' },
          '404': { $ref: '#/components/responses/NotFound' },
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
          '400': { $ref: '#/components/responses/BadAddress' },
          '404': { $ref: '#/components/responses/NotFound' },
        },
      },
      delete: {
        summary: 'Remove a file you sent that has not been collected',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
        responses: {
          '204': { description: 'Removed; its content is destroyed.' },
          '400': { $ref: '#/components/responses/BadAddress' },
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
          '400': { $ref: '#/components/responses/BadAddress' },
          '404': { $ref: '#/components/responses/NotFound' },
        },
      },
    },
    '/api/v1/repository/search': {
      post: {
        summary: 'Search the unknown-destination repository',
        description:
          'Finds children whose CTF was sent to XXXXXXX or MMMMMMM in the last 12 months. Details go in the JSON body, never the URL. At most 10 results above the match threshold, best first; each search is audited with its criteria and spends one lookup from the user’s budget.',
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/RepositorySearch' } } },
        },
        responses: {
          '200': {
            description: 'Likely matches, best first (possibly none).',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: { results: { type: 'array', items: { $ref: '#/components/schemas/RepositoryMatch' } } },
                },
              },
            },
          },
          '401': { $ref: '#/components/responses/Unauthenticated' },
          '403': { $ref: '#/components/responses/Forbidden' },
          '422': {
            description: 'The details are not valid (INVALID_SEARCH), with each field and why.',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/FieldErrors' } } },
          },
          '429': { $ref: '#/components/responses/LookupsRefused' },
        },
      },
    },
    '/api/v1/repository/records/{id}/open': {
      post: {
        summary: 'Open a record a search showed you, saying why',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['reason'],
                properties: { reason: { type: 'string', minLength: 10, maxLength: 500 } },
              },
            },
          },
        },
        responses: {
          '200': { description: 'The record’s identity details (UPN, names, date of birth, postcode, school left).' },
          '400': { $ref: '#/components/responses/BadAddress' },
          '404': { $ref: '#/components/responses/NotFound' },
          '422': {
            description: 'No reason, or one too short or long (REASON_REQUIRED).',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/FieldErrors' } } },
          },
        },
      },
    },
    '/api/v1/repository/records/{id}/content': {
      get: {
        summary: 'Download the child’s CTF',
        description:
          'A CTF holding only this child: the original header and the pupil’s XML, byte for byte. Only for the user who opened the record.',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
        responses: {
          '200': { description: 'The CTF.', content: { 'application/xml': { schema: { type: 'string' } } } },
          '400': { $ref: '#/components/responses/BadAddress' },
          '404': { $ref: '#/components/responses/NotFound' },
        },
      },
    },
    '/api/v1/repository/records/{id}/found': {
      post: {
        summary: 'Mark the child as found',
        description:
          'By the organisation that opened the record. The record leaves active search; the LA the child left sees it was found.',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['outcome'],
                properties: {
                  outcome: { type: 'string', enum: ['enrolled', 'known-elsewhere'] },
                  laestab: { type: 'string', pattern: '^[0-9]{7}$', description: 'Required when enrolled' },
                  note: { type: 'string', maxLength: 500, description: 'Required when known elsewhere' },
                },
              },
            },
          },
        },
        responses: {
          '204': { description: 'Marked as found.' },
          '400': { $ref: '#/components/responses/BadAddress' },
          '404': { $ref: '#/components/responses/NotFound' },
          '409': {
            description: 'Already marked as found (ALREADY_FOUND).',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
          },
          '422': {
            description: 'The outcome, LAEstab or note is missing or wrong (INVALID_FOUND).',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/FieldErrors' } } },
          },
        },
      },
    },
    '/api/v1/repository/found': {
      get: {
        summary: 'Children from your LA’s schools who were found',
        description: 'For LA users: who found each child, when, and where the child is.',
        responses: {
          '200': { description: '`{ "records": [...] }`, newest first.' },
          '401': { $ref: '#/components/responses/Unauthenticated' },
          '403': { $ref: '#/components/responses/Forbidden' },
        },
      },
    },
    '/api/v1/joiners': {
      post: {
        summary: 'Register a new pupil who joined without a CTF',
        description:
          'For school users. s2s searches the unknown-destination repository with the details (counted and audited as your search), lists CTFs from the previous school already in your inbox, and asks the previous school for the CTF. With no previous school, the search passes to your LA at once.',
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/NewPupil' } } },
        },
        responses: {
          '201': {
            description:
              '`{ id, matchesChecked, matches: RepositoryMatch[], waitingFiles: [...], ctfsForUpn: [{ fileId, sentBy, sentByName, sentTo, sentToName, sentAt, collected }] }`; `matchesChecked` is false (with `retryAfterSeconds`) when your lookups in the last minute (searches, new pupils and enquiries together) reached the limit. `ctfsForUpn` (given a UPN) lists any school’s CTFs in the last year carrying it, and where each went.',
          },
          '401': { $ref: '#/components/responses/Unauthenticated' },
          '403': { $ref: '#/components/responses/Forbidden' },
          '422': {
            description: 'The details are not valid (INVALID_JOINER), with each field and why.',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/FieldErrors' } } },
          },
        },
      },
      get: {
        summary: 'Your school’s new pupils and where each search stands',
        responses: {
          '200': {
            description: 'Newest first.',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: { joiners: { type: 'array', items: { $ref: '#/components/schemas/NewPupilSummary' } } },
                },
              },
            },
          },
          '401': { $ref: '#/components/responses/Unauthenticated' },
          '403': { $ref: '#/components/responses/Forbidden' },
        },
      },
    },
    '/api/v1/joiners/with-la': {
      get: {
        summary: 'New pupils at your LA’s schools whose records were not found',
        description:
          'For LA users: searches passed to the LA because the previous school was not known, held no record, or did not answer in time.',
        responses: {
          '200': { description: '`{ "joiners": NewPupilSummary[] }`, newest first.' },
          '401': { $ref: '#/components/responses/Unauthenticated' },
          '403': { $ref: '#/components/responses/Forbidden' },
        },
      },
    },
    '/api/v1/leavers': {
      post: {
        summary: 'Record a pupil leaving your school',
        description:
          'For school users. The CTF is due within 15 school days of leaving. s2s marks it sent when a CTF from your school carrying the pupil’s UPN has been sent (in the 60 days before leaving, or afterwards), and reminds your school until then.',
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Leaver' } } },
        },
        responses: {
          '201': {
            description:
              '`{ id, ctfDueOn, ctfSent: { fileId, sentTo, sentAt } | null }`: `ctfSent` when the CTF has already been sent.',
          },
          '401': { $ref: '#/components/responses/Unauthenticated' },
          '403': { $ref: '#/components/responses/Forbidden' },
          '422': {
            description:
              'The details are not valid (INVALID_LEAVER), with each field and why; also when the same pupil is already recorded as leaving that day.',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/FieldErrors' } } },
          },
        },
      },
      get: {
        summary: 'Your school’s leavers and where each CTF stands',
        responses: {
          '200': {
            description: 'Newest first.',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: { leavers: { type: 'array', items: { $ref: '#/components/schemas/LeaverSummary' } } },
                },
              },
            },
          },
          '401': { $ref: '#/components/responses/Unauthenticated' },
          '403': { $ref: '#/components/responses/Forbidden' },
        },
      },
    },
    '/api/v1/leavers/at-your-schools': {
      get: {
        summary: 'Leavers from your LA’s schools whose CTF has not been sent, or whose destination is not known',
        parameters: [
          {
            name: 'show',
            in: 'query',
            schema: { type: 'string', enum: ['without-ctf', 'destination-unknown'], default: 'without-ctf' },
            description:
              '`without-ctf`: every leaver whose CTF has not been sent. `destination-unknown`: leavers in the last year whose destination was not known, sent or not.',
          },
        ],
        responses: {
          '200': { description: '`{ "leavers": LeaverSummary[] }`, longest ago first.' },
          '400': {
            description: 'show is neither without-ctf nor destination-unknown (INVALID_QUERY), or BAD_ADDRESS.',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
          },
          '401': { $ref: '#/components/responses/Unauthenticated' },
          '403': { $ref: '#/components/responses/Forbidden' },
        },
      },
    },
    '/api/v1/ctf-requests': {
      get: {
        summary: 'Requests for your former pupils’ CTFs, waiting for your answer',
        responses: {
          '200': {
            description:
              '`{ "requests": [{ id, joinerId, surname, forename, dateOfBirth, upn, requestingLAEstab, requestedAt, dueOn }] }`',
          },
          '401': { $ref: '#/components/responses/Unauthenticated' },
          '403': { $ref: '#/components/responses/Forbidden' },
        },
      },
    },
    '/api/v1/ctf-requests/{id}/answer': {
      post: {
        summary: 'Answer a request: the CTF was sent, or you hold no record',
        description:
          '`{ "answer": "sent" }` links the CTF your school sent to the requesting school (give `fileId` when you sent it more than one); `{ "answer": "no-record", "note": "…" }` passes the search to the new school’s LA.',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
        responses: {
          '200': { description: '`{ "state": "received" | "with-la", "fileId": string | null }`' },
          '401': { $ref: '#/components/responses/Unauthenticated' },
          '403': { $ref: '#/components/responses/Forbidden' },
          '400': { $ref: '#/components/responses/BadAddress' },
          '404': { $ref: '#/components/responses/NotFound' },
          '409': { description: 'Already answered (ALREADY_ANSWERED).' },
          '422': {
            description: 'Not a valid answer, or no CTF sent to that school yet (INVALID_ANSWER).',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/FieldErrors' } } },
          },
        },
      },
    },
    '/api/v1/enquiries': {
      post: {
        summary: 'Start a missing-pupil enquiry (a draft)',
        description:
          'For LA users. A draft is neither sent nor looked up, and spends none of your lookups; `matches` is always empty here. Choose LAs with /send.',
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/MissingPupilEnquiry' } } },
        },
        responses: {
          '201': {
            description:
              '`{ id, state: "draft", matches: [] }`: the matches come once the enquiry is sent, on GET /api/v1/enquiries/{id}.',
          },
          '401': { $ref: '#/components/responses/Unauthenticated' },
          '403': { $ref: '#/components/responses/Forbidden' },
          '422': {
            description: 'The details are not valid (INVALID_ENQUIRY), with each field and why.',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/FieldErrors' } } },
          },
        },
      },
      get: {
        summary: 'Your LA’s enquiries, with recipients, answers and matches',
        responses: {
          '200': { description: '`{ "enquiries": [...] }`, newest first.' },
          '401': { $ref: '#/components/responses/Unauthenticated' },
          '403': { $ref: '#/components/responses/Forbidden' },
        },
      },
    },
    '/api/v1/enquiries/received': {
      get: {
        summary: 'Enquiries other LAs sent to your LA, with their reason for choosing you',
        responses: {
          '200': { description: '`{ "enquiries": [...] }`, newest first.' },
          '401': { $ref: '#/components/responses/Unauthenticated' },
          '403': { $ref: '#/components/responses/Forbidden' },
        },
      },
    },
    '/api/v1/enquiries/{id}': {
      get: {
        summary: 'One of your LA’s enquiries',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
        responses: {
          '200': { description: 'The enquiry.' },
          '401': { $ref: '#/components/responses/Unauthenticated' },
          '403': { $ref: '#/components/responses/Forbidden' },
          '400': { $ref: '#/components/responses/BadAddress' },
          '404': { $ref: '#/components/responses/NotFound' },
        },
      },
    },
    '/api/v1/enquiries/{id}/send': {
      post: {
        summary: 'Send a draft enquiry to chosen LAs, each with a reason',
        description:
          '`{ "recipients": [{ "laCode": "909", "reason": "Mother has family in Kestrel Moor" }] }`. There is no “send to all”: at most 20 LAs, and more than S2S_ENQUIRY_LAS_WITHOUT_APPROVAL (default 3) waits for your LA administrator’s approval. Sending spends one lookup from your budget; once the enquiry goes out (now, or on approval) its details are matched against the repository (as your own, audited search), against new pupils registered at any school and, given a UPN with an agreeing name and date of birth, against the CTFs schools sent in the last year carrying it. The matches (`kind` `repository`, `joiner` or `sent-ctf`, with `where`) are on GET /api/v1/enquiries/{id}.',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
        responses: {
          '200': { description: '`{ "state": "sent" | "awaiting-approval", "recipients": n }`' },
          '401': { $ref: '#/components/responses/Unauthenticated' },
          '403': { $ref: '#/components/responses/Forbidden' },
          '400': { $ref: '#/components/responses/BadAddress' },
          '404': { $ref: '#/components/responses/NotFound' },
          '409': {
            description:
              'Already sent or waiting for approval (ALREADY_SENT), including when another request sent it at the same moment: the enquiry goes once, and the later request gets this answer.',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
          },
          '429': {
            description:
              'Your lookups in the last minute are spent (SEARCH_RATE_LIMITED); nothing was sent and the enquiry stays a draft. Retry after Retry-After seconds.',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
          },
          '422': {
            description:
              'No LAs, an unknown LA, your own LA, a repeat, a missing reason or too many LAs (INVALID_RECIPIENTS).',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/FieldErrors' } } },
          },
        },
      },
    },
    '/api/v1/enquiries/{id}/approve': {
      post: {
        summary: 'Approve an enquiry to many LAs (LA administrators)',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
        responses: {
          '200': { description: '`{ "state": "sent" }`' },
          '401': { $ref: '#/components/responses/Unauthenticated' },
          '403': { $ref: '#/components/responses/Forbidden' },
          '400': { $ref: '#/components/responses/BadAddress' },
          '404': { $ref: '#/components/responses/NotFound' },
          '409': { description: 'Not waiting for approval (NOT_AWAITING_APPROVAL).' },
        },
      },
    },
    '/api/v1/enquiries/{id}/answer': {
      post: {
        summary: 'Answer an enquiry sent to your LA',
        description:
          '`{ "answer": "known" | "not-known" | "checking", "detail": "Attends Kestrel Moor Primary (9092201)" }`; `detail` is needed for `known`.',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
        responses: {
          '204': { description: 'Answered; the enquiring officer is notified.' },
          '401': { $ref: '#/components/responses/Unauthenticated' },
          '403': { $ref: '#/components/responses/Forbidden' },
          '400': { $ref: '#/components/responses/BadAddress' },
          '404': { $ref: '#/components/responses/NotFound' },
          '422': {
            description: 'Not a valid answer (INVALID_ANSWER).',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/FieldErrors' } } },
          },
        },
      },
    },
    '/api/v1/enquiries/{id}/close': {
      post: {
        summary: 'Record an enquiry’s outcome and close it',
        description: '`{ "outcome": "found-in-school" | "found-elsewhere" | "not-found" | "other", "note": "…" }`',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
        responses: {
          '204': { description: 'Closed.' },
          '401': { $ref: '#/components/responses/Unauthenticated' },
          '403': { $ref: '#/components/responses/Forbidden' },
          '400': { $ref: '#/components/responses/BadAddress' },
          '404': { $ref: '#/components/responses/NotFound' },
          '422': {
            description: 'Not a valid outcome (INVALID_OUTCOME).',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/FieldErrors' } } },
          },
        },
      },
    },
    '/api/v1/notifications': {
      get: {
        summary: 'Your notifications, newest first',
        description:
          'What needs you: requests, enquiries and answers, likely matches. A notification never names a child; its link leads to the page that does.',
        responses: {
          '200': { description: '`{ "notifications": [{ id, kind, message, link, createdAt, read }] }`' },
          '401': { $ref: '#/components/responses/Unauthenticated' },
          '403': { $ref: '#/components/responses/Forbidden' },
        },
      },
    },
    '/api/v1/notifications/read': {
      post: {
        summary: 'Mark all your notifications read',
        responses: {
          '204': { description: 'Done.' },
          '401': { $ref: '#/components/responses/Unauthenticated' },
          '403': { $ref: '#/components/responses/Forbidden' },
        },
      },
    },
    '/api/v1/cme-cases': {
      post: {
        summary: 'Open a case on your LA’s register of children missing education',
        description:
          '`{ "enquiryId": "…" }` takes the child’s details from one of your LA’s enquiries, and `{ "leaverId": "…" }` from a leaver recorded by one of its schools (whose leaving date is then the date last in education unless you give `lastInEducationOn`); otherwise send `surname`, `forename`, `dateOfBirth` (and `sex`, `upn` if known). Always `identifiedOn`, and `lastInEducationOn` except for a leaver (dates). A leaver goes on the register once.',
        responses: {
          '201': { description: '`{ "id": "…" }`' },
          '401': { $ref: '#/components/responses/Unauthenticated' },
          '403': { $ref: '#/components/responses/Forbidden' },
          '422': {
            description: 'Not valid (INVALID_CASE), with each field and why.',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/FieldErrors' } } },
          },
        },
      },
      get: {
        summary: 'Your LA’s register, with school days out of education against the CME threshold',
        responses: {
          '200': {
            description:
              '`{ "cases": [...] }`, each with `schoolDaysOut` and `overThreshold`; both are null for a case with a date outside the school calendar (2000 to 2035), whose school days cannot be counted.',
          },
          '401': { $ref: '#/components/responses/Unauthenticated' },
          '403': { $ref: '#/components/responses/Forbidden' },
        },
      },
    },
    '/api/v1/cme-cases/{id}/close': {
      post: {
        summary: 'Close a case with its outcome',
        description:
          '`{ "outcome": "back-in-school" | "educated-otherwise" | "left-the-area" | "other", "resolvedOn": "2026-11-20", "note": "…" }`',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
        responses: {
          '204': { description: 'Closed.' },
          '401': { $ref: '#/components/responses/Unauthenticated' },
          '403': { $ref: '#/components/responses/Forbidden' },
          '400': { $ref: '#/components/responses/BadAddress' },
          '404': { $ref: '#/components/responses/NotFound' },
          '422': {
            description: 'Not valid (INVALID_OUTCOME).',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/FieldErrors' } } },
          },
        },
      },
    },
    '/api/v1/reports/cme': {
      get: {
        summary: 'Your LA’s CME figures for a school year',
        description:
          'Children identified, returned to education, still missing, and the median days from identification to resolution.',
        parameters: [
          {
            name: 'year',
            in: 'query',
            required: false,
            schema: { type: 'string', pattern: '^[0-9]{4}/[0-9]{2}$' },
            description: 'School year, like 2026/27, from 2000/01 to 2035/36; the current one when left out.',
          },
        ],
        responses: {
          '200': { description: 'The figures.' },
          '400': {
            description: 'Not a school year from 2000/01 to 2035/36 (INVALID_YEAR), or BAD_ADDRESS.',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
          },
          '401': { $ref: '#/components/responses/Unauthenticated' },
          '403': { $ref: '#/components/responses/Forbidden' },
        },
      },
    },
    '/api/v1/reports/national': {
      get: {
        summary: 'Every LA’s CME figures, with small numbers withheld, and the repository’s size and age (DfE)',
        description: 'Counts under 5, and counts that would reveal one, are shown as "c". No child-level data.',
        parameters: [
          {
            name: 'year',
            in: 'query',
            required: false,
            schema: { type: 'string', pattern: '^[0-9]{4}/[0-9]{2}$' },
            description: 'School year, like 2026/27, from 2000/01 to 2035/36; the current one when left out.',
          },
        ],
        responses: {
          '200': { description: 'The figures.' },
          '400': {
            description: 'Not a school year from 2000/01 to 2035/36 (INVALID_YEAR), or BAD_ADDRESS.',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
          },
          '401': { $ref: '#/components/responses/Unauthenticated' },
          '403': { $ref: '#/components/responses/Forbidden' },
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
            description: 'The query is missing or too long, or BAD_ADDRESS.',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
          },
          '401': { $ref: '#/components/responses/Unauthenticated' },
        },
      },
    },
  },
} as const;
