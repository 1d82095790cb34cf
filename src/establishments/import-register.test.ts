import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testDatabases } from '../../test/support/databases.js';
import { realWorldFixture } from '../../test/support/real-world-corpus.js';
import { testServices } from '../../test/support/services.js';
import { sampleRegisterFile } from '../demo/seed-demo.js';
import { CsvStructureError, maxRecordChars, readCsv, type CsvRecord } from './csv.js';
import { decodeWindows1252, encodeWindows1252 } from './windows-1252.js';
import { importRegister } from './import-register.js';
import { sampleEstablishments, sampleRegisterCsvText } from './sample-register.js';
import { searchEstablishments } from './search-establishments.js';
import { detectRegisterEncoding } from './register-encoding.js';

async function* bytes(...chunks: number[][]) {
  for (const chunk of chunks) yield Uint8Array.from(chunk);
}

async function* text(value: string) {
  yield value;
}

async function* pieces(...values: string[]) {
  yield* values;
}

describe('the encoding of an extract', () => {
  it('is UTF-8 when it says so with a BOM, or when it is valid UTF-8 beyond ASCII; else Windows-1252', async () => {
    assert.equal(await detectRegisterEncoding(bytes([0xef, 0xbb, 0xbf, 0x55], [0x92])), 'UTF-8 with byte order mark');
    // “â” split between two chunks is still one UTF-8 character.
    assert.equal(await detectRegisterEncoding(bytes([0x54, 0xc3], [0xa2, 0x66])), 'UTF-8');
    assert.equal(await detectRegisterEncoding(bytes([0x44, 0xe2, 0x66, 0x92])), 'Windows-1252');
    assert.equal(await detectRegisterEncoding(bytes([0x54, 0xc3])), 'Windows-1252', 'cut off at the end');
    assert.equal(await detectRegisterEncoding(bytes([0x55, 0x52, 0x4e])), 'Windows-1252', 'ASCII reads the same');
  });
});

describe('CSV reading', () => {
  const records = async (...chunks: string[]): Promise<CsvRecord[]> => {
    const read: CsvRecord[] = [];
    for await (const r of readCsv(pieces(...chunks))) read.push(r);
    return read;
  };
  const refusal = async (...chunks: string[]): Promise<CsvStructureError> => {
    try {
      await records(...chunks);
    } catch (error) {
      if (error instanceof CsvStructureError) return error;
      throw error;
    }
    assert.fail('the file was read without a word about its structure');
  };

  it('handles quotes, doubled quotes, newlines in quotes and CRLF, reporting physical start lines', async () => {
    const csv = 'a,b\r\n"x, y","say ""hi"""\r\n"two\r\nlines",z\r\n"old\rmac",q\nlast,one';
    const expected = [
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['x, y', 'say "hi"'] },
      { line: 3, fields: ['two\r\nlines', 'z'] },
      { line: 5, fields: ['old\rmac', 'q'] },
      { line: 7, fields: ['last', 'one'] },
    ];
    assert.deepEqual(await records(csv), expected);
    assert.deepEqual(await records(...csv), expected, 'the same when every character arrives on its own');
  });

  it('reads a quote inside a field that does not start with one as a character, as Excel does', async () => {
    assert.deepEqual(await records('a,b\r\nab"c"d,e\r\nSt Mary "Annexe,f\r\ng,h\r\n'), [
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['ab"c"d', 'e'] },
      { line: 3, fields: ['St Mary "Annexe', 'f'] },
      { line: 4, fields: ['g', 'h'] },
    ]);
  });

  it('refuses a quote that is never closed, naming the line and field where it opens', async () => {
    // The record starts on line 2; its first field spans a line, and the quote left open is on line 3.
    const error = await refusal('a,b,c\r\n"x\r\ny","z\r\nw,v\r\n', 'u,t\r\n');
    assert.deepEqual([error.code, error.line, error.field], ['QUOTE_NOT_CLOSED', 3, 1]);
    assert.match(error.message, /never closed/);
  });

  it('refuses a quote not closed within a row’s length, and a row too long to be one', async () => {
    const rest = 'xyz,'.repeat(maxRecordChars / 2);
    const open = await refusal('a,b\r\nc,d\r\ne,"f', rest);
    assert.deepEqual([open.code, open.line, open.field], ['QUOTE_NOT_CLOSED', 3, 1]);
    assert.match(open.message, /not closed within 1,000,000 characters/);
    const long = await refusal('a,b\r\n', rest);
    assert.deepEqual([long.code, long.line], ['RECORD_TOO_LONG', 2]);
  });

  it('writes Windows-1252 and refuses what it cannot hold', () => {
    assert.deepEqual([...encodeWindows1252('Dâf’')], [0x44, 0xe2, 0x66, 0x92]);
    assert.throws(() => encodeWindows1252('Glan Dŵr'), /cannot be written/);
    assert.equal(
      decodeWindows1252(Uint8Array.of(0x53, 0x74, 0x20, 0x4d, 0x61, 0x72, 0x79, 0x92, 0x73, 0x80)),
      'St Mary’s€',
    );
  });
});

