import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  addressCaptures,
  basicDetailsCaptures,
  documentNames,
  documentTypeOfRoot,
  formerUpnKeys,
  headerMandatory,
  headerSchoolElements,
  knownBasicDetailsElements,
  knownHeaderElements,
  knownPupilElements,
  localName,
  pupilMandatory,
  pupilTopCaptures,
  schoolCaptures,
  sexKeys,
  singleValuedPupilKeys,
} from './elements.js';
import { headerFieldLengths, pupilFieldLengths, schoolHistoryFieldLengths } from './field-lengths.js';

/** Every pupil key the parser keeps text for, by path relative to `Pupil`. */
const pupilKeysRead = new Set([
  ...pupilTopCaptures,
  ...[...basicDetailsCaptures].map((name) => `BasicDetails/${name}`),
  ...[...addressCaptures].map((name) => `Address/${name}`),
]);

function missingFrom(set: ReadonlySet<string>, keys: Iterable<string>): string[] {
  return [...keys].filter((key) => !set.has(key));
}

describe('the element sets the parser and the validator share', () => {
  it('read every field that has a length limit, so no limit goes unchecked', () => {
    const headerContainers = [...headerSchoolElements];
    assert.deepEqual(missingFrom(knownHeaderElements, Object.keys(headerFieldLengths)), []);
    assert.deepEqual(
      Object.keys(headerFieldLengths).filter((key) => headerContainers.includes(key)),
      [],
      'a container has no text to limit',
    );
    assert.deepEqual(missingFrom(pupilKeysRead, Object.keys(pupilFieldLengths)), []);
    assert.deepEqual(missingFrom(schoolCaptures, Object.keys(schoolHistoryFieldLengths)), []);
  });

  it('read every mandatory element and every place sex and former UPNs are written', () => {
    for (const type of ['CTF', 'ATF'] as const) {
      assert.deepEqual(missingFrom(knownHeaderElements, headerMandatory[type]), [], type);
      assert.deepEqual(missingFrom(pupilKeysRead, pupilMandatory[type]), [], type);
      assert.ok(knownHeaderElements.has(documentNames[type].version), type);
    }
    assert.deepEqual(missingFrom(pupilKeysRead, sexKeys), []);
    assert.deepEqual(missingFrom(pupilKeysRead, formerUpnKeys), []);
    assert.deepEqual(missingFrom(pupilKeysRead, singleValuedPupilKeys), []);
  });

  it('know every element the parser reads, so reading one never warns that it is unknown', () => {
    assert.deepEqual(missingFrom(knownPupilElements, pupilTopCaptures), []);
    assert.deepEqual(missingFrom(knownBasicDetailsElements, basicDetailsCaptures), []);
    assert.deepEqual(missingFrom(knownPupilElements, ['BasicDetails', 'Address', 'SchoolHistory']), []);
    assert.deepEqual(missingFrom(knownHeaderElements, headerSchoolElements), []);
  });

  it('name the document type from the root without its namespace prefix', () => {
    assert.equal(documentTypeOfRoot(localName('ctf:CTfile')), 'CTF');
    assert.equal(documentTypeOfRoot(localName('ATfile')), 'ATF');
    assert.equal(documentTypeOfRoot('CTfileX'), null);
    assert.equal(localName('a:b:Pupil'), 'b:Pupil', 'only the first colon separates a prefix');
  });
});
