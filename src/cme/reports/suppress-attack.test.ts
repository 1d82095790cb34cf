/**
 * Tries to undo the suppression of published tables as someone reading them would: every shown figure, every
 * shown total, the knowledge that a withheld small cell is from 1 to 4 and, for the national table, an LA's own
 * row. A withheld small count is given away when only one value of it fits everything shown.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { displayCount, publishTable, type PublishedTable, type TableShape } from './suppress.js';

const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);

/** The totals a table of cells has, in the order a shape publishes them. */
function totalsOf(rows: number[][], shape: TableShape): number[] {
  const width = rows[0]!.length;
  const out: number[] = [];
  if (shape.rowTotals) out.push(...rows.map(sum));
  if (shape.columnTotals) out.push(...Array.from({ length: width }, (_, c) => sum(rows.map((row) => row[c]!))));
  if (shape.rowTotals && shape.columnTotals) out.push(sum(rows.flat()));
  return out;
}

function publishedTotals(table: PublishedTable) {
  return [...(table.rowTotals ?? []), ...(table.columnTotals ?? []), ...(table.grandTotal ? [table.grandTotal] : [])];
}

/**
 * Every withheld small count (cell or total) whose value is forced, found by trying every value of every withheld
 * cell the reader does not know (small ones 1 to 4, others 0 to `cap`) and keeping those that fit what is shown.
 */
function recovered(
  rows: number[][],
  shape: TableShape,
  table: PublishedTable,
  knownRow: number | undefined,
  cap: number,
) {
  const width = rows[0]!.length;
  const cells = table.cells.flat();
  const totals = publishedTotals(table);
  const unknown = cells.map((cell, i) => cell.suppressed && Math.floor(i / width) !== knownRow);
  const domains = cells.map((cell, i) =>
    !unknown[i]
      ? [cell.value]
      : cell.value > 0 && cell.value < 5
        ? [1, 2, 3, 4]
        : Array.from({ length: cap + 1 }, (_, v) => v),
  );
  const seen: Array<Set<number>> = [...cells, ...totals].map(() => new Set());
  const guess: number[] = [];
  const visit = (i: number): void => {
    if (i === cells.length) {
      const guessRows = Array.from({ length: rows.length }, (_, r) => guess.slice(r * width, r * width + width));
      const guessTotals = totalsOf(guessRows, shape);
      const fits = guessTotals.every((value, t) => {
        const shown = totals[t]!;
        // A withheld total says nothing of its size: totals are withheld whenever they would give a cell away.
        return shown.suppressed || value === shown.value;
      });
      if (fits) [...guess, ...guessTotals].forEach((value, f) => seen[f]!.add(value));
      return;
    }
    for (const value of domains[i]!) {
      guess[i] = value;
      visit(i + 1);
    }
  };
  visit(0);
  return [...cells, ...totals].flatMap((figure, f) => {
    // A reader who owns a row is checked on the other rows' cells: a total may be made up of its own figures alone.
    const own = knownRow !== undefined && (f >= cells.length || Math.floor(f / width) === knownRow);
    const small = figure.suppressed && figure.value > 0 && figure.value < 5;
    return small && !own && seen[f]!.size === 1 ? [f] : [];
  });
}

function attack(rows: number[][], shape: TableShape): number[] {
  const table = publishTable(rows, shape);
  const cap = Math.max(...rows.flat(), 4) + 4;
  const readers = [undefined, ...(shape.rowsKnownToOwners ? rows.keys() : [])];
  return readers.flatMap((reader) => recovered(rows, shape, table, reader, cap));
}

const table = (maxRows: number, maxColumns: number) =>
  fc.tuple(fc.integer({ min: 1, max: maxRows }), fc.integer({ min: 1, max: maxColumns })).chain(([height, width]) =>
    fc.array(fc.array(fc.integer({ min: 0, max: 7 }), { minLength: width, maxLength: width }), {
      minLength: height,
      maxLength: height,
    }),
  );

describe('a published table, read by someone trying to undo its suppression', () => {
  it('gives away no withheld small count through its row and column totals', () => {
    fc.assert(
      fc.property(table(2, 2), (rows) => {
        assert.deepEqual(attack(rows, { rowTotals: true, columnTotals: true }), []);
      }),
      { numRuns: 60 },
    );
  });
  it('gives away no LA’s withheld figures to another LA that knows its own, through the totals row', () => {
    fc.assert(
      fc.property(table(3, 2), (rows) => {
        assert.deepEqual(attack(rows, { columnTotals: true, rowsKnownToOwners: true }), []);
      }),
      { numRuns: 60 },
    );
  });
  it('gives away no withheld band of a profile through the number it adds up to', () => {
    fc.assert(
      fc.property(table(1, 4), (rows) => {
        assert.deepEqual(attack(rows, { rowTotals: true }), []);
      }),
      { numRuns: 60 },
    );
  });
  it('keeps one LA from working out the other’s figures, with two LAs and a totals row', () => {
    const rows = [
      [10, 20, 6],
      [3, 0, 2],
    ];
    const published = publishTable(rows, { columnTotals: true, rowsKnownToOwners: true });
    assert.deepEqual(attack(rows, { columnTotals: true, rowsKnownToOwners: true }), []);
    assert.equal(displayCount(published.cells[1]![0]!), 'c');
    assert.equal(displayCount(published.columnTotals![0]!), 'c');
  });
  it('does not show 37 held and 33 under a month when the other 4 are withheld', () => {
    const published = publishTable([[33, 4, 0, 0]], { rowTotals: true });
    assert.deepEqual(published.cells[0]!.map(displayCount), ['c', 'c', '0', '0']);
    assert.equal(displayCount(published.rowTotals![0]!), '37');
    assert.deepEqual(attack([[33, 4, 0, 0]], { rowTotals: true }), []);
  });
});
