import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { generateCtfFiles, type SyntheticPupil } from './generate.js';
import type { CtfPupil, CtfPupilIdentity } from './model.js';
import { parseCtf } from './parse.js';
import { codes, establishments } from './test-support.js';
import { upnLetters } from './upn.js';

function identityOf(p: SyntheticPupil | CtfPupil): CtfPupilIdentity {
  return {
    upn: p.upn,
    formerUpns: p.formerUpns,
    uln: p.uln,
    surname: p.surname,
    forename: p.forename,
    middleNames: p.middleNames,
    preferredSurname: p.preferredSurname,
    preferredForename: p.preferredForename,
    formerSurname: p.formerSurname,
    formerForename: p.formerForename,
    dateOfBirth: p.dateOfBirth,
    sex: p.sex,
    postcode: p.postcode,
    schoolHistory: p.schoolHistory,
    applicationReference: p.applicationReference,
  };
}

function oneFile(seed: number, pupils: number, rate = 0.2) {
  const [file] = generateCtfFiles({
    seed,
    establishments,
    files: 1,
    pupilsPerFile: pupils,
    unknownDestinationRate: rate,
  });
  assert.ok(file);
  return file;
}

const fileArb = fc.record({ seed: fc.integer({ min: 0, max: 1_000_000 }), pupils: fc.integer({ min: 1, max: 4 }) });

describe('properties', () => {
  it('generate → write → parse gives the same model', async () => {
    await fc.assert(
      fc.asyncProperty(fileArb, async ({ seed, pupils }) => {
        const file = oneFile(seed, pupils);
        const r = await parseCtf(Buffer.from(file.xml), { fileName: file.fileName });
        assert.deepEqual(r.errors, []);
        assert.deepEqual(r.warnings, []);
        assert.deepEqual(r.pupils.map(identityOf), file.pupils.map(identityOf));
        assert.equal(r.header?.source.laestab, `${file.header.source.lea}${file.header.source.estab}`);
        assert.equal(r.header?.destination.laestab, `${file.header.destination.lea}${file.header.destination.estab}`);
        assert.equal(r.header?.supplierId, file.header.supplierId);
      }),
      { numRuns: 40 },
    );
  });

  it('dropping any mandatory element is rejected with ELEMENT_MISSING', async () => {
    const mandatory = [
      'DocumentName',
      'CTFversion',
      'DateTime',
      'DocumentQualifier',
      'SupplierID',
      'AcademicYear',
      'UPN',
      'Surname',
      'Forename',
      'DOB',
      'Sex',
    ];
    await fc.assert(
      fc.asyncProperty(fileArb, fc.constantFrom(...mandatory), fc.nat(), async ({ seed, pupils }, element, which) => {
        const file = oneFile(seed, pupils);
        const pattern = new RegExp(`\\n {4,6}<${element}>[^<]*</${element}>`, 'g'); // pupil and header level, not contacts
        const matches = [...file.xml.matchAll(pattern)];
        const m = matches[which % matches.length];
        assert.ok(m && m.index !== undefined);
        const xml = file.xml.slice(0, m.index) + file.xml.slice(m.index + m[0].length);
        const r = await parseCtf(Buffer.from(xml));
        assert.equal(r.valid, false);
        assert.ok(codes(r.errors).includes('ELEMENT_MISSING'), JSON.stringify(codes(r.errors)));
      }),
      { numRuns: 40 },
    );
  });

  it('corrupting a UPN check letter is rejected with UPN_CHECK_LETTER', async () => {
    await fc.assert(
      fc.asyncProperty(fileArb, fc.nat(), fc.integer({ min: 1, max: 22 }), async ({ seed, pupils }, which, shift) => {
        const file = oneFile(seed, pupils);
        const matches = [...file.xml.matchAll(/<UPN>([A-Z])/g)];
        const m = matches[which % matches.length];
        assert.ok(m && m.index !== undefined);
        const at = m.index + 5;
        const letter = upnLetters[(upnLetters.indexOf(m[1] ?? '') + shift) % 23] ?? 'A';
        const xml = file.xml.slice(0, at) + letter + file.xml.slice(at + 1);
        const r = await parseCtf(Buffer.from(xml));
        assert.deepEqual(codes(r.errors), ['UPN_CHECK_LETTER']);
      }),
      { numRuns: 40 },
    );
  });

  it('a truncated file is rejected and never crashes', async () => {
    await fc.assert(
      fc.asyncProperty(fileArb, fc.double({ min: 0, max: 1, noNaN: true }), async ({ seed, pupils }, fraction) => {
        const bytes = Buffer.from(oneFile(seed, pupils).xml);
        const cut = Math.floor(fraction * (bytes.length - 12));
        const r = await parseCtf(bytes.subarray(0, cut));
        assert.equal(r.valid, false);
        const [first] = codes(r.errors);
        assert.ok(['XML_NOT_WELL_FORMED', 'ENCODING_INVALID', 'FILE_EMPTY'].includes(first ?? ''), first);
      }),
      { numRuns: 60 },
    );
  });

  it('a broken encoding is rejected with ENCODING_INVALID at the right offset', async () => {
    await fc.assert(
      fc.asyncProperty(
        fileArb,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.constantFrom(0xff, 0x80, 0xc0, 0xfe),
        async ({ seed, pupils }, fraction, byte) => {
          const bytes = Buffer.from(oneFile(seed, pupils).xml);
          // Insert at a character boundary (not inside a multi-byte character) so the offset is exact.
          let at = 1 + Math.floor(fraction * (bytes.length - 1));
          while (at < bytes.length && ((bytes[at] ?? 0) & 0xc0) === 0x80) at++;
          const broken = Buffer.concat([bytes.subarray(0, at), Buffer.from([byte]), bytes.subarray(at)]);
          const r = await parseCtf(broken);
          assert.deepEqual(codes(r.errors), ['ENCODING_INVALID']);
          assert.match(r.errors[0]?.message ?? '', new RegExp(`offset ${at}\\b`));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('any single-byte change never throws', async () => {
    await fc.assert(
      fc.asyncProperty(fileArb, fc.nat(), fc.integer({ min: 0, max: 255 }), async ({ seed, pupils }, where, byte) => {
        const bytes = Buffer.from(oneFile(seed, pupils).xml);
        bytes[where % bytes.length] = byte;
        const r = await parseCtf(bytes);
        assert.equal(typeof r.valid, 'boolean');
      }),
      { numRuns: 100 },
    );
  });
});
