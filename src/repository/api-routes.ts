/**
 * The repository API for MIS suppliers and LA systems: search (details in a JSON body, never in the URL), open a
 * shown record with a reason, download that child's CTF, mark the child found, and the LA's list of found children.
 */
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { Services } from '../platform/services.js';
import { contentDisposition } from '../platform/web/send-file.js';
import {
  foundBody,
  foundFromLa,
  markFound,
  openBody,
  openRecord,
  recordContent,
  type OpenedRecord,
  type RecordContent,
} from './record-access.js';
import { parseSearch, searchRepository, searchSchema } from './search-repository.js';
import { apiRoute, dateField, errorAnswer, idField, idParams, timestampField } from '../platform/web/api-route.js';
import { foundOutcomes, recordStatuses } from '../platform/vocabulary.js';

export function rateLimited(reply: FastifyReply, retryAfterSeconds: number): FastifyReply {
  return reply
    .code(429)
    .header('retry-after', String(retryAfterSeconds))
    .send({
      error: {
        code: 'SEARCH_RATE_LIMITED',
        message: `You have made too many searches in the last minute. Try again in ${retryAfterSeconds} seconds.`,
      },
    });
}

/** A child's single-pupil CTF, never cached. */
export function sendRecordContent(reply: FastifyReply, file: RecordContent): FastifyReply {
  return reply
    .header('content-type', 'application/xml')
    .header('content-disposition', contentDisposition(file.fileName))
    .header('cache-control', 'no-store')
    .send(file.content);
}

function recordEntry(r: OpenedRecord) {
  return {
    ...r,
    uploadedAt: r.uploadedAt.toISOString(),
    expiresAt: r.expiresAt.toISOString(),
    found: r.found ? { ...r.found, at: r.found.at.toISOString() } : null,
  };
}

/** What a person needs to recognise a child, and no more: all a search result shows. */
const childSummary = z.object({
  id: idField,
  surname: z.string().nullable(),
  forename: z.string().nullable(),
  dateOfBirth: dateField.nullable(),
  sex: z.string().nullable(),
  leftLAEstab: z.string().nullable(),
  leftSchoolName: z.string().nullable(),
  leftOn: dateField.nullable(),
});

export const repositoryMatch = childSummary
  .extend({
    score: z.int().min(0).max(100),
    reasons: z
      .array(z.string())
      .describe('Why it matched, in words: "UPN matches", "surname sounds alike", "day and month of birth swapped"'),
  })
  .meta({ id: 'RepositoryMatch', description: 'Only what a person needs to recognise the child.' });

const openedRecord = childSummary
  .extend({
    status: z.enum(recordStatuses),
    upn: z.string().nullable(),
    formerUpns: z.array(z.string()),
    middleNames: z.string().nullable(),
    preferredSurname: z.string().nullable(),
    preferredForename: z.string().nullable(),
    formerSurname: z.string().nullable(),
    formerForename: z.string().nullable(),
    postcode: z.string().nullable(),
    leftLA: z.string().nullable(),
    uploadedAt: timestampField,
    expiresAt: timestampField,
    found: z
      .object({
        at: timestampField,
        byOrg: z.string(),
        outcome: z.enum(foundOutcomes),
        laestab: z.string().nullable(),
        note: z.string().nullable(),
      })
      .nullable(),
  })
  .meta({ id: 'OpenedRecord' });

const foundRecord = z
  .object({
    id: idField,
    surname: z.string().nullable(),
    forename: z.string().nullable(),
    dateOfBirth: dateField.nullable(),
    leftLAEstab: z.string().nullable(),
    leftSchoolName: z.string().nullable(),
    leftOn: dateField.nullable(),
    foundAt: timestampField,
    foundBy: z.string().nullable(),
    foundByOrg: z.string(),
    foundByOrgName: z.string().nullable(),
    outcome: z.enum(foundOutcomes),
    enrolledAt: z.string().nullable(),
    note: z.string().nullable(),
  })
  .meta({ id: 'FoundRecord' });

/** How `markFound` reads its body: one outcome, with the school's number or a note to go with it. */

