/**
 * Repository pages: search for a child's record (details posted, never in the URL), choose a result and say why
 * it is being opened, see the record and download the child's CTF, mark the child found; for LA staff, the
 * children from their schools who were found; for LA administrators, users whose searches were unusually many.
 */
import { askAreYouSure, isConfirmed } from '../platform/web/are-you-sure.js';
import { markAlertReviewed } from './review-alerts.js';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../platform/services.js';
import { errorLinks, readChildForm } from '../platform/child-details.js';
import type { FieldError } from '../platform/validation.js';
import { text, withDateErrors, type Form } from '../platform/web/date-parts.js';
import { sendRecordContent } from './api-routes.js';
import {
  foundFromLa,
  markFound,
  openedRecord,
  openRecord,
  recordContent,
  shownRecord,
  REASON_MAX,
} from './record-access.js';
import { parseSearch, searchRepository } from './search-repository.js';
import { flagsInLa } from './day-flags.js';

// The page's own boxes for the fields the search's API body adds to the child's, for linking an error to its box.
const fieldIds: Record<string, string> = {
  postcode: 'postcode',
  leftLA: 'leftLA',
  leftLAEstab: 'leftLAEstab',
};

export const repositoryPages: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  function searchPage(reply: FastifyReply, values: Form, errors: FieldError[] = [], status = 200) {
    return reply.render(
      'repository/views/search.njk',
      {
        title: 'Find a pupil’s record',
        values,
        errors: errorLinks(errors, { ids: fieldIds, otherwise: 'surname' }),
      },
      status,
    );
  }

  app.get('/repository', { config: { access: 'repository:search' } }, async (_request, reply) => searchPage(reply, {}));

  app.post<{ Body: Form }>(
    '/repository/search',
    { config: { access: 'repository:search' } },
    async (request, reply) => {
      const { values, child, dateErrors } = readChildForm(request.body ?? {}, {
        fields: ['postcode', 'leftLA', 'leftLAEstab'],
      });
      const parsed = parseSearch({
        ...child,
        postcode: values.postcode,
        leftLA: values.leftLA,
        leftLAEstab: values.leftLAEstab,
      });
      if (dateErrors.length > 0 || !parsed.ok)
        return searchPage(reply, values, withDateErrors(parsed.ok ? [] : parsed.errors, dateErrors), 422);
      const outcome = await searchRepository(services, request.user!, parsed.criteria, request.ip);
      if (outcome.kind === 'rate-limited') {
        reply.header('retry-after', String(outcome.retryAfterSeconds));
        return searchPage(
          reply,
          values,
          [
            {
              field: 'surname',
              message: `You have made too many searches in the last minute. Try again in ${outcome.retryAfterSeconds} seconds.`,
            },
          ],
          429,
        );
      }
      return reply.render('repository/views/results.njk', {
        title: 'Search results',
        results: outcome.results,
        values,
      });
    },
  );

  async function recordPage(
    request: FastifyRequest<{ Params: { id: string } }>,
    reply: FastifyReply,
    errors: FieldError[] = [],
    reason = '',
  ) {
    const record = await shownRecord(services, request.user!, request.params.id);
    if (!record) return reply.callNotFound();
    return reply.render(
      'repository/views/choose.njk',
      {
        title: 'Open this record',
        record,
        reason,
        reasonMax: REASON_MAX,
        errors: errors.map((e) => ({ text: e.message, href: '#reason' })),
      },
      errors.length > 0 ? 422 : 200,
    );
  }

  app.get<{ Params: { id: string } }>(
    '/repository/records/:id',
    { config: { access: 'repository:search', pupilData: true } },
    (request, reply) => recordPage(request, reply),
  );

  app.post<{ Params: { id: string }; Body: Form }>(
    '/repository/records/:id/open',
    { config: { access: 'repository:search', pupilData: true } },
    async (request, reply) => {
      const reason = text(request.body?.reason);
      const outcome = await openRecord(services, request.user!, request.params.id, reason, request.ip);
      if (!outcome) return reply.callNotFound();
      if (outcome.kind === 'reason-needed')
        return recordPage(request, reply, [{ field: 'reason', message: outcome.message }], reason);
      return reply.redirect(`/repository/records/${request.params.id}/opened`, 303);
    },
  );

  async function openedPage(
    request: FastifyRequest<{ Params: { id: string } }>,
    reply: FastifyReply,
    errors: FieldError[] = [],
    values: Form = {},
  ) {
    const record = await openedRecord(services, request.user!, request.params.id);
    if (!record) return reply.callNotFound();
    const query = request.query as { found?: string };
    return reply.render(
      'repository/views/record.njk',
      {
        title: 'Pupil record',
        record,
        justFound: query.found === '1',
        values,
        errors: errors.map((e) => ({ text: e.message, href: `#${e.field === 'outcome' ? 'outcome' : e.field}` })),
      },
      errors.length > 0 ? 422 : 200,
    );
  }

  app.get<{ Params: { id: string } }>(
    '/repository/records/:id/opened',
    { config: { access: 'repository:search', pupilData: true } },
    (request, reply) => openedPage(request, reply),
  );

  app.get<{ Params: { id: string } }>(
    '/repository/records/:id/download',
    { config: { access: 'repository:search' } },
    async (request, reply) => {
      const file = await recordContent(services, request.user!, request.params.id, request.ip);
      if (!file) return reply.callNotFound();
      return sendRecordContent(reply, file);
    },
  );

  app.post<{ Params: { id: string }; Body: Form }>(
    '/repository/records/:id/found',
    { config: { access: 'repository:search', pupilData: true } },
    async (request, reply) => {
      const body = request.body ?? {};
      const values = { outcome: text(body.outcome), laestab: text(body.laestab), note: text(body.note) };
      const onlyCheck = !isConfirmed(body);
      const outcome = await markFound(services, request.user!, request.params.id, values, request.ip, { onlyCheck });
      if (!outcome) return reply.callNotFound();
      if (outcome.kind === 'invalid') return openedPage(request, reply, outcome.errors, values);
      if (outcome.kind === 'checked') {
        return askAreYouSure(reply, {
          heading: 'Are you sure this child is found?',
          rows: [{ key: { text: 'Where the child is' }, value: { text: outcome.where } }],
          explanation: [
            'The record leaves active search: other schools and LAs will no longer find it. The LA of the school the child left sees who found them, and where.',
          ],
          action: `/repository/records/${request.params.id}/found`,
          fields: values,
          confirm: 'Yes, mark as found',
          cancel: `/repository/records/${request.params.id}/opened`,
        });
      }
      return reply.redirect(`/repository/records/${request.params.id}/opened?found=1`, 303);
    },
  );

  app.get('/repository/found', { config: { access: 'repository:oversee', pupilData: true } }, async (request, reply) =>
    reply.render('repository/views/found.njk', {
      title: 'Children found from your schools',
      records: await foundFromLa(services, request.user!),
    }),
  );

  app.get('/repository/alerts', { config: { access: 'repository:alerts' } }, async (request, reply) =>
    reply.render('repository/views/alerts.njk', {
      title: 'Unusual search activity',
      alerts: await flagsInLa(services.db, 'repository_search_alerts', request.user!),
      perDay: services.config.repositorySearchAlertPerDay,
      probingAlerts: await flagsInLa(services.db, 'probing_alerts', request.user!),
      probesPerDay: services.config.probeAlertPerDay,
    }),
  );

  app.post<{ Params: { kind: string; id: string } }>(
    '/repository/alerts/:kind/:id/reviewed',
    { config: { access: 'repository:alerts' } },
    async (request, reply) => {
      const table = { searches: 'repository_search_alerts', refusals: 'probing_alerts' } as const;
      const kind =
        request.params.kind === 'searches' || request.params.kind === 'refusals' ? request.params.kind : null;
      if (!kind) return reply.callNotFound();
      const marked = await markAlertReviewed(services, request.user!, table[kind], request.params.id, request.ip);
      if (!marked) return reply.callNotFound();
      return reply.confirm('The alert is marked reviewed.').redirect('/repository/alerts', 303);
    },
  );
};
