/**
 * School-day arithmetic for the statutory clocks: a leaver's CTF is due within 15 school days, an LA treats 20 school
 * days out of provision as children missing education, and s2s hands an unanswered CTF request to the LA after a
 * configured number of school days. Term dates differ between LAs, so a school day here is a weekday that is not an
 * England-and-Wales bank holiday, less any closure dates the caller knows about.
 */
import { isRealDate } from '../ctf/dates.js';

/** A calendar date `YYYY-MM-DD`, or an instant that is read as its Europe/London calendar date. */
export type DateInput = string | Date;

export interface Period {
  label: string;
  start: string;
  end: string;
}

// The rules give every year's holidays, and the one-off changes since 2000 are listed below. The table starts
// before any child now of school age was in education, and stops where one-off holidays (a coronation, a jubilee)
// could still be proclaimed unseen, so it must be extended, with any such day, before then.
const FIRST_YEAR = 2000;
const LAST_YEAR = 2035;
const FIRST_DATE = `${FIRST_YEAR}-01-01`;
const LAST_DATE = `${LAST_YEAR}-12-31`;

/** The dates the school-day calendar covers; dates outside it are refused where people enter them. */
export const calendarRange = { first: FIRST_DATE, last: LAST_DATE } as const;

/** Whether a date is a real `YYYY-MM-DD` date the calendar can count school days from or to. */
export function isInCalendar(iso: string): boolean {
  return isRealDate(iso) && iso >= FIRST_DATE && iso <= LAST_DATE;
}

/**
 * England-and-Wales holidays that the rules do not give, by year: the rule's date a proclamation moved (`instead`)
 * and the days taken (`add`), from the published lists.
 */
const proclaimed: Readonly<Record<number, { instead: string[]; add: string[] }>> = {
  2002: { instead: ['2002-05-27'], add: ['2002-06-03', '2002-06-04'] }, // Golden Jubilee
  2011: { instead: [], add: ['2011-04-29'] }, // Royal wedding
  2012: { instead: ['2012-05-28'], add: ['2012-06-04', '2012-06-05'] }, // Diamond Jubilee
  2020: { instead: ['2020-05-04'], add: ['2020-05-08'] }, // VE Day 75th anniversary
  2022: { instead: ['2022-05-30'], add: ['2022-06-02', '2022-06-03', '2022-09-19'] }, // Platinum Jubilee, state funeral
  2023: { instead: [], add: ['2023-05-08'] }, // Coronation
};
const DAY_MS = 86_400_000;

