/**
 * Statistical disclosure control for published tables of children, as the DfE does it: a count from 1 to 4 could
 * identify a child, so it is withheld and shown as `c`. Withholding one cell is not enough when the table shows
 * totals, because the cell is then the total minus everything else in its row or column; so a second cell is
 * withheld beside it (secondary suppression). Zero is shown: it says no child, and so identifies nobody.
 */

/** One figure in a table. `value` is always the true count, so callers must show it through `displayCount`. */
export type Cell = { value: number; suppressed: boolean };

export interface SuppressOptions {
  /** Counts above zero and below this are withheld. */
  threshold?: number;
  /** Whether a total is published for each column; rows are always treated as having one. */
  withTotals?: boolean;
}

export interface SuppressedTable {
  cells: Cell[][];
  /** Column totals of the true counts, present when asked for with `withTotals`. */
  totals?: Cell[];
}

export const SUPPRESSION_NOTE =
  'c: fewer than 5 children, or a figure that would reveal one. Figures are withheld so that no child can be identified.';

const DEFAULT_THRESHOLD = 5;

function checkCount(value: number): void {
  // A rate or a negative here means the wrong figures were passed: withholding them by this rule would mean nothing.
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`Not a count of children: ${value}`);
}

function primary(value: number, threshold: number): Cell {
  checkCount(value);
  return { value, suppressed: value > 0 && value < threshold };
}

/** Primary suppression: each count from 1 to `threshold - 1` is withheld on its own account. */
export function suppressCounts(values: number[], threshold = DEFAULT_THRESHOLD): Cell[] {
  return values.map((value) => primary(value, threshold));
}

/**
 * When a line (a row or column with a published total) has exactly one withheld cell, withholds the smallest other
 * non-zero cell too, since it gives away least. A line whose other cells are all zero is left: its total is then the
 * withheld count itself, and is withheld for the same reason. Returns whether anything changed.
 */
function protectLine(line: Cell[]): boolean {
  if (line.filter((cell) => cell.suppressed).length !== 1) return false;
  let smallest: Cell | undefined;
  for (const cell of line) {
    if (!cell.suppressed && cell.value > 0 && (smallest === undefined || cell.value < smallest.value)) smallest = cell;
  }
  if (smallest === undefined) return false;
  smallest.suppressed = true;
  return true;
}

function columnTotals(rows: number[][]): number[] {
  const width = rows[0]?.length ?? 0;
  if (rows.some((row) => row.length !== width))
    throw new RangeError('Every row of a table with totals needs a cell per column');
  return Array.from({ length: width }, (_, column) => rows.reduce((sum, row) => sum + (row[column] ?? 0), 0));
}

/**
 * Primary then secondary suppression of a table. The totals row is protected like any other row, because the
 * column totals add up to the grand total, which anyone can work out from the row totals.
 */
export function suppressTable(rows: number[][], options: SuppressOptions = {}): SuppressedTable {
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  const cells = rows.map((row) => suppressCounts(row, threshold));
  const totals = options.withTotals ? suppressCounts(columnTotals(rows), threshold) : undefined;
  const grid = totals ? [...cells, totals] : cells;
  const width = totals?.length ?? 0;
  // Each pass only ever withholds more, so this stops; it runs again because a cell withheld to protect a row can
  // leave its column with a single withheld cell, and the other way round.
  let changed = true;
  while (changed) {
    changed = false;
    for (const line of grid) changed = protectLine(line) || changed;
    for (let column = 0; column < width; column++) {
      changed = protectLine(grid.map((line) => line[column]).filter((cell) => cell !== undefined)) || changed;
    }
  }
  return totals ? { cells, totals } : { cells };
}

/** How a cell is shown in a published table: `c`, the DfE symbol for confidential, when withheld. */
export function displayCount(cell: Cell): string {
  return cell.suppressed ? 'c' : String(cell.value);
}
