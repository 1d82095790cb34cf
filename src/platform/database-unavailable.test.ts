import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isDatabaseUnavailable } from './database.js';
import { whenDatabaseReachable } from './services.js';

const withCode = (code: string, message = 'failed') => Object.assign(new Error(message), { code });

describe('telling an unreachable database from a fault', () => {
  it('counts refused and reset connections, shutdowns, connection exceptions and closed connections', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', '57P01', '57P02', '57P03', '08006', '08001', '53300']) {
      assert.ok(isDatabaseUnavailable(withCode(code)), code);
    }
    assert.ok(isDatabaseUnavailable(new Error('Connection terminated unexpectedly')));
    assert.ok(isDatabaseUnavailable(new Error('Connection terminated due to connection timeout')));
    assert.ok(isDatabaseUnavailable(new Error('timeout exceeded when trying to connect')));
    assert.ok(isDatabaseUnavailable(new AggregateError([withCode('ECONNREFUSED')], '')), 'each address refused');
    assert.ok(isDatabaseUnavailable(new Error('Database migration failed', { cause: withCode('57P01') })));
  });

  it('does not count wrong queries, broken constraints or our own errors', () => {
    for (const code of ['23505', '42P01', '22P02', '40001', 'ERR_INVALID_ARG_TYPE']) {
      assert.equal(isDatabaseUnavailable(withCode(code)), false, code);
    }
    assert.equal(isDatabaseUnavailable(new Error('something else')), false);
    assert.equal(isDatabaseUnavailable('ECONNREFUSED'), false);
  });
});

describe('waiting for the database at start', () => {
  it('tries again with growing pauses, up to 30 s, reporting each attempt, until the database answers', async () => {
    const lines: string[] = [];
    const pauses: number[] = [];
    let attempts = 0;
    const result = await whenDatabaseReachable(
      async () => {
        if (++attempts < 8) throw withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432');
        return 'migrated';
      },
      (line) => lines.push(line),
      async (seconds) => pauses.push(seconds),
    );
    assert.equal(result, 'migrated');
    assert.deepEqual(pauses, [1, 2, 4, 8, 16, 30, 30]);
    assert.equal(lines.length, 7);
    assert.match(lines[0]!, /ECONNREFUSED 127\.0\.0\.1:5432\): attempt 1 failed, trying again in 1 s/);
  });

  it('fails at once on any other error, or when nobody asked it to wait', async () => {
    await assert.rejects(
      whenDatabaseReachable(
        async () => Promise.reject(withCode('42P01', 'no such table')),
        () => undefined,
      ),
      /no such table/,
    );
    await assert.rejects(
      whenDatabaseReachable(async () => Promise.reject(withCode('ECONNREFUSED', 'refused')), undefined),
      /refused/,
    );
  });
});
