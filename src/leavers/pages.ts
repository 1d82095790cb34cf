/**
 * Pages for leavers: a school records one and follows each leaver's CTF; LA staff see their schools' leavers whose
 * CTF has not been sent and those whose destination is not known, and can put a child on the CME register.
 */
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { openCase } from '../cme/public.js';
import { londonDate } from '../platform/school-days.js';
import type { User } from '../platform/user.js';
import type { Services } from '../platform/services.js';
import { errorLinks, readChildForm } from '../platform/child-details.js';
import type { FieldError } from '../platform/validation.js';
import { dateFromParts, withDateErrors, type Form } from '../platform/web/date-parts.js';
import { listLeavers } from './list-leavers.js';
import { CTF_DUE_SCHOOL_DAYS, outsideReasons, reasonText, recordLeaver, unknownReasons } from './record-leaver.js';

const choices = (reasons: readonly (keyof typeof reasonText)[]) =>
  reasons.map((value) => ({ value, text: reasonText[value] }));

export const leaverPages: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  function recordPage(reply: FastifyReply, values: Form, errors: FieldError[] = []) {
    // The form's own boxes for the fields of the API body it adds to the child's, for linking an error to its box.
    const ids: Record<string, string> = {
      leftOn: 'left-day',
      destination: 'went',
      reason: 'went',
    };
    return reply.render(
      'leavers/views/record.njk',
      {
        title: 'Record a leaver',
        values,
        unknownReasons: choices(unknownReasons),
        outsideReasons: choices(outsideReasons),
        dueDays: CTF_DUE_SCHOOL_DAYS,
        errors: errorLinks(errors, { ids }),
      },
      errors.length > 0 ? 422 : 200,
    );
  }

  app.get<{ Querystring: { recorded?: string } }>(
    '/leavers',
    { config: { access: 'leavers:record', pupilData: true } },
    async (request, reply) => {
      const leavers = await listLeavers(services.db, request.user!, 'school', services.now());
      return reply.render('leavers/views/list.njk', {
        title: 'Leavers',
        leavers,
        recorded: leavers.find((l) => l.id === request.query.recorded),
        reasonText,
      });
    },
  );

  app.get('/leavers/new', { config: { access: 'leavers:record' } }, async (_request, reply) => recordPage(reply, {}));

  app.post<{ Body: Form }>('/leavers/new', { config: { access: 'leavers:record' } }, async (request, reply) => {
    const { values, child, dates, dateErrors } = readChildForm(request.body ?? {}, {
      fields: ['went', 'destinationLAEstab', 'reasonNote'],
      dates: { leftOn: ['left', 'Date left'] },
    });
    // One question gives both where the pupil went and, when not to a school, why: "unknown:not-returned".
    const [destination, reason] = (values.went ?? '').split(':');
    const outcome = await recordLeaver(
      services,
      request.user!,
      {
        ...child,
        leftOn: dates.leftOn,
        destination: destination || undefined,
        destinationLAEstab: destination === 'school' ? values.destinationLAEstab : '',
        reason: destination === 'school' ? '' : (reason ?? ''),
        reasonNote: destination === 'school' ? '' : values.reasonNote,
      },
      request.ip,
    );
    if (outcome.kind === 'invalid') return recordPage(reply, values, withDateErrors(outcome.errors, dateErrors));
    return reply.redirect(`/leavers?recorded=${outcome.id}`, 303);
  });

  async function oversightPage(reply: FastifyReply, user: User, problem?: FieldError) {
    const now = services.now();
    return reply.render(
      'leavers/views/at-your-schools.njk',
      {
        title: 'Leavers from your schools',
        withoutCtf: await listLeavers(services.db, user, 'without-ctf', now),
        destinationUnknown: await listLeavers(services.db, user, 'destination-unknown', now),
        reasonText,
        today: londonDate(now),
        errors: problem ? [{ text: problem.message, href: '#destination-unknown' }] : [],
      },
      problem ? 422 : 200,
    );
  }

  app.get(
    '/leavers/at-your-schools',
    { config: { access: 'leavers:oversee', pupilData: true } },
    async (request, reply) => oversightPage(reply, request.user!),
  );

  app.post<{ Params: { id: string }; Body: Form }>(
    '/leavers/:id/cme-case',
    { config: { access: 'cme:cases', pupilData: true } },
    async (request, reply) => {
      const identified = dateFromParts(request.body ?? {}, 'identified', 'Date identified');
      const outcome = await openCase(
        services,
        request.user!,
        { leaverId: request.params.id, identifiedOn: identified.value },
        request.ip,
      );
      if (outcome.kind === 'invalid') {
        const first = identified.error ? { field: 'identifiedOn', message: identified.error } : outcome.errors[0]!;
        return oversightPage(reply, request.user!, first);
      }
      return reply
        .confirm('The leaver is added to your register of children missing education.')
        .redirect('/cme-cases', 303);
    },
  );
};
