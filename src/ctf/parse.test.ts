import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { extractPupil, extractPupilFrom } from './extract.js';
import { makeUpn } from './upn.js';
import { parseCtf } from './parse.js';
import { teeChunks } from './tee.js';
import { chunked, codes, header, pupil, validCtf, validFileName } from './test-support.js';
import { writeCtf } from './write.js';

const twoPupils = validCtf([
  pupil(),
  pupil({
    upn: makeUpn('823200225002'),
    surname: 'Wójcik-Smith',
    forename: 'Łukasz',
    middleNames: 'Jan Paweł',
    formerUpns: [],
    sex: 'M',
    dateOfBirth: '2014-11-30',
    schoolHistory: [
      {
        lea: '823',
        estab: '2001',
        urn: '900001',
        schoolName: 'Meadowbank',
        entryDate: '2018-09-03',
        leavingDate: '2021-07-21',
        leavingReason: 'PM',
      },
    ],
  }),
]);

describe('parseCtf', () => {
  it('reads the header and each pupil identity', async () => {
    const bytes = Buffer.from(validCtf());
    const r = await parseCtf(bytes, { fileName: validFileName });
    assert.deepEqual(r.errors, []);
    assert.equal(r.valid, true);
    assert.equal(r.documentType, 'CTF');
    assert.equal(r.encoding, 'utf-8');
    assert.equal(r.header?.source.laestab, '8232002');
    assert.equal(r.header?.destination.kind, 'school');
    assert.equal(r.pupils.length, 1);
    const p = r.pupils[0];
    assert.equal(p?.surname, "O'Brien");
    assert.equal(p?.forename, 'Siobhán');
    assert.equal(p?.postcode, 'AV1 2AB');
    assert.equal(
      bytes.subarray(p?.byteRange.start, p?.byteRange.end).toString(),
      validCtf().match(/<Pupil>[\s\S]*<\/Pupil>/)?.[0],
    );
  });

  it('gives the same model for a Buffer and for any chunking of it', async () => {
    const bytes = Buffer.from(twoPupils);
    const whole = await parseCtf(bytes);
    for (const sizes of [[1], [2, 3], [7, 1, 64], [1000]]) {
      const streamed = await parseCtf(chunked(bytes, sizes));
      assert.deepEqual(streamed, whole, `chunks ${sizes.join(',')}`);
    }
  });

  it('reports byte ranges that re-emit each pupil verbatim, and extracts one pupil as a valid CTF', async () => {
    const bytes = Buffer.from(twoPupils);
    const r = await parseCtf(bytes);
    assert.ok(r.layout);
    const second = r.pupils[1];
    assert.ok(second);
    assert.equal(bytes.subarray(second.byteRange.start, second.byteRange.start + 7).toString(), '<Pupil>');
    assert.equal(bytes.subarray(second.byteRange.end - 8, second.byteRange.end).toString(), '</Pupil>');
    const single = extractPupil(bytes, r.layout, second);
    const again = await parseCtf(single);
    assert.equal(again.valid, true, JSON.stringify(again.errors));
    assert.equal(again.pupilCount, 1);
    assert.equal(again.pupils[0]?.surname, 'Wójcik-Smith');
    assert.ok(single.includes(bytes.subarray(second.byteRange.start, second.byteRange.end)));
    const viaReader = await extractPupilFrom(async (s, e) => bytes.subarray(s, e), r.layout, second);
    assert.deepEqual(viaReader, single);
    assert.throws(() => extractPupil(bytes, r.layout!, { byteRange: { start: 0, end: 10 } }), RangeError);
  });

  it('decodes UTF-16 LE and BE (with BOM) and Latin-1, with byte ranges in the original encoding', async () => {
    const text = twoPupils;
    const utf16 = text.replace('encoding="UTF-8"', 'encoding="UTF-16"');
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(utf16, 'utf16le')]);
    const be = Buffer.from(le);
    be.swap16();
    const latin = Buffer.from(
      text.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"').replace('Łukasz', 'Lukasz').replace('Wójcik', 'Wójcik'),
      'latin1',
    );
    const results = await Promise.all([le, be, latin].map((b) => parseCtf(chunked(b, [5, 333]))));
    assert.deepEqual(
      results.map((r) => r.encoding),
      ['utf-16le', 'utf-16be', 'windows-1252'],
    );
    for (const [i, r] of results.entries()) {
      assert.equal(r.valid, true, JSON.stringify(r.errors));
      assert.equal(r.pupils[1]?.surname, 'Wójcik-Smith');
      const original = [le, be, latin][i] as Buffer;
      const single = extractPupil(original, r.layout!, r.pupils[1]!);
      const again = await parseCtf(single);
      assert.equal(again.encoding, r.encoding);
      assert.equal(again.pupils[0]?.middleNames, r.pupils[1]?.middleNames);
    }
  });

  it('decodes Windows-1252 curly quotes and the euro sign, not as control characters', async () => {
    const text = validCtf().replace('encoding="UTF-8"', 'encoding="windows-1252"');
    const surname = /<Surname>([^<]+)<\/Surname>/.exec(text)![1]!;
    const [before, after] = text.split(`<Surname>${surname}</Surname>`) as [string, string];
    // 0x92 is a right single quotation mark in Windows-1252 (and an invisible control character in ISO-8859-1).
    const bytes = Buffer.concat([
      Buffer.from(`${before}<Surname>O`, 'latin1'),
      Buffer.from([0x92]),
      Buffer.from(`Brien</Surname>${after}`, 'latin1'),
    ]);
    const r = await parseCtf(bytes);
    assert.equal(r.encoding, 'windows-1252');
    assert.equal(r.pupils[0]?.surname, 'O\u2019Brien');
  });

  it('accepts a UTF-8 BOM', async () => {
    const r = await parseCtf(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(validCtf())]));
    assert.equal(r.valid, true);
    assert.equal(r.layout?.pupilsStart, Buffer.from(validCtf()).indexOf('<Pupil>') + 3);
  });

  it('hands pupils to onPupil one at a time without retaining them', async () => {
    const seen: string[] = [];
    const r = await parseCtf(Buffer.from(twoPupils), {
      retainPupils: false,
      onPupil: async (p) => {
        await Promise.resolve();
        seen.push(p.forename ?? '');
      },
    });
    assert.deepEqual(seen, ['Siobhán', 'Łukasz']);
    assert.equal(r.pupils.length, 0);
    assert.equal(r.pupilCount, 2);
  });

  it('keeps unknown elements (a warning, never an error) and reads Gender as well as Sex', async () => {
    const xml = writeCtf({ header: header(), pupils: [pupil()], sexElement: 'Gender' })
      .replace('<Forename>', '<FavouriteColour>teal</FavouriteColour>\n      <Forename>')
      .replace('</Header>', '  <SuppInfo><Vendor>x</Vendor></SuppInfo>\n  </Header>');
    const r = await parseCtf(Buffer.from(xml));
    assert.equal(r.valid, true, JSON.stringify(r.errors));
    assert.deepEqual(codes(r.warnings), ['ELEMENT_UNKNOWN']);
    assert.equal(r.pupils[0]?.sex, 'F');
    assert.deepEqual(r.header?.other, [{ path: 'SuppInfo/Vendor', text: 'x' }]);
    const p = r.pupils[0]!;
    assert.match(Buffer.from(xml).subarray(p.byteRange.start, p.byteRange.end).toString(), /FavouriteColour/);
  });

  it('reads an ATF', async () => {
    const xml = writeCtf({
      type: 'ATF',
      header: header({ version: '12.0' }),
      pupils: [pupil({ upn: null, applicationReference: '823-2026-09-1-000123' })],
    });
    const r = await parseCtf(Buffer.from(xml));
    assert.equal(r.documentType, 'ATF');
    assert.equal(r.valid, true, JSON.stringify(r.errors));
    assert.equal(r.pupils[0]?.applicationReference, '823-2026-09-1-000123');
  });

  it('reports positions as line, column and element path', async () => {
    const xml = validCtf([pupil({ upn: 'A801200001001' })]);
    const r = await parseCtf(Buffer.from(xml));
    const e = r.errors[0];
    assert.equal(e?.code, 'UPN_CHECK_LETTER');
    const lines = xml.split('\n');
    const lineIndex = lines.findIndex((l) => l.includes('<UPN>'));
    assert.equal(e?.line, lineIndex + 1);
    assert.equal(e?.column, (lines[lineIndex] ?? '').indexOf('<UPN>') + 1);
    assert.equal(e?.path, '/CTfile/CTFpupilData/Pupil[1]/UPN');
    assert.deepEqual(r.pupils[0]?.errors, [e]);
  });
});

