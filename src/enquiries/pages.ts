/**
 * Pages for missing-pupil enquiries: a CME officer starts one, chooses LAs with a reason each, sees what s2s
 * matched once it has gone out, follows the answers and records the outcome; LA administrators approve enquiries to many LAs; other LAs
 * answer the enquiries sent to them.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../platform/services.js';
import { errorLinks, readChildForm } from '../platform/child-details.js';
import type { FieldError } from '../platform/validation.js';
import { text, withDateErrors, type Form } from '../platform/web/date-parts.js';
import { askAreYouSure, isConfirmed } from '../platform/web/are-you-sure.js';
import { registerCaseOf } from '../cme/public.js';
import {
  answerEnquiry,
  approveEnquiry,
  closeEnquiry,
  createEnquiry,
  sendBackEnquiry,
  sendEnquiry,
} from './enquiries.js';
import { enquiryFor, listEnquiries, receivedEnquiries } from './read-enquiries.js';

/** How an enquiry ended, in the words of the form's options. */
const outcomeWords: Record<string, string> = {
  'found-in-school': 'Found on a school roll',
  'found-elsewhere': 'Found, educated elsewhere',
  'not-found': 'Not found',
  other: 'Other',
};

/** Rows of the "send to" form: enough for a targeted enquiry; more LAs than this is what the API is for. */
const RECIPIENT_ROWS = 5;

/** The "send to" form's rows, each with its LA choices and the one chosen. */
function recipientRows(las: Array<{ code: string; name: string }>, values: Form) {
  return Array.from({ length: RECIPIENT_ROWS }, (_, i) => ({
    i,
    items: [
      { value: '', text: 'Choose an LA' },
      ...las.map((la) => ({
        value: la.code,
        text: `${la.name} (${la.code})`,
        selected: values[`la-${i}`] === la.code,
      })),
    ],
  }));
}

