import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { maxSearchKeyLength, querySearchKeys, recordSearchKeys } from './search-keys.js';

const names = {
  surname: 'Okafor',
  forename: 'Ada',
  middleNames: null,
  preferredSurname: null,
  preferredForename: null,
  formerSurname: null,
  formerForename: null,
};

describe('search keys', () => {
  it('stay bounded however long a name is, so a record can always be indexed', () => {
    const long = 'Bartholomew'.repeat(30_000);
    const keys = recordSearchKeys({ ...names, surname: long, forename: long, middleNames: long }, '2016-03-04');
    assert.ok(keys.length > 0);
    for (const key of keys) assert.ok(key.length <= maxSearchKeyLength, `a key of ${key.length} characters`);
  });

  it('are cut the same way for a search, so a long name still finds its record', () => {
    const long = 'Bartholomew'.repeat(20);
    const stored = new Set(recordSearchKeys({ ...names, surname: long }, '2016-03-04'));
    const asked = querySearchKeys({ surname: long }, ['2016-03-04']);
    assert.ok(asked.some((key) => stored.has(key)));
  });
});
