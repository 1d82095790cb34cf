import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { displayCount, SUPPRESSION_NOTE, suppressCounts, suppressTable, type Cell } from './suppress.js';

const shown = (cells: Cell[]): string[] => cells.map(displayCount);

/** A small repeatable random number generator (mulberry32), so a failing table can be found again. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The lines a reader could subtract along: every row, and with totals every column and the totals row. */
function lines(cells: Cell[][], totals: Cell[] | undefined): Cell[][] {
  if (!totals) return cells;
  const columns = totals.map((total, column) => [...cells.map((row) => row[column]!), total]);
  return [...cells, totals, ...columns];
}

/** A line gives a withheld cell away when it is the only one withheld and something else could be withheld. */
function revealing(line: Cell[]): boolean {
  const withheld = line.filter((cell) => cell.suppressed);
  return withheld.length === 1 && line.some((cell) => !cell.suppressed && cell.value > 0);
}

describe('primary suppression', () => {
  it('withholds counts from 1 to 4, but not 0 or 5', () => {
    assert.deepEqual(shown(suppressCounts([0, 1, 2, 3, 4, 5, 6])), ['0', 'c', 'c', 'c', 'c', '5', '6']);
  });
  it('takes another threshold', () => {
    assert.deepEqual(shown(suppressCounts([0, 9, 10], 10)), ['0', 'c', '10']);
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

describe('secondary suppression', () => {
  it('withholds the smallest other non-zero cell in a row with one small count', () => {
    const { cells, totals } = suppressTable([[3, 20, 8, 0]]);
    assert.deepEqual(shown(cells[0]!), ['c', '20', 'c', '0']);
    assert.equal(totals, undefined);
  });
  it('leaves a row alone when its other cells are all zero', () => {
    assert.deepEqual(shown(suppressTable([[0, 3, 0]]).cells[0]!), ['0', 'c', '0']);
  });
  it('protects columns only when column totals are published', () => {
    const rows = [[3], [12], [30]];
    assert.deepEqual(suppressTable(rows).cells.map(shown), [['c'], ['12'], ['30']]);
    const { cells, totals } = suppressTable(rows, { withTotals: true });
    assert.deepEqual(cells.map(shown), [['c'], ['c'], ['30']]);
    assert.deepEqual(totals, [{ value: 45, suppressed: false }]);
  });
  it('follows a withheld cell from row to column and back until nothing changes', () => {
    const { cells, totals } = suppressTable(
      [
        [3, 50],
        [12, 40],
        [30, 60],
      ],
      { withTotals: true },
    );
    assert.deepEqual(cells.map(shown), [
      ['c', 'c'],
      ['c', 'c'],
      ['30', '60'],
    ]);
    assert.deepEqual(shown(totals!), ['45', '150']);
  });
  it('computes totals from the true counts and withholds small ones', () => {
    const { totals } = suppressTable(
      [
        [1, 0, 7],
        [2, 0, 9],
      ],
      { withTotals: true },
    );
    assert.deepEqual(
      totals!.map((total) => total.value),
      [3, 0, 16],
    );
    assert.equal(totals![0]!.suppressed, true);
    assert.equal(totals![1]!.suppressed, false);
  });
  it('protects a withheld total, which the grand total would otherwise give away', () => {
    const { cells, totals } = suppressTable(
      [
        [2, 10, 7],
        [1, 9, 8],
      ],
      { withTotals: true },
    );
    assert.deepEqual(shown(totals!), ['c', '19', 'c']);
    assert.deepEqual(cells.map(shown), [
      ['c', '10', 'c'],
      ['c', '9', 'c'],
    ]);
  });
  it('refuses a ragged table when column totals are asked for', () => {
    assert.throws(() => suppressTable([[1, 2], [3]], { withTotals: true }), RangeError);
  });
});

describe('no table gives a withheld count away', () => {
  const next = random(20252026);
  const count = (): number => {
    const roll = next();
    if (roll < 0.25) return 0;
    if (roll < 0.6) return 1 + Math.floor(next() * 4);
    return 5 + Math.floor(next() * 60);
  };
  const tables = Array.from({ length: 300 }, () => {
    const height = 1 + Math.floor(next() * 6);
    const width = 1 + Math.floor(next() * 6);
    return Array.from({ length: height }, () => Array.from({ length: width }, count));
  });

  for (const withTotals of [false, true]) {
    it(`leaves no line with one withheld cell and others to hide it among (${withTotals ? 'with' : 'without'} totals)`, () => {
      for (const rows of tables) {
        const { cells, totals } = suppressTable(rows, { withTotals });
        for (const line of lines(cells, totals)) {
          assert.equal(revealing(line), false, `reveals a count in ${JSON.stringify(rows)}`);
        }
        cells.forEach((row, r) =>
          row.forEach((cell, c) => {
            const value = rows[r]![c]!;
            assert.equal(cell.value, value);
            if (value > 0 && value < 5) assert.equal(cell.suppressed, true);
            if (value === 0) assert.equal(cell.suppressed, false);
          }),
        );
        if (totals) {
          totals.forEach((total, c) => {
            assert.equal(
              total.value,
              rows.reduce((sum, row) => sum + row[c]!, 0),
            );
          });
        }
      }
    });
  }
  it('is stable: the same table always comes out the same, with nothing left to withhold', () => {
    for (const rows of tables) {
      const first = suppressTable(rows, { withTotals: true });
      assert.deepEqual(suppressTable(rows, { withTotals: true }), first);
      // Running the rule again over the result would change nothing: no line is left in a state it acts on.
      assert.ok(lines(first.cells, first.totals).every((line) => !revealing(line)));
    }
  });
});
