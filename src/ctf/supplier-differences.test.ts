import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
// Each construct's file in test/fixtures/real-world is checked against its verdict by test/real-world-corpus.test.ts;
// these tests pin down each tolerance and limit on its own.
import { extractPupil } from './extract.js';
import { headerFieldLengths, pupilFieldLengths, schoolHistoryFieldLengths } from './field-lengths.js';
import { parseCtf } from './parse.js';
import { codes, header, pupil, validCtf } from './test-support.js';

const parse = (xml: string) => parseCtf(Buffer.from(xml));

describe('empty optional elements', () => {
  it('reads an optional element written empty as absent', async () => {
    const result = await parse(
      validCtf([pupil({ uln: '1234567890', middleNames: 'Grace', formerUpns: ['C823200315001'] })])
        .replace(/<UniqueLearnerNumber>[^<]*<\/UniqueLearnerNumber>/, '<UniqueLearnerNumber/>')
        .replace(/<FormerUPN>[^<]*<\/FormerUPN>/, '<FormerUPN/>')
        .replace(/<MiddleNames>[^<]*<\/MiddleNames>/, '<MiddleNames>  </MiddleNames>')
        .replace(/<URN>900002<\/URN>/, '<URN/>'),
    );
    assert.deepEqual(codes(result.errors), []);
    const [one] = result.pupils;
    assert.equal(one?.uln, null);
    assert.deepEqual(one?.formerUpns, []);
    assert.equal(one?.middleNames, null);
    assert.equal(result.header?.source.urn, null);
  });

  it('still refuses a mandatory element written empty, saying what is wrong with it', async () => {
    const xml = validCtf();
    assert.deepEqual(codes((await parse(xml.replace(/<Surname>[^<]*<\/Surname>/, '<Surname/>'))).errors), [
      'NAME_EMPTY',
    ]);
    assert.deepEqual(codes((await parse(xml.replace(/<UPN>[^<]*<\/UPN>/, '<UPN></UPN>'))).errors), ['UPN_FORMAT']);
    assert.deepEqual(codes((await parse(xml.replace(/<DOB>[^<]*<\/DOB>/, '<DOB/>'))).errors), ['DOB_INVALID']);
    assert.deepEqual(codes((await parse(xml.replace(/<SupplierID>[^<]*<\/SupplierID>/, '<SupplierID/>'))).errors), []);
  });
});

describe('dates written as xs:date with a time zone', () => {
  it('reads 2015-03-04Z and 2015-03-04+01:00 as the date', async () => {
    for (const written of ['2015-03-04Z', '2015-03-04+01:00', '2015-03-04-05:00', '2015-03-04+14:00']) {
      const result = await parse(validCtf().replace('<DOB>2015-03-04</DOB>', `<DOB>${written}</DOB>`));
      assert.deepEqual(codes(result.errors), [], written);
      assert.equal(result.pupils[0]?.dateOfBirth, '2015-03-04', written);
    }
  });

  it('still refuses what is not an xs:date', async () => {
    for (const written of ['2015-03-04T00:00:00', '2015-03-04+15:00', '2015-03-04 Z', '2015-02-30Z', '04/03/2015']) {
      const result = await parse(validCtf().replace('<DOB>2015-03-04</DOB>', `<DOB>${written}</DOB>`));
      assert.deepEqual(codes(result.errors), ['DOB_INVALID'], written);
    }
  });

  it('reads school history dates the same way', async () => {
    const xml = validCtf([
      pupil({
        schoolHistory: [
          {
            lea: '823',
            estab: '2002',
            urn: '900002',
            schoolName: 'St Aidan',
            entryDate: '2019-09-04',
            leavingDate: '2026-07-10',
            leavingReason: 'PM',
          },
        ],
      }),
    ])
      .replace('<EntryDate>2019-09-04</EntryDate>', '<EntryDate>2019-09-04+01:00</EntryDate>')
      .replace('<LeavingDate>2026-07-10</LeavingDate>', '<LeavingDate>2026-07-10Z</LeavingDate>');
    const result = await parse(xml);
    assert.deepEqual(codes(result.warnings), []);
    assert.equal(result.pupils[0]?.schoolHistory[0]?.entryDate, '2019-09-04');
    assert.equal(result.pupils[0]?.schoolHistory[0]?.leavingDate, '2026-07-10');
  });
});

