/**
 * How report routes answer: the school year a request asks for (the current one by default), the reply when it is
 * not a school year, and a table as a CSV download.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { academicYearOf, londonDate } from '../../platform/school-days.js';
import { csvFileName, toCsv, type CsvCell } from './csv.js';
import { parseAcademicYear, reportYears } from './la-usage.js';

/** The `year` asked for (like 2026/27), the current one when none is, or undefined (status 400 set) when malformed. */
export function yearAsked(request: FastifyRequest<{ Querystring: { year?: string } }>, reply: FastifyReply, now: Date) {
  if (request.query.year === undefined) return academicYearOf(londonDate(now));
  const year = parseAcademicYear(request.query.year);
  if (!year) reply.code(400);
  return year;
}

const yearRange = `${academicYearOf(`${reportYears.first}-09-01`).label} to ${academicYearOf(`${reportYears.last}-09-01`).label}`;

export const badYear = {
  error: { code: 'INVALID_YEAR', message: `year must be a school year written like 2026/27, from ${yearRange}` },
};

export function notAYearPage(reply: FastifyReply) {
  return reply.render(
    'platform/views/error.njk',
    { title: 'Not a school year', paragraphs: [`Choose a school year written like 2026/27, from ${yearRange}.`] },
    400,
  );
}

export function sendCsv(reply: FastifyReply, nameParts: string[], header: string[], rows: CsvCell[][]) {
  return reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${csvFileName(nameParts)}"`)
    .send(toCsv(header, rows));
}