for (const database of await testDatabases()) {
  describe(`establishment register import (${database.name})`, () => {
    let services: Awaited<ReturnType<typeof testServices>>;
    before(async () => {
      services = await testServices(await database.open());
    });
    after(() => services.close());

    it('imports the shipped sample extract, decoding Windows-1252', async () => {
      const report = await importRegister(services.db, sampleRegisterFile, services.now());
      assert.equal(report.added, sampleEstablishments.length);
      assert.deepEqual(report.rejected, []);
      assert.equal(report.localAuthorities.added, 5);
      const welsh = await services.db
        .selectFrom('establishments')
        .select('name')
        .where('laestab', '=', '6602402')
        .executeTakeFirstOrThrow();
      assert.equal(welsh.name, 'Ysgol Gymraeg Bro Dâf');
      const wales = await services.db
        .selectFrom('local_authorities')
        .select('nation')
        .where('code', '=', '660')
        .executeTakeFirstOrThrow();
      assert.equal(wales.nation, 'wales');
    });

    it('reports everything unchanged on a second import', async () => {
      const report = await importRegister(services.db, sampleRegisterFile, services.now());
      assert.deepEqual(
        { added: report.added, updated: report.updated, unchanged: report.unchanged, rejected: report.rejected.length },
        { added: 0, updated: 0, unchanged: sampleEstablishments.length, rejected: 0 },
      );
    });

    it('rejects malformed rows with line and reason, imports the rest, and counts updates', async () => {
      const good = sampleEstablishments
        .slice(0, 3)
        .map((e, i) => (i === 0 ? { ...e, name: `${e.name} (renamed)` } : e));
      const lines = sampleRegisterCsvText(good).trimEnd().split('\r\n');
      const header = lines[0]!;
      const bad = [
        lines[1]!.replace(/^900001,823,/, '900901,82,'), // LA code two digits
        lines[2]!.replace(/^900002,823,Ashdown Vale,2002,/, '900902,823,Ashdown Vale,,'), // no establishment number
        lines[3]!.replace(/^900003,/, '9x,'), // URN not numeric
      ];
      // A comma typed outside quotes: every column after it would be read one along.
      const shifted = lines[1]!.replace(/^900001,823,Ashdown Vale,2001,/, '900903,823,Ashdown Vale,2991,Hill, ');
      const csv = [header, ...lines.slice(1), ...bad, 'too,few', shifted].join('\r\n') + '\r\n';
      const report = await importRegister(services.db, text(csv), services.now());
      assert.equal(report.updated, 1, 'the renamed school is updated');
      assert.equal(report.unchanged, 2);
      assert.deepEqual(
        report.rejected.map((r) => r.line),
        [5, 6, 7, 8, 9],
      );
      assert.match(report.rejected[0]!.reason, /LA \(code\) “82”/);
      assert.match(report.rejected[1]!.reason, /EstablishmentNumber is empty/);
      assert.match(report.rejected[2]!.reason, /URN “9x”/);
      assert.match(report.rejected[3]!.reason, /2 fields where the header has/);
      const fields = header.split(',').length;
      assert.equal(report.rejected[4]!.reason, `the row has ${fields + 1} fields where the header has ${fields}`);
    });

    it('refuses an extract with a quote never closed, naming its line and column, and imports nothing', async () => {
      const { file } = realWorldFixture('gias-extract/edubasealldata20261106.csv');
      await assert.rejects(importRegister(services.db, file, services.now()), {
        message:
          'Line 3, EstablishmentName: the quote that opens this field is never closed, so every line after it would ' +
          'read as part of this field: close it, or write a quote that belongs to the text as two (""). ' +
          'Nothing is imported.',
      });
      const imported = await services.db
        .selectFrom('establishments')
        .select('laestab')
        .where('la_code', '=', '945')
        .execute();
      assert.deepEqual(imported, []);
    });

    it('refuses a file that is not a GIAS extract, naming the missing columns', async () => {
      await assert.rejects(
        importRegister(services.db, text('Name,Town\r\nA,B\r\n'), services.now()),
        /missing columns URN, LA \(code\)/,
      );
    });

    it('finds schools by name (with a typo), LAEstab, old LAEstab, URN and LA code', async () => {
      const byName = await searchEstablishments(services.db, 'hollins lane');
      assert.equal(byName[0]?.laestab, '8232003');
      const typo = await searchEstablishments(services.db, 'Holins Lane Primary');
      assert.ok(typo.some((e) => e.laestab === '8232003'));
      assert.equal((await searchEstablishments(services.db, '823/2003'))[0]?.name, 'Hollins Lane Primary School');
      const renumbered = await searchEstablishments(services.db, '8232001');
      assert.deepEqual(renumbered.map((e) => e.laestab).sort(), ['8232001', '8232005']);
      assert.equal(renumbered.find((e) => e.laestab === '8232005')?.previousLaestab, '8232001');
      assert.equal((await searchEstablishments(services.db, '900201'))[0]?.laestab, '9092201');
      assert.ok((await searchEstablishments(services.db, '660')).every((e) => e.laCode === '660'));
      assert.deepEqual(await searchEstablishments(services.db, '%'), []);
    });
  });
}
