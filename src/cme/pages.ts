/**
 * Pages for an LA's CME register (open a case, close it with its outcome), its CME figures, and DfE's national
 * figures. Figures pages show a chart beside the table it draws, and download as CSV.
 */
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Services } from '../platform/services.js';
import { errorLinks, readChildForm } from '../platform/child-details.js';
import type { FieldError } from '../platform/validation.js';
import { dateFromParts, text, withDateErrors, type Form } from '../platform/web/date-parts.js';
import { closeCase, cmeFigures, listCases, openCase } from './cases.js';
import { barChartSvg } from './reports/bar-chart.js';
import { notAYearPage, sendCsv, yearAsked } from './reports/report-replies.js';
import { nationalFigures } from './reports/national.js';
import { displayCount, SUPPRESSION_NOTE } from './reports/suppress.js';
import { caseStory, outcomeWords } from './case-story.js';

// The dates the register's form asks for besides the child's date of birth.
const dateFields = {
  lastInEducationOn: ['last', 'Date last in education'],
  identifiedOn: ['identified', 'Date identified'],
} as const;

export const cmePages: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  async function registerPage(
    reply: FastifyReply,
    user: Parameters<typeof listCases>[1],
    values: Form = {},
    errors: FieldError[] = [],
  ) {
    // The form's own boxes for the fields of the API body it adds to the child's, for linking an error to its box.
    const ids: Record<string, string> = {
      lastInEducationOn: 'last-day',
      identifiedOn: 'identified-day',
    };
    return reply.render(
      'cme/views/cases.njk',
      {
        title: 'Children missing education',
        cases: await listCases(services.db, user, services.now(), services.config.cmeThresholdSchoolDays),
        threshold: services.config.cmeThresholdSchoolDays,
        values,
        errors: errorLinks(errors, { ids }),
      },
      errors.length > 0 ? 422 : 200,
    );
  }

  app.get('/cme-cases', { config: { access: 'cme:cases', pupilData: true } }, async (request, reply) =>
    registerPage(reply, request.user!),
  );

  app.get<{ Params: { id: string } }>(
    '/cme-cases/:id',
    { config: { access: 'cme:cases', pupilData: true } },
    async (request, reply) => {
      const story = await caseStory(services.db, request.user!, request.params.id);
      if (!story) return reply.callNotFound();
      return reply.render('cme/views/case.njk', {
        title: `${story.forename} ${story.surname}`,
        story,
        outcomeWords,
        enquiryStates: {
          draft: 'a draft',
          'awaiting-approval': 'waiting for approval',
          sent: 'sent',
          closed: 'closed',
        },
        enquiryOutcomes: {
          'found-in-school': 'found on a school roll',
          'found-elsewhere': 'found, educated elsewhere',
          'not-found': 'not found',
          other: 'other',
        },
        backLink: '/cme-cases',
      });
    },
  );

  app.post<{ Body: Form }>(
    '/cme-cases',
    { config: { access: 'cme:cases', pupilData: true } },
    async (request, reply) => {
      const { values, child, dates, dateErrors } = readChildForm(request.body ?? {}, { dates: dateFields });
      // A box left empty is a detail not given, which the register asks for in its own words.
      const input = {
        surname: child.surname || undefined,
        forename: child.forename || undefined,
        dateOfBirth: child.dateOfBirth || undefined,
        sex: child.sex || undefined,
        upn: child.upn || undefined,
        lastInEducationOn: dates.lastInEducationOn,
        identifiedOn: dates.identifiedOn,
      };
      const outcome = await openCase(services, request.user!, input, request.ip);
      if (outcome.kind === 'invalid' || dateErrors.length > 0) {
        const errors = withDateErrors(outcome.kind === 'invalid' ? outcome.errors : [], dateErrors);
        return registerPage(reply, request.user!, values, errors);
      }
      return reply
        .confirm('The child is added to your register of children missing education.')
        .redirect('/cme-cases', 303);
    },
  );

  app.post<{ Params: { id: string }; Body: Form }>(
    '/cme-cases/:id/close',
    { config: { access: 'cme:cases', pupilData: true } },
    async (request, reply) => {
      const form = request.body ?? {};
      const resolved = dateFromParts(form, 'resolved', 'Date resolved');
      const outcome = await closeCase(
        services,
        request.user!,
        request.params.id,
        { outcome: text(form.outcome), resolvedOn: resolved.value, note: text(form.note) },
        request.ip,
      );
      if (outcome.kind === 'not-found') return reply.callNotFound();
      if (outcome.kind === 'invalid') {
        // A part-filled date reads as none to the register: say what is wrong with what was typed.
        const errors = outcome.errors.map((e) =>
          e.field === 'resolvedOn' && resolved.error ? { ...e, message: resolved.error } : e,
        );
        return registerPage(
          reply,
          request.user!,
          {},
          errors.map((e) => ({ ...e, field: `${e.field}-${request.params.id}` })),
        );
      }
      return reply.confirm('The case is closed, with its outcome recorded.').redirect('/cme-cases', 303);
    },
  );

  app.get<{ Querystring: { year?: string; format?: string } }>(
    '/reports/cme',
    { config: { access: 'reports:la' } },
    async (request, reply) => {
      const year = yearAsked(request, reply, services.now());
      if (!year) return notAYearPage(reply);
      const user = request.user!;
      const [f] = await cmeFigures(services.db, year, services.now(), user.laCode ?? user.orgCode);
      const rows: Array<[string, number | null]> = [
        ['Children identified as missing education', f!.identified],
        ['Returned to education', f!.returnedToEducation],
        ['Still missing education', f!.stillMissing],
        ['Median days from identification to resolution', f!.medianDaysToResolution],
      ];
      if (request.query.format === 'csv') {
        return sendCsv(reply, ['s2s', 'cme', f!.laCode, year.label], ['Figure', year.label], rows);
      }
      return reply.render('cme/views/figures.njk', {
        title: `Children missing education, ${year.label}`,
        year,
        rows,
        chart: barChartSvg({
          id: 'cme-figures',
          title: `Children missing education, ${year.label}`,
          description:
            'Children identified, returned to education and still missing. The same figures are in the table.',
          unit: 'children',
          bars: rows.slice(0, 3).map(([label, value]) => ({ label, value })),
        }),
      });
    },
  );

  app.get<{ Querystring: { year?: string; format?: string } }>(
    '/reports/national',
    { config: { access: 'reports:national' } },
    async (request, reply) => {
      const year = yearAsked(request, reply, services.now());
      if (!year) return notAYearPage(reply);
      const figures = await nationalFigures(services.db, year, services.now());
      const header = [
        'LA code',
        'Local authority',
        'Identified',
        'Returned to education',
        'Still missing',
        'Median days to resolution',
      ];
      const rows = figures.las.map((la) => [
        la.laCode,
        la.laName ?? '',
        displayCount(la.identified),
        displayCount(la.returnedToEducation),
        displayCount(la.stillMissing),
        la.medianDaysToResolution ?? 'c',
      ]);
      if (request.query.format === 'csv') {
        return sendCsv(reply, ['s2s', 'cme', 'england', year.label], header, [
          ...rows,
          ['', 'All LAs', ...figures.totals.map(displayCount), ''],
        ]);
      }
      return reply.render('cme/views/national.njk', {
        title: `Children missing education in England, ${year.label}`,
        year,
        header,
        rows,
        totals: figures.totals.map(displayCount),
        repository: figures.repository,
        note: SUPPRESSION_NOTE,
        display: displayCount,
        chart: barChartSvg({
          id: 'national-identified',
          title: `Children identified as missing education by LA, ${year.label}`,
          description:
            'A bar for each LA; figures under 5, and those that would reveal one, are withheld. The same figures are in the table.',
          unit: 'children',
          bars: figures.las.map((la) => ({
            label: la.laName ?? la.laCode,
            value: la.identified.suppressed ? null : la.identified.value,
            suppressed: la.identified.suppressed,
          })),
        }),
      });
    },
  );
};
