import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import type { Db } from './database.js';
import { recentAnswers } from './recent-answers.js';

// Only the identity of a database matters here: answers are kept per database object.
const one = {} as Db;
const other = {} as Db;

describe('recent answers', () => {
  it('keeps an answer for its time, per database, the oldest going first beyond the limit', () => {
    mock.timers.enable({ apis: ['Date'], now: 1_000_000 });
    try {
      const recent = recentAnswers<string>(10_000, 2);
      recent.set(one, 'a', 'first');
      assert.equal(recent.get(one, 'a'), 'first');
      assert.equal(recent.get(other, 'a'), undefined, 'another database has its own');
      mock.timers.tick(10_001);
      assert.equal(recent.get(one, 'a'), undefined, 'gone after its time');
      recent.set(one, 'a', 'a');
      recent.set(one, 'b', 'b');
      recent.set(one, 'c', 'c');
      assert.deepEqual(
        ['a', 'b', 'c'].map((k) => recent.get(one, k)),
        [undefined, 'b', 'c'],
      );
      recent.forget(one, (value) => value === 'b');
      assert.equal(recent.get(one, 'b'), undefined);
      assert.equal(recent.get(one, 'c'), 'c');
    } finally {
      mock.timers.reset();
    }
  });
});
