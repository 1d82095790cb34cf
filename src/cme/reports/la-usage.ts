/**
 * An LA's report on how its schools use s2s over an academic year: for each open school, CTFs sent (and how many
 * of those the destination collected), CTFs sent to an unknown destination, files waiting uncollected in its inbox
 * (and how many expire within a week), leavers whose CTF is overdue, and new pupils registered without a CTF; schools that sent no CTF stand
 * out. Beside it, the LA's unknown-destination figures (records uploaded by its schools, opened by anyone, found)
 * and its enquiries (sent and received, with outcomes). Counts only: no child is named.
 */
import { sql } from 'kysely';
import type { Db } from '../../platform/database.js';
import { median } from '../median.js';
import { academicYearOf, calendarRange, londonDate, termOf } from '../../platform/school-days.js';

export interface SchoolUsage {
  laestab: string;
  name: string;
  ctfsSent: number;
  ctfsCollected: number;
  ctfsToUnknown: number;
  /** Leavers who left in the year whose CTF is past its due date and not sent. */
  leaversWithoutCtf: number;
  waitingUncollected: number;
  expiringWithinWeek: number;
  newPupilsWithoutCtf: number;
}

export interface LaUsage {
  laCode: string;
  laName: string | null;
  year: { label: string; start: string; end: string };
  schools: SchoolUsage[];
  schoolsThatSentNoCtf: number;
  /** For the current school year: the term so far, and the open schools that have sent no CTF in it. */
  thisTerm: { label: string; schoolsThatSentNoCtf: number } | null;
  repository: {
    recordsUploaded: number;
    recordsOpened: number;
    recordsFound: number;
    /** Of those found, found by a school (the child's new school) and by an LA. */
    foundBySchools: number;
    foundByLas: number;
    medianDaysToFind: number | null;
  };
  enquiries: {
    sent: number;
    received: number;
    answeredKnown: number;
    closedFound: number;
    closedNotFound: number;
  };
}

const DAY = 86_400_000;

/** The school years a report can be asked for: those starting in the years the school-day calendar covers. */
export const reportYears = {
  first: Number(calendarRange.first.slice(0, 4)),
  last: Number(calendarRange.last.slice(0, 4)),
} as const;

/**
 * `YYYY/YY` (like 2026/27) to the academic year it names, or undefined when it is not one or not one of the
 * `reportYears` (a year 0000/01 would otherwise reach the database as a date it refuses).
 */
export function parseAcademicYear(label: string): { label: string; start: string; end: string } | undefined {
  const match = /^(\d{4})\/(\d{2})$/.exec(label);
  if (!match || (Number(match[1]) + 1) % 100 !== Number(match[2])) return undefined;
  const start = Number(match[1]);
  if (start < reportYears.first || start > reportYears.last) return undefined;
  return academicYearOf(`${match[1]}-09-01`);
}

const count = (n: unknown) => Number(n ?? 0);

