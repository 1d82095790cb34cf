import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dateFromParts, datesFromParts, withDateErrors } from './date-parts.js';

describe('date inputs', () => {
  it('joins day, month and year, and says when a date is part-filled', () => {
    assert.deepEqual(dateFromParts({ 'd-day': '3', 'd-month': '4', 'd-year': '2016' }, 'd', 'Born'), {
      value: '2016-04-03',
    });
    assert.deepEqual(dateFromParts({}, 'd', 'Born'), { value: '' });
    assert.deepEqual(dateFromParts({ 'd-day': '3', 'd-year': '2016' }, 'd', 'Born'), {
      value: '',
      error: 'Born must include a day, month and year, like 27 3 2016',
    });
  });

  it('reads several dates, and puts a part-filled date’s own error in place of the service’s', () => {
    const { dates, errors } = datesFromParts(
      { 'a-day': '1', 'a-month': '2', 'a-year': '2020', 'b-day': '9' },
      { first: ['a', 'First'], second: ['b', 'Second'] },
    );
    assert.deepEqual(dates, { first: '2020-02-01', second: '' });
    assert.deepEqual(errors, [
      { field: 'second', message: 'Second must include a day, month and year, like 27 3 2016' },
    ]);
    const merged = withDateErrors(
      [
        { field: 'second', message: 'Enter the second date' },
        { field: 'name', message: 'Enter a name' },
      ],
      errors,
    );
    assert.deepEqual(
      merged.map((e) => e.message),
      ['Enter a name', 'Second must include a day, month and year, like 27 3 2016'],
    );
  });
});