export const enquiryPages: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const localAuthorities = async () =>
    services.db.selectFrom('local_authorities').select(['code', 'name']).orderBy('name').execute();

  function newPage(reply: FastifyReply, values: Form, errors: FieldError[] = [], status = 200) {
    return reply.render(
      'enquiries/views/new.njk',
      {
        title: 'Start a missing-pupil enquiry',
        values,
        errors: errorLinks(errors),
      },
      status,
    );
  }

  async function enquiryPage(
    request: FastifyRequest<{ Params: { id: string } }>,
    reply: FastifyReply,
    errors: FieldError[] = [],
    values: Form = {},
    status = errors.length > 0 ? 422 : 200,
  ) {
    const enquiry = await enquiryFor(services.db, request.user!, request.params.id);
    if (!enquiry) return reply.callNotFound();
    const registerCase = await registerCaseOf(services.db, enquiry.laCode, { ...enquiry, enquiryId: enquiry.id });
    return reply.render(
      'enquiries/views/enquiry.njk',
      {
        title: 'Missing-pupil enquiry',
        enquiry,
        registerCase,
        rows: recipientRows(
          (await localAuthorities()).filter((la) => la.code !== enquiry.laCode),
          values,
        ),
        canApprove: request.user!.role === 'la-admin',
        approvalAbove: services.config.enquiryLasWithoutApproval,
        values,
        errors: errorLinks(errors),
      },
      status,
    );
  }

  app.get('/enquiries', { config: { access: 'enquiries:make', pupilData: true } }, async (request, reply) =>
    reply.render('enquiries/views/list.njk', {
      title: 'Missing-pupil enquiries',
      enquiries: await listEnquiries(services.db, request.user!),
    }),
  );

  app.get('/enquiries/new', { config: { access: 'enquiries:make' } }, async (_request, reply) => newPage(reply, {}));

  app.post<{ Body: Form }>('/enquiries/new', { config: { access: 'enquiries:make' } }, async (request, reply) => {
    const { values, child, dateErrors } = readChildForm(request.body ?? {}, { fields: ['lastAddress', 'concern'] });
    const outcome = await createEnquiry(
      services,
      request.user!,
      { ...child, lastAddress: values.lastAddress, concern: values.concern },
      request.ip,
    );
    if (outcome.kind === 'invalid') return newPage(reply, values, withDateErrors(outcome.errors, dateErrors), 422);
    return reply.redirect(`/enquiries/${outcome.id}`, 303);
  });

  app.get('/enquiries/received', { config: { access: 'enquiries:make', pupilData: true } }, async (request, reply) =>
    reply.render('enquiries/views/received.njk', {
      title: 'Enquiries sent to your LA',
      enquiries: await receivedEnquiries(services.db, request.user!),
      errors: [],
    }),
  );

  app.get<{ Params: { id: string } }>(
    '/enquiries/:id',
    { config: { access: 'enquiries:make', pupilData: true } },
    (request, reply) => enquiryPage(request, reply),
  );

  app.post<{ Params: { id: string }; Body: Form }>(
    '/enquiries/:id/send',
    { config: { access: 'enquiries:make', pupilData: true } },
    async (request, reply) => {
      const form = request.body ?? {};
      const values: Form = {};
      const recipients: Array<{ laCode: string; reason: string }> = [];
      for (let i = 0; i < RECIPIENT_ROWS; i++) {
        const laCode = text(form[`la-${i}`]).trim();
        const reason = text(form[`reason-${i}`]).trim();
        values[`la-${i}`] = laCode;
        values[`reason-${i}`] = reason;
        if (laCode !== '' || reason !== '') recipients.push({ laCode, reason });
      }
      const outcome = await sendEnquiry(services, request.user!, request.params.id, recipients, request.ip);
      if (outcome.kind === 'not-found') return reply.callNotFound();
      if (outcome.kind === 'rate-limited') {
        reply.header('retry-after', String(outcome.retryAfterSeconds));
        const wait = `You have made too many searches in the last minute. Try again in ${outcome.retryAfterSeconds} seconds.`;
        return enquiryPage(request, reply, [{ field: 'la-0', message: wait }], values, 429);
      }
      if (outcome.kind === 'invalid') {
        // Errors name the n-th chosen LA; the form's rows may have gaps, so point at the row it came from.
        const rowOf = [...Array(RECIPIENT_ROWS).keys()].filter((i) => values[`la-${i}`] || values[`reason-${i}`]);
        const errors = outcome.errors.map((e) => {
          const match = /^recipients\.(\d+)\.(laCode|reason)$/.exec(e.field);
          if (!match) return { ...e, field: 'la-0' };
          const row = rowOf[Number(match[1])] ?? 0;
          return { ...e, field: `${match[2] === 'laCode' ? 'la' : 'reason'}-${row}` };
        });
        return enquiryPage(request, reply, errors, values);
      }
      if (outcome.kind === 'sent')
        reply.confirm(
          `Enquiry sent to ${outcome.recipients} ${outcome.recipients === 1 ? 'LA' : 'LAs'}. They are notified, and their answers appear below.`,
        );
      if (outcome.kind === 'awaiting-approval')
        reply.confirm(
          `The enquiry goes to ${outcome.recipients} LAs, so it waits for your LA administrator’s approval. Nothing has been sent yet.`,
        );
      return reply.redirect(`/enquiries/${request.params.id}`, 303);
    },
  );

  app.post<{ Params: { id: string } }>(
    '/enquiries/:id/approve',
    { config: { access: 'enquiries:approve' } },
    async (request, reply) => {
      const outcome = await approveEnquiry(services, request.user!, request.params.id, request.ip);
      if (outcome.kind === 'not-found') return reply.callNotFound();
      if (outcome.kind === 'approved') reply.confirm('Enquiry approved and sent. The officer has been told.');
      return reply.redirect(`/enquiries/${request.params.id}`, 303);
    },
  );

  app.post<{ Params: { id: string }; Body: Form }>(
    '/enquiries/:id/send-back',
    { config: { access: 'enquiries:approve', pupilData: true } },
    async (request, reply) => {
      const reason = text(request.body?.reason);
      const outcome = await sendBackEnquiry(services, request.user!, request.params.id, { reason }, request.ip);
      if (outcome.kind === 'not-found') return reply.callNotFound();
      if (outcome.kind === 'invalid') {
        const errors = outcome.errors.map((e) => ({ ...e, field: 'send-back-reason' }));
        return enquiryPage(request, reply, errors, { 'send-back-reason': reason });
      }
      if (outcome.kind === 'not-awaiting') {
        const message = 'This enquiry is no longer waiting for approval, so it cannot be sent back';
        return enquiryPage(request, reply, [{ field: 'state', message }], {}, 422);
      }
      reply.confirm('Enquiry sent back to the officer with your reason. Nothing has been sent to any LA.');
      return reply.redirect(`/enquiries/${request.params.id}`, 303);
    },
  );

  app.post<{ Params: { id: string }; Body: Form }>(
    '/enquiries/:id/close',
    { config: { access: 'enquiries:make', pupilData: true } },
    async (request, reply) => {
      const values = { outcome: text(request.body?.outcome), note: text(request.body?.note) };
      const onlyCheck = !isConfirmed(request.body);
      const outcome = await closeEnquiry(services, request.user!, request.params.id, values, request.ip, { onlyCheck });
      if (outcome.kind === 'not-found') return reply.callNotFound();
      if (outcome.kind === 'invalid') return enquiryPage(request, reply, outcome.errors, values);
      if (outcome.kind === 'checked') {
        return askAreYouSure(reply, {
          heading: 'Are you sure you want to close this enquiry?',
          rows: [
            { key: { text: 'Outcome' }, value: { text: outcomeWords[values.outcome] ?? values.outcome } },
            ...(values.note ? [{ key: { text: 'Note' }, value: { text: values.note } }] : []),
          ],
          explanation: [
            'The LAs you asked see that it is closed, and s2s stops looking for matches. You cannot open it again: start a new enquiry if the child goes missing again.',
          ],
          action: `/enquiries/${request.params.id}/close`,
          fields: values,
          confirm: 'Yes, close the enquiry',
          cancel: `/enquiries/${request.params.id}`,
        });
      }
      reply.confirm('Enquiry closed, with its outcome recorded.');
      return reply.redirect(`/enquiries/${request.params.id}`, 303);
    },
  );

  app.post<{ Params: { id: string }; Body: Form }>(
    '/enquiries/received/:id/answer',
    { config: { access: 'enquiries:make', pupilData: true } },
    async (request, reply) => {
      const values = { answer: text(request.body?.answer), detail: text(request.body?.detail) };
      const outcome = await answerEnquiry(services, request.user!, request.params.id, values, request.ip);
      if (outcome.kind === 'not-found') return reply.callNotFound();
      if (outcome.kind === 'invalid') {
        return reply.render(
          'enquiries/views/received.njk',
          {
            title: 'Enquiries sent to your LA',
            enquiries: await receivedEnquiries(services.db, request.user!),
            errors: outcome.errors.map((e) => ({ text: e.message, href: `#${e.field}-${request.params.id}` })),
            failed: { id: request.params.id, ...values },
          },
          422,
        );
      }
      reply.confirm('Your answer has been sent to the LA that asked.');
      return reply.redirect('/enquiries/received', 303);
    },
  );
};