export const repositoryApiRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  apiRoute(
    app,
    {
      method: 'POST',
      url: '/api/v1/repository/search',
      access: 'repository:search',
      summary: 'Search the unknown-destination repository',
      description:
        'Finds children whose CTF was sent to XXXXXXX or MMMMMMM in the last 12 months. Details go in the JSON body, never the URL: a UPN (also matched against former UPNs), or a surname with a date of birth; a first name makes the search sharper. Spelling slips, sound-alike spellings, accents, either part of a double-barrelled surname, former and preferred surnames, short forms of first names, a middle name given as the first name, and a date of birth with day and month swapped or one digit wrong are all allowed for. At most 10 results above the match threshold, best first; each search is audited with its criteria and spends one lookup from the user’s budget.',
      request: { body: searchSchema },
      responses: {
        200: {
          description: 'Likely matches, best first (possibly none).',
          body: z.object({ results: z.array(repositoryMatch) }),
        },
        422: errorAnswer('The details are not valid (INVALID_SEARCH), with each field and why.'),
        429: 'LookupsRefused',
      },
    },
    async (request, reply) => {
      const parsed = parseSearch(request.body);
      if (!parsed.ok) {
        return reply.code(422).send({
          error: { code: 'INVALID_SEARCH', message: 'The search details are not valid.', fields: parsed.errors },
        });
      }
      const outcome = await searchRepository(services, request.user!, parsed.criteria, request.ip);
      if (outcome.kind === 'rate-limited') return rateLimited(reply, outcome.retryAfterSeconds);
      return { results: outcome.results };
    },
  );

  apiRoute<{ id: string }>(
    app,
    {
      method: 'POST',
      url: '/api/v1/repository/records/:id/open',
      access: 'repository:search',
      pupilData: true,
      summary: 'Open a record a search showed you, saying why',
      request: {
        params: idParams,
        body: openBody,
      },
      responses: {
        200: {
          description: 'The record’s identity details (UPN, names, date of birth, postcode, school left).',
          body: openedRecord,
        },
        422: errorAnswer('No reason, or one too short or long (REASON_REQUIRED).'),
      },
    },
    async (request, reply) => {
      const body = request.body as { reason?: unknown } | undefined;
      const outcome = await openRecord(services, request.user!, request.params.id, body?.reason, request.ip);
      if (!outcome) return reply.callNotFound();
      if (outcome.kind === 'reason-needed') {
        return reply.code(422).send({
          error: {
            code: 'REASON_REQUIRED',
            message: outcome.message,
            fields: [{ field: 'reason', message: outcome.message }],
          },
        });
      }
      return recordEntry(outcome.record);
    },
  );

  apiRoute<{ id: string }>(
    app,
    {
      method: 'GET',
      url: '/api/v1/repository/records/:id/content',
      access: 'repository:search',
      summary: 'Download the child’s CTF',
      description:
        'A CTF holding only this child: the original header and the pupil’s XML, byte for byte. Only for the user who opened the record.',
      request: { params: idParams },
      responses: {
        200: {
          description: 'The CTF.',
          content: { 'application/xml': z.string() },
          headers: {
            'Content-Disposition': {
              description: 'attachment, with a safe file name chosen by the server',
              schema: z.string(),
            },
          },
        },
      },
    },
    async (request, reply) => {
      const file = await recordContent(services, request.user!, request.params.id, request.ip);
      if (!file) return reply.callNotFound();
      return sendRecordContent(reply, file);
    },
  );

  apiRoute<{ id: string }>(
    app,
    {
      method: 'POST',
      url: '/api/v1/repository/records/:id/found',
      access: 'repository:search',
      summary: 'Mark the child as found',
      description:
        'By the organisation that opened the record. The record leaves active search; the LA the child left sees it was found.',
      request: { params: idParams, body: foundBody },
      responses: {
        204: { description: 'Marked as found.' },
        409: errorAnswer('Already marked as found (ALREADY_FOUND).'),
        422: errorAnswer('The outcome, LAEstab or note is missing or wrong (INVALID_FOUND).'),
      },
    },
    async (request, reply) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      const outcome = await markFound(services, request.user!, request.params.id, body, request.ip);
      if (!outcome) return reply.callNotFound();
      if (outcome.kind === 'invalid') {
        return reply.code(422).send({
          error: { code: 'INVALID_FOUND', message: 'Say where the child was found.', fields: outcome.errors },
        });
      }
      if (outcome.kind === 'already-found') {
        return reply
          .code(409)
          .send({ error: { code: 'ALREADY_FOUND', message: 'This child has already been marked as found.' } });
      }
      return reply.code(204).send();
    },
  );

  apiRoute(
    app,
    {
      method: 'GET',
      url: '/api/v1/repository/found',
      access: 'repository:oversee',
      pupilData: true,
      summary: 'Children from your LA’s schools who were found',
      description: 'For LA users: who found each child, when, and where the child is.',
      responses: { 200: { description: 'Newest first.', body: z.object({ records: z.array(foundRecord) }) } },
    },
    async (request) => ({
      records: (await foundFromLa(services, request.user!)).map((r) => ({ ...r, foundAt: r.foundAt.toISOString() })),
    }),
  );
};
