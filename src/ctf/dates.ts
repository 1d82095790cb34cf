/** Date helpers for CTF fields: calendar dates (`YYYY-MM-DD`) and the header's `YYYY-MM-DDThh:mm:ss`. */

const datePattern = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;
/** An `xs:date` may carry a time zone (`Z`, `+01:00`); it is still that calendar day. */
const zonedDatePattern = /^([0-9]{4}-[0-9]{2}-[0-9]{2})(?:Z|[+-](?:(?:0[0-9]|1[0-3]):[0-5][0-9]|14:00))?$/;
const dateTimePattern =
  /^([0-9]{4}-[0-9]{2}-[0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})?$/;

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** True for a real calendar date written `YYYY-MM-DD` (so `2015-02-30` is false). */
export function isRealDate(text: string): boolean {
  const m = datePattern.exec(text);
  if (!m) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/**
 * The calendar date (`YYYY-MM-DD`) a date field holds, or null when it is not a real date. Some suppliers'
 * serialisers write dates as `xs:date` with a time zone (`2015-03-04Z`, `2015-03-04+01:00`): XML Schema defines
 * that as the same day, so it is read as the date and the zone dropped.
 */
export function calendarDate(text: string): string | null {
  const m = zonedDatePattern.exec(text);
  const date = m?.[1];
  return date !== undefined && isRealDate(date) ? date : null;
}

/** True for `YYYY-MM-DDThh:mm:ss` (fractions and a zone tolerated) with a real date and time. */
export function isRealDateTime(text: string): boolean {
  const m = dateTimePattern.exec(text);
  if (!m) return false;
  return isRealDate(m[1] ?? '') && Number(m[2]) < 24 && Number(m[3]) < 60 && Number(m[4]) < 60;
}

/** Whole years between a date of birth and a reference date (both `YYYY-MM-DD`). */
export function ageOn(dob: string, on: string): number {
  const by = Number(dob.slice(0, 4));
  const bmd = Number(dob.slice(5, 7)) * 100 + Number(dob.slice(8, 10));
  const oy = Number(on.slice(0, 4));
  const omd = Number(on.slice(5, 7)) * 100 + Number(on.slice(8, 10));
  return oy - by - (omd < bmd ? 1 : 0);
}