describe('parseCtf streaming details', () => {
  it('handles CRLF line ends and a line break inside the Pupil start tag', async () => {
    const xml = twoPupils.replace(/\n/g, '\r\n').replace('<Pupil>', '<Pupil\r\n>');
    const bytes = Buffer.from(xml);
    for (const input of [bytes, chunked(bytes, [3, 17, 1])]) {
      const r = await parseCtf(input);
      assert.equal(r.valid, true, JSON.stringify(r.errors));
      for (const p of r.pupils) {
        const text = bytes.subarray(p.byteRange.start, p.byteRange.end).toString();
        assert.match(text, /^<Pupil\s*>[\s\S]*<\/Pupil>$/);
        const lines = xml.split('\r\n');
        assert.equal(lines[p.line - 1]?.slice(p.column - 1, p.column + 5), '<Pupil');
      }
    }
  });

  it('reads the rest of the input after an early stop only when asked (consumeAll)', async () => {
    let pulled = 0;
    async function* body(): AsyncGenerator<Buffer> {
      yield Buffer.from('<?xml version="1.0"?>\n<!DOCTYPE x>\n');
      for (let i = 0; i < 10; i++) {
        pulled++;
        yield Buffer.alloc(1000, 0x20);
      }
    }
    const stopped = await parseCtf(body());
    assert.deepEqual(codes(stopped.errors), ['DOCTYPE_FORBIDDEN']);
    assert.ok(pulled < 10);
    pulled = 0;
    const drained = await parseCtf(body(), { consumeAll: true });
    assert.deepEqual(codes(drained.errors), ['DOCTYPE_FORBIDDEN']);
    assert.equal(pulled, 10);
    assert.equal(drained.bytesRead, Buffer.byteLength('<?xml version="1.0"?>\n<!DOCTYPE x>\n') + 10_000);
  });

  it('parses while storing with teeChunks', async () => {
    const bytes = Buffer.from(twoPupils);
    const stored: Buffer[] = [];
    const r = await parseCtf(
      teeChunks(
        (async function* () {
          yield* chunked(bytes, [100]);
        })(),
        async (chunk) => {
          stored.push(Buffer.from(chunk));
        },
      ),
    );
    assert.equal(r.valid, true);
    assert.deepEqual(Buffer.concat(stored), bytes);
    const p = r.pupils[0]!;
    assert.deepEqual(
      Buffer.concat(stored).subarray(p.byteRange.start, p.byteRange.end),
      bytes.subarray(p.byteRange.start, p.byteRange.end),
    );
  });
});