// One formatter, because building an Intl formatter is far slower than using one.
const londonFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The Europe/London calendar date of an instant: 23:30 UTC on a summer evening is already tomorrow in London. */
export function londonDate(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new RangeError('londonDate: invalid Date');
  const parts = londonFormat.formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

function toIso(date: DateInput): string {
  if (date instanceof Date) return londonDate(date);
  if (!isRealDate(date))
    throw new RangeError(`not a real calendar date in the form YYYY-MM-DD: ${JSON.stringify(date)}`);
  return date;
}

// String comparison is safe for ISO dates, but the error has to name the table so someone knows to extend it.
function toCoveredIso(date: DateInput): string {
  const iso = toIso(date);
  if (iso < FIRST_DATE || iso > LAST_DATE) {
    throw new RangeError(
      `${iso} is outside ${FIRST_DATE}..${LAST_DATE}: the bank-holiday table covers ${FIRST_YEAR}–${LAST_YEAR} and must be extended`,
    );
  }
  return iso;
}

// Whole days since 1970-01-01 in UTC, so stepping a day never meets a clock change.
function dayNumber(iso: string): number {
  return Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / DAY_MS;
}

function fromDayNumber(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

function ymd(year: number, month: number, day: number): string {
  return fromDayNumber(Date.UTC(year, month - 1, day) / DAY_MS);
}

/** 0 = Sunday … 6 = Saturday. */
function weekday(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay();
}

/** Easter Sunday by the anonymous Gregorian algorithm (Meeus/Jones/Butcher). */
function easterSunday(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return ymd(year, month, day);
}

function firstMonday(year: number, month: number): string {
  const offset = (8 - weekday(year, month, 1)) % 7;
  return ymd(year, month, 1 + offset);
}

function lastMonday(year: number, month: number): string {
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const offset = (weekday(year, month, last) + 6) % 7;
  return ymd(year, month, last - offset);
}

// Only the weekday on which each holiday is taken goes in, so a weekend Christmas adds its substitute, not itself.
function bankHolidaysOf(year: number): string[] {
  const easter = dayNumber(easterSunday(year));
  const newYear = weekday(year, 1, 1);
  const christmas = weekday(year, 12, 25);
  const newYearDay = newYear === 6 ? 3 : newYear === 0 ? 2 : 1;
  const christmasDays = christmas === 6 ? [27, 28] : christmas === 0 ? [26, 27] : christmas === 5 ? [25, 28] : [25, 26];
  const byRule = [
    ymd(year, 1, newYearDay),
    fromDayNumber(easter - 2),
    fromDayNumber(easter + 1),
    firstMonday(year, 5),
    lastMonday(year, 5),
    lastMonday(year, 8),
    ...christmasDays.map((day) => ymd(year, 12, day)),
  ];
  const change = proclaimed[year];
  return change ? [...byRule.filter((d) => !change.instead.includes(d)), ...change.add] : byRule;
}

/** England-and-Wales bank holidays, 2000 to 2035 inclusive. */
export const bankHolidays: ReadonlySet<string> = new Set(
  Array.from({ length: LAST_YEAR - FIRST_YEAR + 1 }, (_, i) => bankHolidaysOf(FIRST_YEAR + i)).flat(),
);

function isSchoolIso(iso: string, closures: ReadonlySet<string>): boolean {
  const day = new Date(dayNumber(iso) * DAY_MS).getUTCDay();
  return day !== 0 && day !== 6 && !bankHolidays.has(iso) && !closures.has(iso);
}

const noClosures: ReadonlySet<string> = new Set();

/** Monday to Friday, not a bank holiday, and not one of the caller's closure dates. */
export function isSchoolDay(date: DateInput, closures: ReadonlySet<string> = noClosures): boolean {
  return isSchoolIso(toCoveredIso(date), closures);
}

/**
 * The date `n` school days after `date`, not counting `date` itself. With `n = 0` it is `date` when that is a school
 * day, otherwise the next school day, so a deadline never lands on a closed day.
 */
export function addSchoolDays(date: DateInput, n: number, closures: ReadonlySet<string> = noClosures): string {
  const start = toCoveredIso(date);
  const end = countForward(start, n, closures);
  if (end === undefined) {
    throw new RangeError(
      `addSchoolDays: ${n} school days after ${start} is past ${LAST_DATE}: the bank-holiday table covers ${FIRST_YEAR}–${LAST_YEAR} and must be extended`,
    );
  }
  return end;
}

/**
 * As `addSchoolDays`, but undefined instead of an error when `date` or the day it reaches is outside the calendar:
 * for a date someone entered, which is refused with a message rather than failing the request.
 */
export function addSchoolDaysInCalendar(
  date: string,
  n: number,
  closures: ReadonlySet<string> = noClosures,
): string | undefined {
  return isInCalendar(date) ? countForward(date, n, closures) : undefined;
}

function countForward(start: string, n: number, closures: ReadonlySet<string>): string | undefined {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`addSchoolDays: n must be a whole number ≥ 0, got ${n}`);
  const last = dayNumber(LAST_DATE);
  let day = dayNumber(start);
  let remaining = n;
  if (n === 0) {
    if (isSchoolIso(start, closures)) return start;
    remaining = 1;
  }
  while (remaining > 0) {
    day++;
    if (day > last) return undefined;
    if (isSchoolIso(fromDayNumber(day), closures)) remaining--;
  }
  return fromDayNumber(day);
}

/** School days after `from` up to and including `to`; 0 when `to` is not after `from`. */
export function schoolDaysBetween(from: DateInput, to: DateInput, closures: ReadonlySet<string> = noClosures): number {
  const start = dayNumber(toCoveredIso(from));
  const end = dayNumber(toCoveredIso(to));
  let count = 0;
  for (let day = start + 1; day <= end; day++) if (isSchoolIso(fromDayNumber(day), closures)) count++;
  return count;
}

/** The English academic year, 1 September to 31 August, labelled like `2026/27`. */
export function academicYearOf(date: DateInput): Period {
  const iso = toIso(date);
  const year = Number(iso.slice(0, 4));
  const startYear = Number(iso.slice(5, 7)) >= 9 ? year : year - 1;
  return {
    label: `${startYear}/${String((startYear + 1) % 100).padStart(2, '0')}`,
    start: `${startYear}-09-01`,
    end: `${startYear + 1}-08-31`,
  };
}

/**
 * The conventional term by calendar month: autumn September–December, spring January–March, summer April–August.
 * Real term dates and the Easter break vary by LA, so this is for labelling, not for counting days.
 */
export function termOf(date: DateInput): Period {
  const iso = toIso(date);
  const year = iso.slice(0, 4);
  const month = Number(iso.slice(5, 7));
  if (month >= 9) return { label: `Autumn term ${year}`, start: `${year}-09-01`, end: `${year}-12-31` };
  if (month <= 3) return { label: `Spring term ${year}`, start: `${year}-01-01`, end: `${year}-03-31` };
  return { label: `Summer term ${year}`, start: `${year}-04-01`, end: `${year}-08-31` };
}
