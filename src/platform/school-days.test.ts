import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  academicYearOf,
  addSchoolDays,
  addSchoolDaysInCalendar,
  bankHolidays,
  isInCalendar,
  isSchoolDay,
  londonDate,
  schoolDaysBetween,
  termOf,
} from './school-days.js';

const holidaysIn = (year: number): string[] => [...bankHolidays].filter((d) => d.startsWith(`${year}-`)).sort();

describe('bank holidays', () => {
  it('matches the published lists for 2025 and 2026', () => {
    assert.deepEqual(holidaysIn(2025), [
      '2025-01-01',
      '2025-04-18',
      '2025-04-21',
      '2025-05-05',
      '2025-05-26',
      '2025-08-25',
      '2025-12-25',
      '2025-12-26',
    ]);
    assert.deepEqual(holidaysIn(2026), [
      '2026-01-01',
      '2026-04-03',
      '2026-04-06',
      '2026-05-04',
      '2026-05-25',
      '2026-08-31',
      '2026-12-25',
      '2026-12-28',
    ]);
  });
  it('moves weekend New Year and Christmas holidays to the following weekdays', () => {
    assert.ok(bankHolidays.has('2028-01-03') && !bankHolidays.has('2028-01-01'));
    assert.deepEqual(holidaysIn(2027).slice(-2), ['2027-12-27', '2027-12-28']);
    assert.deepEqual(holidaysIn(2028).slice(-2), ['2028-12-25', '2028-12-26']);
  });
  it('matches the published lists of earlier years, proclaimed holidays and all', () => {
    assert.deepEqual(holidaysIn(2019), [
      '2019-01-01',
      '2019-04-19',
      '2019-04-22',
      '2019-05-06',
      '2019-05-27',
      '2019-08-26',
      '2019-12-25',
      '2019-12-26',
    ]);
    assert.deepEqual(holidaysIn(2020), [
      '2020-01-01',
      '2020-04-10',
      '2020-04-13',
      '2020-05-08',
      '2020-05-25',
      '2020-08-31',
      '2020-12-25',
      '2020-12-28',
    ]);
    assert.deepEqual(holidaysIn(2022), [
      '2022-01-03',
      '2022-04-15',
      '2022-04-18',
      '2022-05-02',
      '2022-06-02',
      '2022-06-03',
      '2022-08-29',
      '2022-09-19',
      '2022-12-26',
      '2022-12-27',
    ]);
    assert.deepEqual(holidaysIn(2012), [
      '2012-01-02',
      '2012-04-06',
      '2012-04-09',
      '2012-05-07',
      '2012-06-04',
      '2012-06-05',
      '2012-08-27',
      '2012-12-25',
      '2012-12-26',
    ]);
    assert.ok(bankHolidays.has('2011-04-29') && bankHolidays.has('2023-05-08'));
    assert.ok(bankHolidays.has('2027-03-26') && bankHolidays.has('2027-03-29'), 'Good Friday and Easter Monday 2027');
  });
  it('has eight a year from 2000 to 2035 but in proclaimed years, and nothing outside', () => {
    const extra: Record<number, number> = { 2002: 9, 2011: 9, 2012: 9, 2020: 8, 2022: 10, 2023: 9 };
    let total = 0;
    for (let year = 2000; year <= 2035; year++) {
      assert.equal(holidaysIn(year).length, extra[year] ?? 8, String(year));
      total += extra[year] ?? 8;
    }
    assert.equal(bankHolidays.size, total);
  });
});

describe('counting school days', () => {
  it('skips the weekend', () => {
    assert.equal(addSchoolDays('2026-06-05', 1), '2026-06-08');
    assert.equal(isSchoolDay('2026-06-06'), false);
    assert.equal(isSchoolDay('2026-06-08'), true);
  });
  it('skips Christmas 2026, whose Boxing Day is a Saturday', () => {
    assert.equal(addSchoolDays('2026-12-24', 1), '2026-12-29');
    assert.equal(schoolDaysBetween('2026-12-24', '2026-12-29'), 1);
  });
  it('skips Good Friday and Easter Monday 2026', () => {
    assert.equal(isSchoolDay('2026-04-03'), false);
    assert.equal(isSchoolDay('2026-04-06'), false);
    assert.equal(addSchoolDays('2026-04-02', 1), '2026-04-07');
  });
  it('returns the date itself or the next school day when n is 0', () => {
    assert.equal(addSchoolDays('2026-06-05', 0), '2026-06-05');
    assert.equal(addSchoolDays('2026-06-06', 0), '2026-06-08');
    assert.equal(addSchoolDays('2026-12-25', 0), '2026-12-29');
  });
  it('honours closure dates the caller passes', () => {
    const closures = new Set(['2026-06-08', '2026-06-09']);
    assert.equal(isSchoolDay('2026-06-08', closures), false);
    assert.equal(addSchoolDays('2026-06-05', 1, closures), '2026-06-10');
    assert.equal(schoolDaysBetween('2026-06-05', '2026-06-12', closures), 3);
    assert.equal(schoolDaysBetween('2026-06-05', '2026-06-12'), 5);
  });
  it('counts the 15-day CTF deadline across a half-term closure', () => {
    const halfTerm = new Set(['2026-10-26', '2026-10-27', '2026-10-28', '2026-10-29', '2026-10-30']);
    assert.equal(addSchoolDays('2026-10-16', 15), '2026-11-06');
    assert.equal(addSchoolDays('2026-10-16', 15, halfTerm), '2026-11-13');
  });
  it('gives 0 when the end is not after the start', () => {
    assert.equal(schoolDaysBetween('2026-06-08', '2026-06-08'), 0);
    assert.equal(schoolDaysBetween('2026-06-09', '2026-06-08'), 0);
  });
  it('inverts addSchoolDays with schoolDaysBetween for every start date and many n', () => {
    const closures = new Set(['2025-10-27', '2026-02-16', '2027-07-23']);
    let checked = 0;
    for (let day = Date.UTC(2024, 0, 1); day <= Date.UTC(2027, 11, 31); day += 86_400_000 * 3) {
      const start = new Date(day).toISOString().slice(0, 10);
      for (const n of [1, 2, 5, 15, 20, 37]) {
        const end = addSchoolDays(start, n, closures);
        assert.equal(isSchoolDay(end, closures), true, `${start} + ${n}`);
        assert.equal(schoolDaysBetween(start, end, closures), n, `${start} + ${n} = ${end}`);
        checked++;
      }
    }
    assert.ok(checked > 2500);
  });
  it('reads a Date as its London calendar date', () => {
    assert.equal(isSchoolDay(new Date('2026-06-05T23:30:00Z')), false);
    assert.equal(addSchoolDays(new Date('2026-12-24T12:00:00Z'), 1), '2026-12-29');
  });
});

