import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCtf } from './parse.js';
import { codes, header, pupil, validCtf, validFileName } from './test-support.js';
import { makeUpn } from './upn.js';

async function errorsOf(xml: string, fileName?: string): Promise<string[]> {
  const r = await parseCtf(Buffer.from(xml), fileName === undefined ? {} : { fileName });
  return codes(r.errors);
}

async function warningsOf(xml: string): Promise<string[]> {
  return codes((await parseCtf(Buffer.from(xml))).warnings);
}

describe('header rules', () => {
  it('requires each mandatory header element', async () => {
    for (const el of [
      'DocumentName',
      'CTFversion',
      'DateTime',
      'DocumentQualifier',
      'SupplierID',
      'SchoolName',
      'AcademicYear',
    ]) {
      const xml = validCtf().replace(new RegExp(`\\s*<${el}>[^<]*</${el}>`), '');
      assert.deepEqual(await errorsOf(xml), ['ELEMENT_MISSING'], el);
    }
  });
  it('checks formats', async () => {
    assert.deepEqual(await errorsOf(validCtf([pupil()], header({ version: '25' }))), ['VERSION_INVALID']);
    assert.deepEqual(await errorsOf(validCtf([pupil()], header({ dateTime: '2026-02-30T10:00:00' }))), [
      'DATE_TIME_INVALID',
    ]);
    assert.deepEqual(await errorsOf(validCtf([pupil()], header({ documentQualifier: 'some' }))), [
      'DOCUMENT_QUALIFIER_INVALID',
    ]);
    const bad = header();
    bad.source = { ...bad.source, lea: '82' };
    assert.deepEqual(await errorsOf(validCtf([pupil()], bad)), ['LEA_CODE_INVALID']);
    assert.deepEqual(await errorsOf(validCtf([pupil()], header({ destination: { lea: '823', estab: 'MMMM' } }))), [
      'DESTINATION_INCONSISTENT',
    ]);
  });
  it('accepts the special codes XXX/XXXX, MMM/MMMM and LLLL', async () => {
    const sender = header();
    sender.source = { ...sender.source, lea: 'XXX', estab: 'XXXX' };
    assert.deepEqual(await errorsOf(validCtf([pupil()], sender)), []);
    assert.deepEqual(await errorsOf(validCtf([pupil()], header({ destination: { lea: 'MMM', estab: 'MMMM' } }))), []);
    assert.deepEqual(await errorsOf(validCtf([pupil()], header({ destination: { lea: '823', estab: 'LLLL' } }))), []);
  });
  it('warns, never rejects, on an old version', async () => {
    const xml = validCtf([pupil()], header({ version: '11.0' }));
    assert.deepEqual(await errorsOf(xml), []);
    assert.deepEqual(await warningsOf(xml), ['VERSION_OLD']);
    assert.deepEqual(await warningsOf(validCtf([pupil()], header({ version: '24.0' }))), []);
  });
});

