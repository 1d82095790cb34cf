import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ageOn, isRealDate } from './dates.js';
import { parseFileName } from './file-names.js';
import {
  createPupilGenerator,
  generateCtfChunks,
  generateCtfFiles,
  generateIdentities,
  syntheticSupplierId,
} from './generate.js';
import { parseCtf } from './parse.js';
import { createRandom } from './random.js';
import { establishments } from './test-support.js';
import { isValidUln } from './uln.js';
import { checkUpn } from './upn.js';
import { anyVariant, makeVariant, variantKinds } from './variants.js';

describe('synthetic generator', () => {
  it('is deterministic from a seed', () => {
    const a = [...generateCtfFiles({ seed: 'abc', establishments, files: 3, pupilsPerFile: 5 })].map((f) => f.xml);
    const b = [...generateCtfFiles({ seed: 'abc', establishments, files: 3, pupilsPerFile: 5 })].map((f) => f.xml);
    const c = [...generateCtfFiles({ seed: 'abd', establishments, files: 3, pupilsPerFile: 5 })].map((f) => f.xml);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  });

  it('never gives one UPN, current or former, to two different children, across seeds', () => {
    const children = new Map<string, { seed: string; child: string }>();
    let shared = 0;
    for (const seed of ['1', '2', '3']) {
      for (const file of generateCtfFiles({ seed, establishments, files: 20 })) {
        for (const p of file.pupils) {
          const child = [p.surname, p.forename, p.middleNames, p.dateOfBirth, p.sex].join('|');
          for (const upn of [p.upn!, ...p.formerUpns]) {
            const earlier = children.get(upn);
            if (!earlier) children.set(upn, { seed, child });
            else {
              if (earlier.seed !== seed) shared++;
              assert.equal(child, earlier.child, `UPN ${upn}: seed ${earlier.seed} and seed ${seed}`);
            }
          }
        }
      }
    }
    assert.ok(shared > 0, 'seeds do meet the same UPNs, and then the same child');
  });

  it('keeps the demo’s UPNs apart from every other run’s, whatever the seeds', () => {
    const upnsOf = (upnSpace: 'demo' | 'synthetic', seed: string) => {
      const found = new Set<string>();
      for (const file of generateCtfFiles({ seed, establishments, files: 30, pupilsPerFile: 40, upnSpace }))
        for (const p of file.pupils) for (const upn of [p.upn!, ...p.formerUpns]) found.add(upn);
      return found;
    };
    const demo = upnsOf('demo', 'demo');
    let compared = 0;
    for (const seed of ['1', '2', 'demo']) {
      for (const upn of upnsOf('synthetic', seed)) {
        compared++;
        assert.ok(!demo.has(upn), `${upn} is in both`);
      }
    }
    assert.ok(demo.size > 500 && compared > 3000);
    // One generator shared by several batches never gives one UPN to two of its pupils.
    const shared = createPupilGenerator({ seed: 's', establishments, upnSpace: 'demo' });
    const seen = new Set<string>();
    for (let batch = 0; batch < 3; batch++) {
      for (const file of generateCtfFiles({ seed: 'unused', establishments, files: 10, generator: shared })) {
        for (const p of file.pupils) {
          assert.ok(!seen.has(p.upn!), `${p.upn} twice`);
          seen.add(p.upn!);
        }
      }
    }
  });

  it('writes every file from --from to --to when given', () => {
    const files = [...generateCtfFiles({ seed: 5, establishments, files: 6, from: '8232003', to: 'XXXXXXX' })];
    assert.ok(files.every((f) => /^8232003_CTF_XXXXXXX_00\d\.XML$/.test(f.fileName) && f.pupils.length === 1));
    const toSchool = [...generateCtfFiles({ seed: 5, establishments, files: 3, to: '3304101', pupilsPerFile: 2 })];
    assert.ok(toSchool.every((f) => f.header.destination.lea === '330' && f.header.destination.estab === '4101'));
    assert.throws(
      () => generateCtfFiles({ seed: 5, establishments, files: 1, from: '1234567' }).next(),
      /not an establishment/,
    );
    assert.throws(
      () => generateCtfFiles({ seed: 5, establishments, files: 1, to: 'YYYYYYY' }).next(),
      /not a destination/,
    );
    assert.throws(
      () => generateCtfFiles({ seed: 5, establishments, files: 1, from: '8232003', to: '8232003' }).next(),
      /would send to itself/,
    );
  });

  it('writes correctly named, valid files marked fictitious, one pupil each to XXXXXXX and MMMMMMM', async () => {
    const kinds = new Set<string>();
    for (const file of generateCtfFiles({
      seed: 7,
      establishments,
      files: 40,
      pupilsPerFile: 6,
      unknownDestinationRate: 0.4,
    })) {
      const name = parseFileName(file.fileName);
      assert.ok(name);
      kinds.add(name.destinationKind);
      const r = await parseCtf(Buffer.from(file.xml), { fileName: file.fileName });
      assert.deepEqual(r.errors, [], file.fileName);
      assert.equal(r.header?.supplierId, syntheticSupplierId);
      assert.match(syntheticSupplierId, /fictitious/);
      const single = name.destinationKind === 'unknown' || name.destinationKind === 'outside-maintained-sector';
      assert.equal(r.pupilCount, single ? 1 : 6);
    }
    assert.deepEqual([...kinds].sort(), ['la', 'outside-maintained-sector', 'school', 'unknown']);
  });

  it('yields identity records with valid identifiers, a diverse mix of names and ages that fit the year group', () => {
    const ids = [...generateIdentities({ seed: 1, establishments, count: 5000 })];
    const upns = new Set(ids.map((p) => p.upn));
    assert.equal(upns.size, ids.length, 'UPNs unique within a run');
    let temporary = 0;
    let former = 0;
    let withUln = 0;
    for (const p of ids) {
      const check = checkUpn(p.upn ?? '');
      assert.equal(check.ok, true, p.upn ?? '');
      if (check.ok && check.kind === 'temporary') temporary++;
      if (p.formerUpns.length > 0) {
        former++;
        assert.ok(p.formerUpns.every((u) => checkUpn(u).ok));
      }
      if (p.uln) {
        withUln++;
        assert.equal(isValidUln(p.uln), true);
      }
      const age = ageOn(p.dateOfBirth ?? '', '2025-08-31');
      const year = p.ncYearActual === 'R' ? 0 : p.ncYearActual.startsWith('N') ? -1 : Number(p.ncYearActual);
      assert.equal(age, year + 4, `${p.ncYearActual} ${p.dateOfBirth}`);
      assert.match(p.postcode ?? '', /^[A-Z]{1,2}[0-9][0-9A-Z]? [0-9][A-Z]{2}$/);
    }
    assert.ok(temporary > 0 && former > 0 && withUln > 0);
    const surnames = ids.map((p) => p.surname ?? '');
    assert.ok(
      surnames.some((s) => s.includes("'")),
      'apostrophes',
    );
    assert.ok(
      surnames.some((s) => s.includes('-')),
      'hyphens',
    );
    assert.ok(
      surnames.some((s) => /[^ -~]/.test(s)),
      'accents',
    );
    assert.ok(new Set(surnames).size > 150);
  });

  it('streams one large file in pieces', async () => {
    const r = await parseCtf(
      (function* () {
        for (const s of generateCtfChunks({ seed: 3, establishments, pupils: 300 })) yield Buffer.from(s);
      })(),
    );
    assert.deepEqual(r.errors, []);
    assert.equal(r.pupilCount, 300);
  });
});

