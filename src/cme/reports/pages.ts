/**
 * Report pages for LA staff: each an accessible chart (SVG) with its data table beside it, and the same figures
 * as a CSV download.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../platform/services.js';
import { academicYearOf, londonDate } from '../../platform/school-days.js';
import { barChartSvg } from './bar-chart.js';
import { badYear, notAYearPage, sendCsv, yearAsked } from './report-replies.js';
import { laUsage, type LaUsage } from './la-usage.js';

const columns: Array<[string, (s: LaUsage['schools'][number]) => string | number]> = [
  ['LAEstab', (s) => s.laestab],
  ['School', (s) => s.name],
  ['CTFs sent', (s) => s.ctfsSent],
  ['CTFs sent and collected', (s) => s.ctfsCollected],
  ['CTFs sent to an unknown destination', (s) => s.ctfsToUnknown],
  ['Leavers whose CTF is overdue', (s) => s.leaversWithoutCtf],
  ['Files waiting uncollected', (s) => s.waitingUncollected],
  ['Of which expire within a week', (s) => s.expiringWithinWeek],
  ['New pupils registered without a CTF', (s) => s.newPupilsWithoutCtf],
];

export const reportPages: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  async function usageFor(request: FastifyRequest<{ Querystring: { year?: string } }>, reply: FastifyReply) {
    const year = yearAsked(request, reply, services.now());
    const user = request.user!;
    return year && laUsage(services.db, user.laCode ?? user.orgCode, year, services.now());
  }

  app.get<{ Querystring: { year?: string } }>(
    '/reports/usage',
    { config: { access: 'reports:la' } },
    async (request, reply) => {
      const usage = await usageFor(request, reply);
      if (!usage) return notAYearPage(reply);
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
      if (!usage) return badYear;
      return sendCsv(
        reply,
        ['s2s', 'usage', usage.laCode, usage.year.label],
        columns.map(([heading]) => heading),
        usage.schools.map((s) => columns.map(([, value]) => value(s))),
      );
    },
  );
};