describe('pupil rules', () => {
  it('requires UPN, names, DOB and sex', async () => {
    for (const el of ['UPN', 'Surname', 'Forename', 'DOB', 'Sex']) {
      const xml = validCtf().replace(new RegExp(`\\s*<${el}>[^<]*</${el}>`), '');
      assert.deepEqual(await errorsOf(xml), ['ELEMENT_MISSING'], el);
    }
  });
  it('checks UPN, former UPN and ULN', async () => {
    assert.deepEqual(await errorsOf(validCtf([pupil({ upn: 'H801200001002' })])), ['UPN_CHECK_LETTER']);
    assert.deepEqual(await errorsOf(validCtf([pupil({ upn: 'H80120000100' })])), ['UPN_FORMAT']);
    assert.deepEqual(await errorsOf(validCtf([pupil({ upn: makeUpn('82320022501C') })])), []);
    assert.deepEqual(await errorsOf(validCtf([pupil({ formerUpns: ['A82320022501C'] })])), ['FORMER_UPN_CHECK_LETTER']);
    assert.deepEqual(await errorsOf(validCtf([pupil({ formerUpns: ['nonsense'] })])), ['FORMER_UPN_FORMAT']);
    assert.deepEqual(await errorsOf(validCtf([pupil({ uln: '1234567899' })])), []);
    assert.deepEqual(await errorsOf(validCtf([pupil({ uln: '1234567890' })])), ['ULN_CHECK_DIGIT']);
    assert.deepEqual(await errorsOf(validCtf([pupil({ uln: '12345' })])), ['ULN_FORMAT']);
  });
  it('checks dates of birth are real and plausible, and sex codes', async () => {
    assert.deepEqual(await errorsOf(validCtf([pupil({ dateOfBirth: '2015-02-29' })])), ['DOB_INVALID']);
    assert.deepEqual(await errorsOf(validCtf([pupil({ dateOfBirth: '1950-01-01' })])), ['DOB_IMPLAUSIBLE']);
    assert.deepEqual(await errorsOf(validCtf([pupil({ dateOfBirth: '2027-01-01' })])), ['DOB_IMPLAUSIBLE']);
    assert.deepEqual(await errorsOf(validCtf([pupil({ sex: 'X' })])), ['SEX_INVALID']);
    assert.deepEqual(await errorsOf(validCtf([pupil({ surname: '' })])), ['NAME_EMPTY']);
  });
  it('finds duplicate UPNs within a file', async () => {
    assert.deepEqual(await errorsOf(validCtf([pupil(), pupil({ forename: 'Aoife' })])), ['UPN_DUPLICATE']);
  });
  it('rejects an unknown-destination file holding more than one pupil', async () => {
    const h = header({ destination: { lea: 'XXX', estab: 'XXXX' } });
    assert.deepEqual(await errorsOf(validCtf([pupil()], h)), []);
    const two = validCtf([pupil(), pupil({ upn: makeUpn('823200225003') })], h);
    assert.deepEqual(await errorsOf(two), ['UNKNOWN_DESTINATION_MULTIPLE_PUPILS']);
  });
  it('rejects a file with no pupils', async () => {
    assert.deepEqual(await errorsOf(validCtf([])), ['NO_PUPILS']);
  });
  it('warns on unknown leaving reasons and bad history dates', async () => {
    const history = [
      {
        lea: '823',
        estab: '2001',
        urn: null,
        schoolName: 'X',
        entryDate: '2019-13-01',
        leavingDate: null,
        leavingReason: 'ZZ',
      },
    ];
    const xml = validCtf([pupil({ schoolHistory: history })]);
    assert.deepEqual(await errorsOf(xml), []);
    assert.deepEqual(await warningsOf(xml), ['DATE_INVALID', 'LEAVING_REASON_UNKNOWN']);
  });
});

describe('file name against header', () => {
  it('accepts a matching name', async () => {
    assert.deepEqual(await errorsOf(validCtf(), validFileName), []);
  });
  it('names both values on a mismatch', async () => {
    const r = await parseCtf(Buffer.from(validCtf()), { fileName: '8232002_CTF_8235678_001.XML' });
    assert.deepEqual(codes(r.errors), ['FILE_NAME_DESTINATION_MISMATCH']);
    assert.match(r.errors[0]?.message ?? '', /8235678.*8234003/);
    const s = await parseCtf(Buffer.from(validCtf()), { fileName: '3302101_CTF_8234003_001.XML' });
    assert.deepEqual(codes(s.errors), ['FILE_NAME_SOURCE_MISMATCH']);
    assert.match(s.errors[0]?.message ?? '', /3302101.*8232002/);
  });
  it('warns, naming both, when the name gives another type than the content, and on an unconventional name', async () => {
    for (const name of ['8232002_ATF_8234003_001.XML', '8232002_MISC_8234003_001.XML', '8232002_SC3_8234003_001.XML']) {
      const named = await parseCtf(Buffer.from(validCtf()), { fileName: name });
      assert.deepEqual(codes(named.errors), [], name);
      assert.deepEqual(codes(named.warnings), ['FILE_NAME_TYPE_MISMATCH'], name);
      assert.match(named.warnings[0]?.message ?? '', new RegExp(`says ${name.split('_')[1]}.*is a CTF`));
      assert.equal(named.valid, true);
    }
    const r = await parseCtf(Buffer.from(validCtf()), { fileName: 'pupils.xml' });
    assert.deepEqual(codes(r.warnings), ['FILE_NAME_UNCONVENTIONAL']);
    assert.equal(r.valid, true);
  });
});

describe('bounded work', () => {
  it('stops after the error limit', async () => {
    const many = Array.from({ length: 50 }, (_, i) =>
      pupil({ sex: 'X', upn: makeUpn(`8232002250${String(i).padStart(2, '0')}`) }),
    );
    const r = await parseCtf(Buffer.from(validCtf(many)), { limits: { maxErrors: 10 } });
    assert.equal(r.errors.length, 11);
    assert.equal(r.errors.at(-1)?.code, 'ERROR_LIMIT_REACHED');
    assert.equal(r.stoppedEarly, true);
  });
});