export async function laUsage(
  db: Db,
  laCode: string,
  year: { label: string; start: string; end: string },
  now: Date,
): Promise<LaUsage> {
  const from = new Date(`${year.start}T00:00:00Z`);
  const to = new Date(new Date(`${year.end}T00:00:00Z`).getTime() + DAY);
  const today = londonDate(now);
  const inYear = sql<boolean>`received_at >= ${from} AND received_at < ${to}`;

  const la = await db.selectFrom('local_authorities').select('name').where('code', '=', laCode).executeTakeFirst();
  const schools = await db
    .selectFrom('establishments')
    .select(['laestab', 'name'])
    .where('la_code', '=', laCode)
    .where('status', 'in', ['Open', 'Open, but proposed to close'])
    .orderBy('name')
    .execute();
  const codes = schools.map((s) => s.laestab);
  const none = codes.length === 0;

  const sent = none
    ? []
    : await db
        .selectFrom('transfer_files')
        .select((eb) => [
          'sender_org_code',
          eb.fn.countAll<string>().as('sent'),
          sql<string>`count(*) FILTER (WHERE collected_at IS NOT NULL)`.as('collected'),
          sql<string>`count(*) FILTER (WHERE destination_kind IN ('unknown', 'outside-maintained-sector'))`.as(
            'unknown',
          ),
        ])
        .where('sender_org_code', 'in', codes)
        .where('file_type', '=', 'CTF')
        .where(inYear)
        .groupBy('sender_org_code')
        .execute();
  const waiting = none
    ? []
    : await db
        .selectFrom('transfer_files')
        .select((eb) => [
          'recipient_org_code',
          eb.fn.countAll<string>().as('waiting'),
          sql<string>`count(*) FILTER (WHERE expires_at < ${new Date(now.getTime() + 7 * DAY)})`.as('expiring'),
        ])
        .where('recipient_org_code', 'in', codes)
        .where('status', '=', 'delivered')
        .where('collected_at', 'is', null)
        .groupBy('recipient_org_code')
        .execute();
  const joiners = none
    ? []
    : await db
        .selectFrom('joiners')
        .select((eb) => ['school_laestab', eb.fn.countAll<string>().as('joiners')])
        .where('school_laestab', 'in', codes)
        .where('registered_at', '>=', from)
        .where('registered_at', '<', to)
        .groupBy('school_laestab')
        .execute();

  const leavers = none
    ? []
    : await db
        .selectFrom('leavers')
        .select((eb) => ['school_laestab', eb.fn.countAll<string>().as('overdue')])
        .where('school_laestab', 'in', codes)
        .where('left_on', '>=', year.start)
        .where('left_on', '<=', year.end)
        .where('ctf_file_id', 'is', null)
        .where('ctf_due_on', '<', today)
        .groupBy('school_laestab')
        .execute();

  const term = today >= year.start && today <= year.end ? termOf(today) : null;
  const sentThisTerm =
    none || !term
      ? []
      : await db
          .selectFrom('transfer_files')
          .select('sender_org_code')
          .distinct()
          .where('sender_org_code', 'in', codes)
          .where('file_type', '=', 'CTF')
          .where('received_at', '>=', new Date(`${term.start}T00:00:00Z`))
          .execute();

  const bySchool = schools.map((s): SchoolUsage => {
    const mine = sent.find((r) => r.sender_org_code === s.laestab);
    const inbox = waiting.find((r) => r.recipient_org_code === s.laestab);
    return {
      laestab: s.laestab,
      name: s.name,
      ctfsSent: count(mine?.sent),
      ctfsCollected: count(mine?.collected),
      ctfsToUnknown: count(mine?.unknown),
      leaversWithoutCtf: count(leavers.find((r) => r.school_laestab === s.laestab)?.overdue),
      waitingUncollected: count(inbox?.waiting),
      expiringWithinWeek: count(inbox?.expiring),
      newPupilsWithoutCtf: count(joiners.find((r) => r.school_laestab === s.laestab)?.joiners),
    };
  });

  const records = await db
    .selectFrom('repository_records')
    .select(['id', 'uploaded_at', 'found_at', 'found_by_org_code'])
    .where('left_la_code', '=', laCode)
    .where('uploaded_at', '>=', from)
    .where('uploaded_at', '<', to)
    .execute();
  const opened = await db
    .selectFrom('repository_openings as o')
    .innerJoin('repository_records as r', 'r.id', 'o.record_id')
    .select(sql<string>`count(DISTINCT o.record_id)`.as('opened'))
    .where('r.left_la_code', '=', laCode)
    .where('r.uploaded_at', '>=', from)
    .where('r.uploaded_at', '<', to)
    .executeTakeFirstOrThrow();
  const found = records.filter((r) => r.found_at !== null);

  const enquiries = await db
    .selectFrom('enquiries')
    .select([
      sql<string>`count(*) FILTER (WHERE state <> 'draft')`.as('sent'),
      sql<string>`count(*) FILTER (WHERE outcome IN ('found-in-school', 'found-elsewhere'))`.as('found'),
      sql<string>`count(*) FILTER (WHERE outcome = 'not-found')`.as('notFound'),
    ])
    .where('la_code', '=', laCode)
    .where('created_at', '>=', from)
    .where('created_at', '<', to)
    .executeTakeFirstOrThrow();
  const received = await db
    .selectFrom('enquiry_recipients')
    .select([sql<string>`count(*)`.as('received'), sql<string>`count(*) FILTER (WHERE answer = 'known')`.as('known')])
    .where('la_code', '=', laCode)
    .where('sent_at', '>=', from)
    .where('sent_at', '<', to)
    .executeTakeFirstOrThrow();

  return {
    laCode,
    laName: la?.name ?? null,
    year,
    schools: bySchool,
    schoolsThatSentNoCtf: bySchool.filter((s) => s.ctfsSent === 0).length,
    thisTerm: term && {
      label: term.label,
      schoolsThatSentNoCtf: schools.length - sentThisTerm.length,
    },
    repository: {
      recordsUploaded: records.length,
      recordsOpened: count(opened.opened),
      recordsFound: found.length,
      // A school's code is its 7-digit LAEstab; an LA's is its 3-digit code.
      foundBySchools: found.filter((r) => r.found_by_org_code?.length === 7).length,
      foundByLas: found.filter((r) => r.found_by_org_code?.length === 3).length,
      medianDaysToFind: median(
        found.map((r) => (new Date(r.found_at!).getTime() - new Date(r.uploaded_at).getTime()) / DAY),
      ),
    },
    enquiries: {
      sent: count(enquiries.sent),
      received: count(received.received),
      answeredKnown: count(received.known),
      closedFound: count(enquiries.found),
      closedNotFound: count(enquiries.notFound),
    },
  };
}
