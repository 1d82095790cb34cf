/**
 * Pages for leavers: a school records one and follows each leaver's CTF; LA staff see their schools' leavers whose
 * CTF has not been sent and those whose destination is not known, and can put a child on the CME register.
 */
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { openCase } from '../cme/public.js';
import { organisationNames } from '../establishments/public.js';
import { gateRefusal, uploadGateFor } from '../transfers/public.js';
import { HttpError } from '../platform/web/http-error.js';
import { nameWithNumber } from '../platform/organisation-name.js';
import { londonDate } from '../platform/school-days.js';
import type { User } from '../platform/user.js';
import type { Services } from '../platform/services.js';
import { errorLinks, readChildForm } from '../platform/child-details.js';
import type { FieldError } from '../platform/validation.js';
import { dateFromParts, withDateErrors, type Form } from '../platform/web/date-parts.js';
import { readUploadForm, type CtfProblem } from '../platform/ctf-upload.js';
import { listLeavers } from './list-leavers.js';
import { openLeavers, readLeaversCtf, recordLeaversFromCtf, sealLeavers, type CtfLeavers } from './leavers-from-ctf.js';
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
        maxFileMb: services.config.maxFileMb,
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

  // Recording leavers from the CTF the school is sending: upload, check the pupils read and give the day they left.
  function fromCtfPage(reply: FastifyReply, status: number, problems: CtfProblem[], error?: string) {
    const message = error ?? (problems.length > 0 ? 'The file is not a CTF s2s can read: see what is wrong below' : '');
    return reply.render(
      'leavers/views/from-ctf.njk',
      {
        title: 'Record leavers from their CTF',
        maxFileMb: services.config.maxFileMb,
        problems,
        errors: message ? [{ text: message, href: problems.length > 0 ? '#file-problems' : '#ctf' }] : [],
      },
      status,
    );
  }

  const checkPageBoxes: Record<string, string> = {
    leftOn: 'left-day',
    reason: 'reason',
    reasonNote: 'reasonNote',
    ...Object.fromEntries(
      ['surname', 'forename', 'dateOfBirth', 'sex', 'upn', 'destinationLAEstab'].map((f) => [f, 'ctf-pupils']),
    ),
  };

  async function checkPage(
    reply: FastifyReply,
    user: User,
    leavers: CtfLeavers,
    values: Form,
    errors: FieldError[] = [],
  ) {
    const school = leavers.destinationLAEstab;
    const destinationText =
      leavers.destination === 'school'
        ? nameWithNumber(school, (await organisationNames(services.db, [school])).get(school ?? ''))
        : leavers.destination === 'unknown'
          ? 'XXXXXXX (destination not known)'
          : 'MMMMMMM (outside the maintained sector)';
    const reasons =
      leavers.destination === 'unknown'
        ? choices(unknownReasons)
        : leavers.destination === 'outside-maintained-sector'
          ? choices(outsideReasons)
          : null;
    return reply.render(
      'leavers/views/from-ctf-check.njk',
      {
        title: `Check the leavers in ${leavers.fileName}`,
        fileName: leavers.fileName,
        pupils: leavers.pupils,
        destinationText,
        reasons,
        reasonQuestion:
          leavers.destination === 'unknown'
            ? 'Why is the pupils’ destination not known?'
            : 'Where did the pupils go outside the maintained sector?',
        values,
        sealed: sealLeavers(services.keys.csrfKey, user, leavers, services.now()),
        // A problem with a pupil's own details (or the school the file is addressed to) points to the list of pupils.
        errors: errorLinks(errors, { ids: checkPageBoxes, otherwise: 'ctf-pupils' }),
      },
      errors.length > 0 ? 422 : 200,
    );
  }

  app.get('/leavers/from-ctf', { config: { access: 'leavers:record' } }, async (_request, reply) =>
    fromCtfPage(reply, 200, []),
  );

  app.post(
    '/leavers/from-ctf',
    { config: { access: 'leavers:record', csrfInHandler: true } },
    async (request, reply) => {
      const maxBytes = services.config.maxFileMb * 1024 * 1024;
      // The file is held in memory while it is read: uploads share the process's bounded slots with sending files.
      const entered = uploadGateFor(services).enter(request.user!);
      if ('refused' in entered) {
        const { statusCode, code, message } = gateRefusal(entered.refused);
        reply.header('retry-after', '10');
        throw new HttpError(statusCode, code, message);
      }
      let upload;
      try {
        upload = await readUploadForm(request, services.keys.csrfKey, maxBytes);
      } finally {
        entered.release();
      }
      if (!upload) return fromCtfPage(reply, 400, [], 'Choose the CTF to read');
      if (upload.tooLarge)
        return fromCtfPage(reply, 413, [], `The file is larger than the limit of ${services.config.maxFileMb} MB`);
      const read = await readLeaversCtf(services, request.user!, upload.bytes, upload.fileName);
      if (!read.ok) return fromCtfPage(reply, 422, read.problems);
      return checkPage(reply, request.user!, read.leavers, {});
    },
  );

  app.post<{ Body: Form }>(
    '/leavers/from-ctf/confirm',
    { config: { access: 'leavers:record' } },
    async (request, reply) => {
      const body = request.body ?? {};
      const user = request.user!;
      const leavers = openLeavers(services.keys.csrfKey, user, body.sealed, services.now());
      if (!leavers)
        return fromCtfPage(
          reply,
          400,
          [],
          'The check page has expired or was changed. Choose the CTF again to read its pupils afresh',
        );
      const left = dateFromParts(body, 'left', 'Date left');
      const values: Form = {
        'left-day': body['left-day'] ?? '',
        'left-month': body['left-month'] ?? '',
        'left-year': body['left-year'] ?? '',
        reason: body.reason ?? '',
        reasonNote: body.reasonNote ?? '',
      };
      const outcome = await recordLeaversFromCtf(
        services,
        user,
        leavers,
        { leftOn: left.value, reason: values.reason, reasonNote: values.reasonNote },
        request.ip,
      );
      if (outcome.kind === 'invalid') {
        const dateErrors = left.error ? [{ field: 'leftOn', message: left.error }] : [];
        return checkPage(reply, user, leavers, values, withDateErrors(outcome.errors, dateErrors));
      }
      return reply.render('leavers/views/from-ctf-recorded.njk', {
        title: outcome.recorded.length === 1 ? '1 leaver recorded' : `${outcome.recorded.length} leavers recorded`,
        fileName: leavers.fileName,
        recorded: outcome.recorded,
        alreadyRecorded: outcome.alreadyRecorded,
      });
    },
  );

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