describe('namespace prefixes', () => {
  const prefixAll = (xml: string) =>
    xml.replace(/<(\/?)([A-Za-z])/g, '<$1ctf:$2').replace('<ctf:CTfile>', '<ctf:CTfile xmlns:ctf="urn:example:ctf">');

  it('reads a file whose every element is prefixed as the same CTF', async () => {
    const plain = await parse(validCtf());
    const prefixed = await parse(prefixAll(validCtf()));
    assert.deepEqual(codes(prefixed.errors), []);
    assert.deepEqual(codes(prefixed.warnings), []);
    assert.equal(prefixed.documentType, 'CTF');
    assert.equal(prefixed.header?.destination.laestab, plain.header?.destination.laestab);
    const { byteRange: _a, ...prefixedPupil } = prefixed.pupils[0]!;
    const { byteRange: _b, ...plainPupil } = plain.pupils[0]!;
    assert.deepEqual({ ...prefixedPupil, line: 0, column: 0 }, { ...plainPupil, line: 0, column: 0 });
  });

  it('reads a prefix on the root alone, and reports places without the prefix', async () => {
    const xml = validCtf()
      .replace('<CTfile>', '<s:CTfile xmlns:s="urn:example:ctf">')
      .replace('</CTfile>', '</s:CTfile>')
      .replace('<Sex>F</Sex>', '<Sex>Q</Sex>');
    const result = await parse(xml);
    assert.deepEqual(codes(result.errors), ['SEX_INVALID']);
    assert.equal(result.errors[0]?.path, '/CTfile/CTFpupilData/Pupil[1]/Sex');
    const line = xml.split('\n').findIndex((l) => l.includes('<Sex>Q')) + 1;
    assert.equal(result.errors[0]?.line, line);
  });

  it('extracts a prefixed pupil as a CTF that reads back', async () => {
    const xml = Buffer.from(prefixAll(validCtf([pupil(), pupil({ upn: 'C823200315001', surname: 'Nowak' })])));
    const result = await parseCtf(xml);
    const one = extractPupil(xml, result.layout!, result.pupils[1]!);
    const again = await parseCtf(one);
    assert.deepEqual(codes(again.errors), []);
    assert.equal(again.pupils[0]?.surname, 'Nowak');
  });
});

describe('SuppInfo', () => {
  it('knows a SuppInfo block in the header and in a pupil, and keeps the header one', async () => {
    const xml = validCtf()
      .replace('</Header>', '<SuppInfo><ExportProfile>Leavers</ExportProfile></SuppInfo></Header>')
      .replace('</Pupil>', '<SuppInfo><MISPupilID>000123</MISPupilID></SuppInfo></Pupil>');
    const result = await parse(xml);
    assert.deepEqual(codes(result.warnings), []);
    assert.deepEqual(result.header?.other, [{ path: 'SuppInfo/ExportProfile', text: 'Leavers' }]);
    const range = result.pupils[0]!.byteRange;
    assert.match(Buffer.from(xml).subarray(range.start, range.end).toString(), /<MISPupilID>000123<\/MISPupilID>/);
  });
});

describe('field lengths', () => {
  it('accepts each field at its limit and refuses it one character past, naming the field and the limit', async () => {
    const cases: { length: number; at: (n: number) => string; path: string }[] = [
      {
        length: pupilFieldLengths.Surname!,
        at: (n) => validCtf([pupil({ surname: 'a'.repeat(n) })]),
        path: '/CTfile/CTFpupilData/Pupil[1]/Surname',
      },
      {
        length: pupilFieldLengths['BasicDetails/MiddleNames']!,
        at: (n) => validCtf([pupil({ middleNames: 'b'.repeat(n) })]),
        path: '/CTfile/CTFpupilData/Pupil[1]/BasicDetails/MiddleNames',
      },
      {
        length: pupilFieldLengths['Address/PostCode']!,
        at: (n) => validCtf([pupil({ postcode: 'C'.repeat(n) })]),
        path: '/CTfile/CTFpupilData/Pupil[1]/Address/PostCode',
      },
      {
        length: headerFieldLengths['SourceSchool/SchoolName']!,
        at: (n) => {
          const h = header();
          return validCtf([pupil()], { ...h, source: { ...h.source, schoolName: 'd'.repeat(n) } });
        },
        path: '/CTfile/Header/SourceSchool/SchoolName',
      },
      {
        length: schoolHistoryFieldLengths.SchoolName!,
        at: (n) =>
          validCtf([
            pupil({
              schoolHistory: [
                {
                  lea: '823',
                  estab: '2002',
                  urn: null,
                  schoolName: 'e'.repeat(n),
                  entryDate: null,
                  leavingDate: null,
                  leavingReason: null,
                },
              ],
            }),
          ]),
        path: '/CTfile/CTFpupilData/Pupil[1]/SchoolHistory/School[1]/SchoolName',
      },
    ];
    for (const c of cases) {
      assert.deepEqual(codes((await parse(c.at(c.length))).errors), [], c.path);
      const refused = await parse(c.at(c.length + 1));
      assert.deepEqual(codes(refused.errors), ['FIELD_TOO_LONG'], c.path);
      assert.equal(refused.errors[0]?.path, c.path);
      assert.ok(refused.errors[0]!.line > 0);
      assert.match(
        refused.errors[0]!.message,
        new RegExp(`is ${c.length + 1} characters long; the most s2s accepts is ${c.length}\\.`),
      );
    }
  });

  it('reports an over-long field once, and never quotes it', async () => {
    const h = header();
    const xml = validCtf([pupil()], { ...h, documentQualifier: 'full', supplierId: 'x'.repeat(300_000) });
    const result = await parse(xml);
    assert.deepEqual(codes(result.errors), ['FIELD_TOO_LONG']);
    assert.ok(result.errors[0]!.message.length < 200);
  });
});
