import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as ctf from './index.js';
import { validCtf, validFileName } from './test-support.js';

describe('public API', () => {
  it('validateCtf checks without retaining pupils', async () => {
    const r = await ctf.validateCtf(Buffer.from(validCtf()), { fileName: validFileName });
    assert.equal(r.valid, true);
    assert.equal(r.pupilCount, 1);
    assert.deepEqual(r.pupils, []);
  });
  it('exports the pieces the transfers code needs', () => {
    for (const name of [
      'parseCtf',
      'validateCtf',
      'teeChunks',
      'extractPupil',
      'extractPupilFrom',
      'parseFileName',
      'classifyDestination',
      'buildFileName',
      'generateIdentities',
      'generateCtfFiles',
      'makeVariant',
    ]) {
      assert.equal(typeof (ctf as Record<string, unknown>)[name], 'function', name);
    }
    assert.ok(ctf.ctfIssueCodes.includes('UPN_CHECK_LETTER'));
    assert.deepEqual([...ctf.variantKinds].length, 9);
  });
});
