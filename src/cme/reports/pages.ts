/**
 * Report pages for LA staff: each an accessible chart (SVG) with its data table beside it, and the same figures
 * as a CSV download.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../platform/services.js';
import { academicYearOf, londonDate } from '../school-days.js';
import { barChartSvg } from './bar-chart.js';
import { csvFileName, toCsv } from './csv.js';
import { laUsage, parseAcademicYear, type LaUsage } from './la-usage.js';

const columns: Array<[string, (s: LaUsage['schools'][number]) => string | number]> = [
  ['LAEstab', (s) => s.laestab],
  ['School', (s) => s.name],
  ['CTFs sent', (s) => s.ctfsSent],
  ['CTFs sent and collected', (s) => s.ctfsCollected],
  ['CTFs sent to an unknown destination', (s) => s.ctfsToUnknown],
  ['Files waiting uncollected', (s) => s.waitingUncollected],
  ['Of which expire within a week', (s) => s.expiringWithinWeek],
  ['New pupils registered without a CTF', (s) => s.newPupilsWithoutCtf],
];

export const reportPages: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  async function usageFor(request: FastifyRequest<{ Querystring: { year?: string } }>, reply: FastifyReply) {
    const now = services.now();
    const current = academicYearOf(londonDate(now));
    const year = request.query.year === undefined ? current : parseAcademicYear(request.query.year);
    if (!year) {
      reply.code(400);
      return undefined;
    }
    const user = request.user!;
    return laUsage(services.db, user.laCode ?? user.orgCode, year, now);
  }

  app.get<{ Querystring: { year?: string } }>(
    '/reports/usage',
    { config: { access: 'reports:la' } },
    async (request, reply) => {
      const usage = await usageFor(request, reply);
      if (!usage) {
        return reply.render(
          'platform/views/error.njk',
          { title: 'Not a school year', paragraphs: ['Choose a school year written like 2026/27.'] },
          400,
        );
      }
      const start = Number(usage.year.start.slice(0, 4));
      return reply.render('cme/views/usage.njk', {
        title: `How your schools use s2s, ${usage.year.label}`,
        usage,
        columns: columns.map(([heading]) => heading),
        rows: usage.schools.map((s) => columns.map(([, value]) => value(s))),
        chart: barChartSvg({
          id: 'ctfs-sent',
          title: `CTFs sent by each school, ${usage.year.label}`,
          description: `A bar for each of the LA’s ${usage.schools.length} open schools: the number of CTFs it sent in the school year. The same figures are in the table.`,
          unit: 'CTFs',
          bars: usage.schools.map((s) => ({ label: s.name, value: s.ctfsSent })),
        }),
        years: [start - 1, start, start + 1]
          .map((y) => `${y}/${String((y + 1) % 100).padStart(2, '0')}`)
          .filter((label) => label !== usage.year.label && label <= academicYearOf(londonDate(services.now())).label),
      });
    },
  );

  app.get<{ Querystring: { year?: string } }>(
    '/reports/usage.csv',
    { config: { access: 'reports:la' } },
    async (request, reply) => {
      const usage = await usageFor(request, reply);
      if (!usage) return reply.send({ error: { code: 'INVALID_YEAR', message: 'year must be written like 2026/27' } });
      const csv = toCsv(
        columns.map(([heading]) => heading),
        usage.schools.map((s) => columns.map(([, value]) => value(s))),
      );
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="${csvFileName(['s2s', 'usage', usage.laCode, usage.year.label])}"`,
        )
        .send(csv);
    },
  );
};
