import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  displayCount,
  publishTable,
  SUPPRESSION_NOTE,
  suppressCounts,
  type Cell,
  type TableShape,
} from './suppress.js';

const showRow = (cells: Cell[]): string[] => cells.map(displayCount);

describe('primary suppression', () => {
  it('withholds counts from 1 to 4, but not 0 or 5', () => {
    assert.deepEqual(showRow(suppressCounts([0, 1, 2, 3, 4, 5, 6])), ['0', 'c', 'c', 'c', 'c', '5', '6']);
  });
  it('takes another threshold', () => {
    assert.deepEqual(showRow(suppressCounts([0, 9, 10], 10)), ['0', 'c', '10']);
  });
  it('keeps the true count in a withheld cell, for totals', () => {
    assert.deepEqual(suppressCounts([3]), [{ value: 3, suppressed: true }]);
  });
  it('refuses figures that are not counts', () => {
    assert.throws(() => suppressCounts([2.5]), RangeError);
    assert.throws(() => suppressCounts([-1]), RangeError);
  });
  it('explains the symbol in plain English', () => {
    assert.equal(
      SUPPRESSION_NOTE,
      'c: fewer than 5 children, or a figure that would reveal one. Figures are withheld so that no child can be identified.',
    );
  });
});

describe('secondary suppression in a published table', () => {
  const shown = (rows: number[][], shape: TableShape = {}) => {
    const table = publishTable(rows, shape);
    return {
      cells: table.cells.map(showRow),
      ...(table.rowTotals ? { rowTotals: showRow(table.rowTotals) } : {}),
      ...(table.columnTotals ? { columnTotals: showRow(table.columnTotals) } : {}),
      ...(table.grandTotal ? { grandTotal: displayCount(table.grandTotal) } : {}),
    };
  };
  it('withholds the smallest other non-zero cell in a row whose total is shown', () => {
    assert.deepEqual(shown([[3, 20, 8, 0]], { rowTotals: true }), {
      cells: [['c', '20', 'c', '0']],
      rowTotals: ['31'],
    });
  });
  it('withholds only the small count when no total could give it away', () => {
    assert.deepEqual(shown([[3, 20, 8, 0]]), { cells: [['c', '20', '8', '0']] });
  });
  it('withholds the total of a row whose other cells are all zero, since the total is the count', () => {
    assert.deepEqual(shown([[0, 3, 0]], { rowTotals: true }), { cells: [['0', 'c', '0']], rowTotals: ['c'] });
  });
  it('protects columns only when column totals are published', () => {
    assert.deepEqual(shown([[3], [12], [30]]), { cells: [['c'], ['12'], ['30']] });
    assert.deepEqual(shown([[3], [12], [30]], { columnTotals: true }), {
      cells: [['c'], ['c'], ['30']],
      columnTotals: ['45'],
    });
  });
  it('computes totals from the true counts and withholds small ones', () => {
    const { columnTotals } = publishTable(
      [
        [1, 0, 7],
        [2, 0, 9],
      ],
      { columnTotals: true },
    );
    assert.deepEqual(columnTotals, [
      { value: 3, suppressed: true },
      { value: 0, suppressed: false },
      { value: 16, suppressed: false },
    ]);
  });
  it('refuses a ragged table', () => {
    assert.throws(() => publishTable([[1, 2], [3]], { columnTotals: true }), RangeError);
  });
});
