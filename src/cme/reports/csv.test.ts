import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { csvFileName, toCsv } from './csv.js';

/** The lines of a file without its byte order mark and final line end. */
const lines = (csv: string): string[] => csv.slice(1).replace(/\r\n$/, '').split('\r\n');

/** The separators and line breaks a spreadsheet would split on: those outside quoted fields. */
function separatorsOutsideQuotes(text: string): string[] {
  const found: string[] = [];
  let inQuotes = false;
  for (const c of text.replace(/\r\n$/, '')) {
    if (c === '"') inQuotes = !inQuotes;
    else if (!inQuotes && /[,;\t\r\n]/.test(c)) found.push(c);
  }
  return found;
}

describe('writing CSV', () => {
  it('starts with a byte order mark and ends every line with CRLF', () => {
    const csv = toCsv(['School', 'Transfers'], [['Zoë Academy', 3]]);
    assert.equal(csv, '\uFEFFSchool,Transfers\r\nZoë Academy,3\r\n');
  });
  it('quotes fields with commas, quotes and line breaks, doubling the quotes', () => {
    const csv = toCsv(['a', 'b', 'c', 'd'], [['Smith, J', 'the "new" school', 'line one\nline two', 'cr\rhere']]);
    assert.equal(lines(csv)[1], '"Smith, J","the ""new"" school","line one\nline two","cr\rhere"');
  });
  it('writes null as an empty field and numbers as numbers', () => {
    const csv = toCsv(['a', 'b', 'c', 'd'], [[null, -5, 3.5, 0]]);
    assert.equal(lines(csv)[1], ',-5,3.5,0');
  });
  it('leaves NaN and Infinity blank rather than writing them as text', () => {
    assert.equal(lines(toCsv(['a', 'b'], [[Number.NaN, -Infinity]]))[1], ',');
  });
  it('defuses text that a spreadsheet would run as a formula', () => {
    const cells = ['=HYPERLINK("http://x")', '+1', '-2+3', '@SUM(A1)', '\t=1', '\r=1'];
    const csv = toCsv(['a', 'b', 'c', 'd', 'e', 'f'], [cells]);
    assert.equal(lines(csv)[1], `"'=HYPERLINK(""http://x"")",'+1,'-2+3,'@SUM(A1),"'\t=1","'\r=1"`);
  });
  it('defuses a cell starting with a semicolon and quotes every cell holding a separator', () => {
    const csv = toCsv(['a', 'b', 'c'], [[';=1+1', 'Smith;=cmd|"/c calc"!A0', 'tab\there']]);
    assert.equal(lines(csv)[1], `"';=1+1","Smith;=cmd|""/c calc""!A0","tab\there"`);
  });
  it('keeps every cell whole and inert whatever text it holds and whichever separator a spreadsheet uses', () => {
    const dangerous = /^[=+\-@\t\r;]/;
    const text = fc.string({
      unit: fc.constantFrom('=', '+', '-', '@', '\t', '\r', '\n', ';', ',', '"', 'a', ' ', "'"),
    });
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 5 }), (cells) => {
        const csv = toCsv(
          cells.map((_, i) => `h${i}`),
          [cells],
        );
        // Read back as a CSV library reads it, not by the writer's own rules.
        const records = parse(csv.slice(1), { record_delimiter: '\r\n' }) as string[][];
        assert.equal(records.length, 2);
        const read = records[1]!;
        assert.deepEqual(
          read,
          cells.map((cell) => (dangerous.test(cell) ? `'${cell}` : cell)),
        );
        for (const cell of read) assert.doesNotMatch(cell, dangerous);
        const dataLine = csv.slice(csv.indexOf('\r\n') + 2);
        assert.deepEqual(separatorsOutsideQuotes(dataLine), Array(cells.length - 1).fill(','));
      }),
    );
  });
  it('defuses the header too, and leaves harmless text alone', () => {
    const csv = toCsv(['=cmd', 'Total (=5)'], [["O'Brien", 'a-b']]);
    assert.deepEqual(lines(csv), ["'=cmd,Total (=5)", "O'Brien,a-b"]);
  });
  it('writes only the header when there are no rows', () => {
    assert.equal(toCsv(['a'], []), '\uFEFFa\r\n');
  });
});

describe('naming a CSV download', () => {
  it('joins lower-case words with hyphens', () => {
    assert.equal(csvFileName(['s2s', 'usage', '823', '2025/26']), 's2s-usage-823-2025-26.csv');
  });
  it('drops accents, punctuation and empty parts', () => {
    assert.equal(csvFileName(['S2S', '', ' St Mary’s & Zoë ', '../..']), 's2s-st-mary-s-zoe.csv');
  });
  it('still gives a name when nothing usable is left', () => {
    assert.equal(csvFileName(['', '***']), 'export.csv');
  });
});