describe('variants', () => {
  const [base] = generateIdentities({ seed: 5, establishments, count: 1 });
  assert.ok(base);
  const p = { ...base, forename: 'William', middleNames: 'James', surname: 'Thompson', dateOfBirth: '2014-03-07' };

  it('makes each named corruption', () => {
    const random = createRandom(1);
    assert.equal(makeVariant(p, 'day-month-swap', random)?.dateOfBirth, '2014-07-03');
    assert.equal(makeVariant({ ...p, dateOfBirth: '2014-03-17' }, 'day-month-swap', random), null);
    const swapped = makeVariant(p, 'forename-middle-swap', random);
    assert.deepEqual([swapped?.forename, swapped?.middleNames], ['James', 'William']);
    assert.ok(['Will', 'Bill', 'Billy'].includes(makeVariant(p, 'nickname', random)?.forename ?? ''));
    assert.match(makeVariant(p, 'surname-hyphenated', random)?.surname ?? '', /-/);
    assert.notEqual(makeVariant(p, 'surname-changed', random)?.surname, 'Thompson');
    const typo = makeVariant(p, 'typo', random);
    assert.ok(typo && (typo.forename !== 'William' || typo.surname !== 'Thompson'));
    const phonetic = makeVariant(p, 'phonetic', random);
    assert.ok(phonetic && (phonetic.forename !== 'William' || phonetic.surname !== 'Thompson'));
    assert.equal(makeVariant(p, 'accents', random), null);
    const plain = makeVariant({ ...p, forename: 'Siân', surname: "O'Brien" }, 'accents', random);
    assert.equal(plain?.forename, 'Sian');
    assert.ok(['OBrien', 'O Brien'].includes(plain?.surname ?? ''));
    assert.equal(makeVariant({ ...p, surname: 'MacDonald' }, 'accents', random)?.surname, 'Macdonald');
    for (let i = 0; i < 50; i++) {
      const dob = makeVariant(p, 'dob-digit', random)?.dateOfBirth ?? '';
      assert.equal(isRealDate(dob), true, dob);
      assert.equal([...dob].filter((ch, k) => ch !== p.dateOfBirth[k]).length, 1, dob);
    }
  });

  it('always finds some variant for generated pupils', () => {
    const random = createRandom(2);
    const kinds = new Set<string>();
    for (const q of generateIdentities({ seed: 9, establishments, count: 500 })) {
      const v = anyVariant(q, random);
      assert.ok(v);
      kinds.add(v.kind);
      assert.notDeepEqual(v.pupil, q);
    }
    assert.deepEqual([...kinds].sort(), [...variantKinds].sort());
  });
});
