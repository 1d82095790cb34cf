import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareDates, oneDigitVariants, swappedDayMonth } from './date-variants.js';
import { foldName, nameParts, sameFirstName, typingDistance } from './name-forms.js';
import { MATCH_THRESHOLD, scoreMatch, type CandidateRecord } from './score-match.js';

const record = (overrides: Partial<CandidateRecord> = {}): CandidateRecord => ({
  upn: 'F823200314002',
  former_upns: [],
  surname: 'Whitfield',
  forename: 'Sebastian',
  middle_names: 'Rhys',
  preferred_surname: null,
  preferred_forename: null,
  former_surname: null,
  former_forename: null,
  date_of_birth: '2015-03-04',
  sex: 'M',
  postcode: 'AV1 2AB',
  left_laestab: '8232003',
  left_la_code: '823',
  ...overrides,
});

describe('name forms', () => {
  it('folds accents, apostrophes and case, and splits double-barrelled names', () => {
    assert.equal(foldName('Zoë O’Brien-Ní  Dhuinn'), 'zoe obrien-ni dhuinn');
    assert.deepEqual(nameParts('Smith-Jones'), ['smith', 'jones']);
    assert.equal(foldName('Małgorzata'), 'malgorzata');
  });
  it('counts a swapped pair of letters as one slip', () => {
    assert.equal(typingDistance('smith', 'smtih', 2), 1);
    assert.equal(typingDistance('lucy', 'lyuc', 2), 2);
    assert.equal(typingDistance('anna', 'bob', 2), 3);
  });
  it('knows short forms and spellings that sound codes miss', () => {
    assert.ok(sameFirstName('Bill', 'William'));
    assert.ok(sameFirstName('Neve', 'Niamh'));
    assert.equal(sameFirstName('Bill', 'Thomas'), false);
  });
});

describe('date variants', () => {
  it('swaps day and month only when that is another real date', () => {
    assert.equal(swappedDayMonth('2015-03-04'), '2015-04-03');
    assert.equal(swappedDayMonth('2015-03-25'), null);
    assert.equal(swappedDayMonth('2015-03-03'), null);
  });
  it('lists real dates one digit away, within the years allowed', () => {
    const variants = oneDigitVariants('2015-03-04', 2000, 2026);
    assert.ok(variants.includes('2016-03-04') && variants.includes('2015-03-14') && variants.includes('2015-08-04'));
    assert.equal(variants.includes('2015-03-44'), false);
    assert.equal(variants.includes('1015-03-04'), false);
    assert.equal(compareDates('2015-03-04', '2015-03-07'), 'one-digit');
    assert.equal(compareDates('2015-03-04', '2015-04-03'), 'day-month-swapped');
    assert.equal(compareDates('2015-03-04', '2016-04-03'), null);
  });
});

describe('scoring a candidate', () => {
  it('scores the same details near the top and says why', () => {
    const same = scoreMatch(
      { surname: 'Whitfield', forename: 'Sebastian', dateOfBirth: '2015-03-04', sex: 'M' },
      record(),
    );
    assert.deepEqual(same, {
      score: 99,
      reasons: ['surname matches', 'first name matches', 'date of birth matches', 'sex matches'],
    });
  });
  it('accepts a shortened first name, but not a different one', () => {
    const val = scoreMatch(
      { surname: 'Whitfield', forename: 'Val', dateOfBirth: '2015-03-04' },
      record({ forename: 'Valentina' }),
    );
    assert.ok(val && val.score >= MATCH_THRESHOLD && val.reasons.includes('first name is a shortened form of theirs'));
    assert.equal(scoreMatch({ surname: 'Whitfield', forename: 'Oscar', dateOfBirth: '2015-03-04' }, record()), null);
  });
  it('lowers the score when the sex differs, and raises it for the school the child left', () => {
    assert.equal(scoreMatch({ surname: 'Whitfield', dateOfBirth: '2015-03-04' }, record())!.score, 99);
    assert.equal(scoreMatch({ surname: 'Whitfield', dateOfBirth: '2015-03-04', sex: 'F' }, record())!.score, 85);
    const named = scoreMatch({ surname: 'Whitfeld', dateOfBirth: '2015-03-04', leftLAEstab: '8232003' }, record())!;
    assert.ok(named.reasons.includes('left the school you named'));
  });
  it('needs the surname and the date of birth to agree at least roughly', () => {
    assert.equal(scoreMatch({ surname: 'Jones', forename: 'Sebastian', dateOfBirth: '2015-03-04' }, record()), null);
    assert.equal(
      scoreMatch({ surname: 'Whitfield', forename: 'Sebastian', dateOfBirth: '2012-09-30' }, record()),
      null,
    );
  });
});