describe('London dates', () => {
  it('is a day ahead of UTC late on a summer evening, but not in winter', () => {
    assert.equal(londonDate(new Date('2026-07-01T23:30:00Z')), '2026-07-02');
    assert.equal(londonDate(new Date('2026-12-01T23:30:00Z')), '2026-12-01');
  });
  it('rejects an invalid Date', () => {
    assert.throws(() => londonDate(new Date('nonsense')), RangeError);
  });
});

describe('academic years and terms', () => {
  it('runs the academic year from 1 September to 31 August', () => {
    assert.deepEqual(academicYearOf('2026-11-23'), { label: '2026/27', start: '2026-09-01', end: '2027-08-31' });
    assert.equal(academicYearOf('2027-08-31').label, '2026/27');
    assert.deepEqual(academicYearOf('2027-09-01'), { label: '2027/28', start: '2027-09-01', end: '2028-08-31' });
    assert.equal(academicYearOf('2099-09-01').label, '2099/00');
  });
  it('names the conventional term', () => {
    assert.deepEqual(termOf('2026-11-23'), { label: 'Autumn term 2026', start: '2026-09-01', end: '2026-12-31' });
    assert.deepEqual(termOf('2027-03-31'), { label: 'Spring term 2027', start: '2027-01-01', end: '2027-03-31' });
    assert.deepEqual(termOf('2027-04-01'), { label: 'Summer term 2027', start: '2027-04-01', end: '2027-08-31' });
    assert.equal(termOf('2026-08-31').label, 'Summer term 2026');
  });
});

describe('bad input', () => {
  it('rejects strings that are not real YYYY-MM-DD dates', () => {
    for (const bad of ['2026-02-30', '2026-2-3', '26-02-03', '2026/02/03', '2026-02-03T00:00:00Z', '', '2026-13-01']) {
      assert.throws(() => isSchoolDay(bad), RangeError, bad);
      assert.throws(() => academicYearOf(bad), RangeError, bad);
      assert.throws(() => termOf(bad), RangeError, bad);
    }
  });
  it('says the bank-holiday table must be extended for dates outside 2000–2035', () => {
    const extend = { name: 'RangeError', message: /covers 2000–2035 and must be extended/ };
    assert.throws(() => isSchoolDay('1999-12-31'), extend);
    assert.equal(isInCalendar('1999-12-31'), false);
    assert.equal(isInCalendar('2000-01-01'), true);
    assert.equal(isInCalendar('2036-01-01'), false);
    assert.throws(() => isSchoolDay('2036-01-02'), extend);
    assert.throws(() => schoolDaysBetween('2026-01-05', '2036-01-02'), extend);
    assert.throws(() => addSchoolDays('2035-12-20', 20), extend);
  });
  it('tells a date entered outside the calendar without an error, for a field message', () => {
    assert.equal(isInCalendar('2026-02-30'), false);
    assert.equal(isInCalendar('10000-01-01'), false);
    assert.equal(addSchoolDaysInCalendar('1999-12-31', 1), undefined);
    assert.equal(addSchoolDaysInCalendar('2035-12-20', 20), undefined);
    assert.equal(addSchoolDaysInCalendar('2035-12-20', 5), addSchoolDays('2035-12-20', 5));
    assert.equal(addSchoolDaysInCalendar('2026-06-05', 1), '2026-06-08');
    assert.throws(() => addSchoolDaysInCalendar('2026-06-05', -1), RangeError);
  });
  it('rejects a negative or fractional n', () => {
    assert.throws(() => addSchoolDays('2026-06-05', -1), RangeError);
    assert.throws(() => addSchoolDays('2026-06-05', 1.5), RangeError);
  });
});
