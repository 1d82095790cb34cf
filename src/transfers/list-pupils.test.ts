import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FILES_WITH_NAMES, NAMES_PER_FILE, withPupilNames } from './list-pupils.js';

describe('the names a list shows for its files', () => {
  it('reads only the newest 50 CTFs, five names each, and counts the rest of each file’s pupils', async () => {
    const files = Array.from({ length: 60 }, (_, i) => ({
      id: `file-${i}`,
      fileType: i === 1 ? 'census' : 'CTF',
      pupils: 7,
    }));
    const asked: Array<[string, number]> = [];
    const named = await withPupilNames(files, async (id, max) => {
      asked.push([id, max]);
      return Array.from({ length: max }, (_, n) => ({
        upn: null,
        surname: `Surname${n}`,
        forename: id,
        dateOfBirth: '2015-01-01',
        sex: null,
      }));
    });
    assert.equal(asked.length, FILES_WITH_NAMES);
    assert.ok(asked.every(([, max]) => max === NAMES_PER_FILE));
    assert.ok(!asked.some(([id]) => id === 'file-1'), 'a file that is not a CTF is not read');
    assert.deepEqual(named[0]!.names?.more, 2);
    assert.equal(named[0]!.names?.shown.length, 5);
    assert.equal(named[1]!.names, undefined);
    assert.equal(named[51]!.names, undefined, 'files past the newest 50 CTFs show no names');
    assert.equal(named[50]!.names?.shown.length, 5, 'the 50th CTF (the 51st file) is read');
  });

  it('shows no names for a file it cannot read, and says why, without failing the list', async () => {
    const failed: string[] = [];
    const named = await withPupilNames(
      [
        { id: 'broken', fileType: 'CTF', pupils: 1 },
        { id: 'fine', fileType: 'CTF', pupils: 1 },
      ],
      async (id) => {
        if (id === 'broken') throw new Error('the blob is gone');
        return [{ upn: null, surname: 'Oakes', forename: 'Wyn', dateOfBirth: '2015-01-01', sex: null }];
      },
      (id) => failed.push(id),
    );
    assert.deepEqual(failed, ['broken']);
    assert.equal(named[0]!.names, undefined);
    assert.equal(named[1]!.names?.shown[0]?.surname, 'Oakes');
  });
});
