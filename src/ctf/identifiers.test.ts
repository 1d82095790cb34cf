import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isRealDate, isRealDateTime } from './dates.js';
import { buildFileName, classifyDestination, codeAgreesWithHeader, parseFileName } from './file-names.js';
import { checkUln, ulnCheckDigit } from './uln.js';
import { checkUpn, makeUpn, upnCheckLetter } from './upn.js';

describe('UPN check letters', () => {
  it('accepts the DfE worked example H801200001001 (sum 53, remainder 7)', () => {
    assert.equal(upnCheckLetter('801200001001'), 'H');
    assert.deepEqual(checkUpn('H801200001001'), { ok: true, kind: 'permanent' });
  });
  it('rejects a wrong check letter and names the expected one', () => {
    assert.deepEqual(checkUpn('A801200001001'), {
      ok: false,
      problem: 'check-letter',
      kind: 'permanent',
      expected: 'H',
    });
  });
  it('handles temporary UPNs, whose last letter counts at its alphabet index', () => {
    const temp = makeUpn('82320022501A');
    assert.equal(checkUpn(temp).ok, true);
    assert.deepEqual(checkUpn(temp), { ok: true, kind: 'temporary' });
    // I, O and S are not in the alphabet.
    assert.equal(checkUpn(`${temp.slice(0, 12)}I`).ok, false);
  });
  it('rejects malformed UPNs as format problems', () => {
    for (const bad of ['', 'H80120000100', 'H8012000010011', 'h801200001001', '1801200001001', 'H80120000100A1']) {
      assert.deepEqual(checkUpn(bad), { ok: false, problem: 'format' }, bad);
    }
  });
});

describe('ULN check digits', () => {
  it('computes the mod-11 check digit', () => {
    // 1..9 weighted 10..2: 10+18+24+28+30+30+28+24+18 = 210; 210 mod 11 = 1; check 9.
    assert.equal(ulnCheckDigit('123456789'), '9');
    assert.deepEqual(checkUln('1234567899'), { ok: true });
    assert.deepEqual(checkUln('1234567890'), { ok: false, problem: 'check-digit' });
    assert.deepEqual(checkUln('123456789'), { ok: false, problem: 'format' });
  });
  it('never issues numbers whose remainder is 0', () => {
    // 100000000 weighted: 10; 10 mod 11 = 10 → check 0. Find one with remainder 0: 110000000 → 10+9=19 → 8.
    let found = false;
    for (let n = 100000000; n < 100000200; n++) {
      if (ulnCheckDigit(String(n)) === null) found = true;
    }
    assert.equal(found, true);
  });
});

describe('file names', () => {
  it('parses the conventional CTF name', () => {
    assert.deepEqual(parseFileName('8231234_CTF_8235678_001.XML'), {
      fileName: '8231234_CTF_8235678_001.XML',
      source: '8231234',
      sourceKind: 'school',
      type: 'CTF',
      label: 'CTF',
      destination: '8235678',
      destinationKind: 'school',
      sequence: 1,
      extension: 'XML',
    });
  });
  it('classifies each destination kind', () => {
    assert.equal(parseFileName('8231234_CTF_823LLLL_002.xml')?.destinationKind, 'la');
    assert.equal(parseFileName('8231234_CTF_XXXXXXX_001.xml')?.destinationKind, 'unknown');
    assert.equal(parseFileName('8231234_CTF_MMMMMMM_001.Xml')?.destinationKind, 'outside-maintained-sector');
    assert.equal(classifyDestination('8235678'), 'school');
    assert.equal(classifyDestination('823XXXX'), null);
  });
  it('recognises ATF, census and generic files', () => {
    assert.equal(parseFileName('823LLLL_ATF_8231234_001.XML')?.type, 'ATF');
    assert.equal(parseFileName('823LLLL_ATF_8231234_001.XML')?.sourceKind, 'la');
    assert.equal(parseFileName('8231234_SC3_823LLLL_001.XML')?.type, 'census');
    assert.equal(parseFileName('8231234_KS2TA_823LLLL_004.csv')?.type, 'generic');
    assert.equal(parseFileName('8231234_MTC_8231234_001.XML')?.type, 'CTF', "DfE's MTC download is a CTF");
    assert.equal(parseFileName('8231234_mtc_8231234_001.xml')?.label, 'MTC');
    assert.equal(parseFileName('8231234_CTF_8235678_001.pdf'), null);
    assert.equal(parseFileName('report.xml'), null);
    assert.equal(parseFileName('some/dir/8231234_CTF_8235678_001.XML')?.source, '8231234');
  });
  it('builds names that parse back', () => {
    const name = buildFileName({ source: '8231234', label: 'CTF', destination: 'XXXXXXX', sequence: 7 });
    assert.equal(name, '8231234_CTF_XXXXXXX_007.XML');
    assert.equal(parseFileName(name)?.sequence, 7);
    assert.throws(() => buildFileName({ source: '82312', label: 'CTF', destination: 'XXXXXXX', sequence: 1 }));
  });
  it('compares codes with the header', () => {
    assert.equal(codeAgreesWithHeader('8231234', '823', '1234', 'source'), true);
    assert.equal(codeAgreesWithHeader('823LLLL', 'XXX', 'XXXX', 'source'), true);
    assert.equal(codeAgreesWithHeader('8235678', 'XXX', 'XXXX', 'destination'), false);
    assert.equal(codeAgreesWithHeader('823LLLL', '823', 'LLLL', 'destination'), true);
  });
});

describe('dates', () => {
  it('knows real dates', () => {
    assert.equal(isRealDate('2016-02-29'), true);
    assert.equal(isRealDate('2015-02-29'), false);
    assert.equal(isRealDate('2015-13-01'), false);
    assert.equal(isRealDateTime('2026-07-10T10:00:00'), true);
    assert.equal(isRealDateTime('2026-07-10T24:00:00'), false);
  });
});
