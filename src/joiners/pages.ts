/**
 * Pages for new pupils without a CTF: a school registers one and sees what s2s found, follows its new pupils'
 * requests, and answers requests for its former pupils' CTFs; LA staff see the searches passed to them.
 */
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Services } from '../platform/services.js';
import { errorLinks, readChildForm } from '../platform/child-details.js';
import type { FieldError } from '../platform/validation.js';
import { text, withDateErrors, type Form } from '../platform/web/date-parts.js';
import { answerRequest, listJoiners, requestsToAnswer } from './ctf-requests.js';
import { registerJoiner } from './register-joiner.js';
import { matchForReview, reviewMatch, type MatchPage } from './review-match.js';

/** What the school reads once it has answered a request, by the state the answer left it in. */
const answeredBanners: Record<'received' | 'said-sent' | 'with-la', string> = {
  received:
    'Request answered: the CTF you sent carries this pupil, so the new school has it. There is nothing more to do.',
  'said-sent':
    'Thank you. None of the CTFs you have sent the new school carries this pupil yet: the request stays below until one does. Check that you sent this pupil’s CTF to the right school.',
  'with-la': 'Thank you. The new school and its LA have been told that you hold no record of this pupil.',
};

/** What the school reads once it has looked at a strong match in the repository and said it is not its pupil. */
const reviewedBanners = {
  'not-this-child': 'Thank you. s2s goes on waiting for the CTF from the pupil’s previous school.',
  'passed-to-la': 'Thank you. The search for the pupil’s record has passed to your LA.',
} as const;

// The form's own boxes for the fields of the API body it adds to the child's, for linking an error to its box.
const fieldIds: Record<string, string> = { previousLAEstab: 'previousLAEstab', joinedOn: 'joined-day' };

export const joinerPages: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  function registerPage(reply: FastifyReply, values: Form, errors: FieldError[] = [], status = 200) {
    return reply.render(
      'joiners/views/register.njk',
      {
        title: 'Register a new pupil',
        values,
        errors: errorLinks(errors, { ids: fieldIds, otherwise: 'surname' }),
      },
      status,
    );
  }

  app.get('/joiners', { config: { access: 'joiners:register', pupilData: true } }, async (request, reply) =>
    reply.render('joiners/views/list.njk', {
      title: 'New pupils without a CTF',
      joiners: await listJoiners(services.db, request.user!),
    }),
  );

  function matchPage(reply: FastifyReply, page: NonNullable<MatchPage>, error?: string) {
    return reply.render(
      'joiners/views/match.njk',
      {
        title: 'Is this your new pupil?',
        page,
        results: page.searched.kind === 'rate-limited' ? [] : page.searched.results,
        errors: error ? [{ text: error, href: '#verdict' }] : [],
        backLink: '/joiners',
      },
      error ? 422 : 200,
    );
  }

  app.get<{ Params: { id: string } }>(
    '/joiners/:id/match',
    { config: { access: 'joiners:register', pupilData: true } },
    async (request, reply) => {
      const page = await matchForReview(services, request.user!, request.params.id, request.ip);
      if (!page) return reply.callNotFound();
      return matchPage(reply, page);
    },
  );

  app.post<{ Params: { id: string }; Body: Form }>(
    '/joiners/:id/match',
    { config: { access: 'joiners:register', pupilData: true } },
    async (request, reply) => {
      const verdict = text(request.body?.verdict);
      if (verdict !== 'same-child' && verdict !== 'not-this-child') {
        const page = await matchForReview(services, request.user!, request.params.id, request.ip);
        if (!page) return reply.callNotFound();
        return matchPage(reply, page, 'Select whether the record is your new pupil’s');
      }
      const outcome = await reviewMatch(services, request.user!, request.params.id, verdict, request.ip);
      if (!outcome) return reply.callNotFound();
      if (outcome.verdict === 'same-child') return reply.redirect(`/repository/records/${outcome.recordId}`, 303);
      return reply
        .confirm(outcome.passedToLa ? reviewedBanners['passed-to-la'] : reviewedBanners['not-this-child'])
        .redirect('/joiners', 303);
    },
  );

  app.get('/joiners/new', { config: { access: 'joiners:register' } }, async (_request, reply) =>
    registerPage(reply, {}),
  );

  app.post<{ Body: Form }>('/joiners/new', { config: { access: 'joiners:register' } }, async (request, reply) => {
    const { values, child, dates, dateErrors } = readChildForm(request.body ?? {}, {
      fields: ['previousLAEstab'],
      dates: { joinedOn: ['joined', 'Date joined'] },
    });
    const outcome = await registerJoiner(
      services,
      request.user!,
      { ...child, previousLAEstab: values.previousLAEstab, joinedOn: dates.joinedOn },
      request.ip,
    );
    if (outcome.kind === 'invalid') return registerPage(reply, values, withDateErrors(outcome.errors, dateErrors), 422);
    return reply.render('joiners/views/registered.njk', {
      title: 'New pupil registered',
      outcome,
      results: outcome.matches,
      values,
      schoolDays: services.config.ctfRequestSchoolDays,
    });
  });

  app.get('/joiners/with-la', { config: { access: 'joiners:oversee', pupilData: true } }, async (request, reply) =>
    reply.render('joiners/views/with-la.njk', {
      title: 'New pupils whose records were not found',
      joiners: await listJoiners(services.db, request.user!),
    }),
  );

  async function requestsPage(reply: FastifyReply, user: Parameters<typeof requestsToAnswer>[1], problem?: string) {
    return reply.render(
      'joiners/views/requests.njk',
      {
        title: 'Requests for CTFs',
        requests: await requestsToAnswer(services.db, user),
        errors: problem ? [{ text: problem, href: '#requests' }] : [],
        arrivalDays: services.config.ctfArrivalSchoolDays,
      },
      problem ? 422 : 200,
    );
  }

  app.get('/ctf-requests', { config: { access: 'ctf-requests:answer', pupilData: true } }, async (request, reply) =>
    requestsPage(reply, request.user!),
  );

  app.post<{ Params: { id: string }; Body: Form }>(
    '/ctf-requests/:id/answer',
    { config: { access: 'ctf-requests:answer', pupilData: true } },
    async (request, reply) => {
      const body = request.body ?? {};
      const answer =
        text(body.answer) === 'sent'
          ? { answer: 'sent' as const }
          : text(body.answer) === 'no-record'
            ? { answer: 'no-record' as const, note: text(body.note) }
            : undefined;
      if (!answer) return requestsPage(reply, request.user!, 'Choose whether you have sent the CTF or hold no record');
      const outcome = await answerRequest(services, request.user!, request.params.id, answer, request.ip);
      if (outcome.kind === 'not-found') return reply.callNotFound();
      if (outcome.kind === 'invalid') return requestsPage(reply, request.user!, outcome.message);
      if (outcome.kind === 'already-answered')
        return requestsPage(reply, request.user!, 'This request has already been answered');
      return reply.confirm(answeredBanners[outcome.state]).redirect('/ctf-requests', 303);
    },
  );
};
