import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isPressure, SAMPLE_INTERVAL_MS } from './shed-load.js';

describe('shedding load', () => {
  it('takes a second with no delay sample for pressure only when the threshold is a second or less', () => {
    assert.equal(isPressure('eventLoopDelay', Infinity, 60_000), false);
    assert.equal(isPressure('eventLoopDelay', Infinity, SAMPLE_INTERVAL_MS), true);
  });

  it('sheds on a measured delay and on every other kind of pressure', () => {
    assert.equal(isPressure('eventLoopDelay', 70_000, 60_000), true);
    assert.equal(isPressure('heapUsedBytes', 1, 60_000), true);
  });
});
