/**
 * Statistical disclosure control for published tables of children, as the DfE does it: a count from 1 to 4 could
 * identify a child, so it is withheld and shown as `c`. Withholding one cell is not enough when the table shows
 * totals, because the cell is then the total minus everything else in its row or column; so `publishTable`
 * withholds further figures until none can be worked out (secondary suppression). Zero is shown: it says no
 * child, and so identifies nobody.
 */

/** One figure in a table. `value` is always the true count, so callers must show it through `displayCount`. */
export type Cell = { value: number; suppressed: boolean };

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

/** How a cell is shown in a published table: `c`, the DfE symbol for confidential, when withheld. */
export function displayCount(cell: Cell): string {
  return cell.suppressed ? 'c' : String(cell.value);
}

export interface TableShape {
  /** Counts above zero and below this are withheld. */
  threshold?: number;
  /** Whether each row's total is published. */
  rowTotals?: boolean;
  /** Whether each column's total is published (and, with row totals, the grand total). */
  columnTotals?: boolean;
  /**
   * Whether whoever owns a row (an LA, for its own figures) reads the table too. Each owner knows its own row, so a
   * table is only safe if no owner can work out another row's withheld figures from its own and what is shown.
   */
  rowsKnownToOwners?: boolean;
}

/** A published table: every figure shown in it, each withheld where it would identify a child or reveal one. */
export interface PublishedTable {
  cells: Cell[][];
  rowTotals?: Cell[];
  columnTotals?: Cell[];
  grandTotal?: Cell;
}

/** A published sum: the figure at `total` is the sum of the figures at `parts`. */
type Line = { parts: number[]; total: number };

/**
 * The narrowest range each withheld figure can be put in by someone who sees what is shown, knows the figures in
 * `known`, knows which withheld cells are small counts (1 to threshold - 1), and uses every published sum (each
 * line's equation, repeated until nothing narrows). A withheld total is not taken to be small: totals are withheld
 * whenever they would give a cell away, so a `c` in a totals row or column does not say the total is under the
 * threshold. (Taking it to be small would call a two-LA, one-column table with all withheld a leak when nothing
 * more can be withheld.)
 */
function rangesFromShown(
  figures: Cell[],
  small: boolean[],
  cellCount: number,
  lines: Line[],
  known: Set<number>,
  threshold: number,
): Array<[number, number]> {
  const ranges = figures.map((cell, i): [number, number] =>
    !cell.suppressed || known.has(i)
      ? [cell.value, cell.value]
      : small[i] && i < cellCount
        ? [1, threshold - 1]
        : [0, Infinity],
  );
  let narrowed = true;
  while (narrowed) {
    narrowed = false;
    const narrow = (i: number, low: number, high: number): void => {
      const [oldLow, oldHigh] = ranges[i]!;
      const next: [number, number] = [Math.max(oldLow, low), Math.min(oldHigh, high)];
      if (next[0] !== oldLow || next[1] !== oldHigh) {
        ranges[i] = next;
        narrowed = true;
      }
    };
    for (const { parts, total } of lines) {
      const lowSum = parts.reduce((sum, p) => sum + ranges[p]![0], 0);
      const highSum = parts.reduce((sum, p) => sum + ranges[p]![1], 0);
      narrow(total, lowSum, highSum);
      const [totalLow, totalHigh] = ranges[total]!;
      for (const p of parts) {
        const others = parts.filter((q) => q !== p);
        // Summed afresh rather than by subtraction, because an unbounded figure's Infinity minus itself is no number.
        const othersHigh = others.reduce((total, q) => total + ranges[q]![1], 0);
        const othersLow = others.reduce((total, q) => total + ranges[q]![0], 0);
        narrow(p, totalLow - othersHigh, totalHigh - othersLow);
      }
    }
  }
  return ranges;
}

/**
 * Primary and secondary suppression of a whole table with its totals, as one: every count from 1 to 4 is withheld,
 * and then, for as long as anyone reading the table (an LA knowing its own row, where rows are LAs) could work out
 * a withheld small count exactly from the shown figures and the totals, one more figure in a sum that gives it away
 * is withheld: the smallest shown cell someone else owns, or failing that the sum's total. Zero is shown.
 */
export function publishTable(rows: number[][], shape: TableShape = {}): PublishedTable {
  const threshold = shape.threshold ?? DEFAULT_THRESHOLD;
  const width = rows[0]?.length ?? 0;
  if (rows.some((row) => row.length !== width)) throw new RangeError('Every row of a table needs a cell per column');
  for (const row of rows) row.forEach(checkCount);
  // Every figure, cells first (row by row), then row totals, column totals and the grand total.
  const values = rows.flat();
  const at = (row: number, column: number): number => row * width + column;
  const rowTotalAt: number[] = [];
  const columnTotalAt: number[] = [];
  const lines: Line[] = [];
  const cellsOf = (row: number): number[] => Array.from({ length: width }, (_, c) => at(row, c));
  const columnOf = (column: number): number[] => rows.map((_, r) => at(r, column));
  if (shape.rowTotals) {
    for (const [r, row] of rows.entries()) {
      rowTotalAt.push(values.push(row.reduce((a, b) => a + b, 0)) - 1);
      lines.push({ parts: cellsOf(r), total: rowTotalAt[r]! });
    }
  }
  if (shape.columnTotals) {
    for (let c = 0; c < width; c++) {
      columnTotalAt.push(values.push(rows.reduce((sum, row) => sum + row[c]!, 0)) - 1);
      lines.push({ parts: columnOf(c), total: columnTotalAt[c]! });
    }
  }
  let grandAt: number | undefined;
  if (shape.rowTotals && shape.columnTotals) {
    grandAt = values.push(rows.flat().reduce((a, b) => a + b, 0)) - 1;
    lines.push({ parts: rowTotalAt, total: grandAt }, { parts: columnTotalAt, total: grandAt });
  }
  const figures = values.map((value) => primary(value, threshold));
  const small = figures.map((cell) => cell.suppressed);
  const ownerOf = (i: number): number | undefined => (i < rows.length * width ? Math.floor(i / width) : undefined);
  const readers: Array<number | undefined> = [undefined, ...(shape.rowsKnownToOwners ? rows.keys() : [])];

  const givenAway = (): { reader: number | undefined; figure: number } | undefined => {
    for (const reader of readers) {
      const known = new Set(reader === undefined ? [] : cellsOf(reader));
      if (reader !== undefined && rowTotalAt[reader] !== undefined) known.add(rowTotalAt[reader]);
      const ranges = rangesFromShown(figures, small, rows.length * width, lines, known, threshold);
      const figure = ranges.findIndex(([low, high], i) => small[i] && !known.has(i) && low === high);
      if (figure !== -1) return { reader, figure };
    }
    return undefined;
  };
  // Each turn withholds one more figure and there are finitely many, so this ends; at worst all is withheld.
  for (let leak = givenAway(); leak; leak = givenAway()) {
    const { reader, figure } = leak;
    const withholdable = (i: number): boolean =>
      !figures[i]!.suppressed && (reader === undefined || ownerOf(i) !== reader);
    const through = lines.filter((line) => line.total === figure || line.parts.includes(figure));
    const candidates = through
      .flatMap((line) => line.parts.filter(withholdable))
      .sort(
        (a, b) =>
          (figures[a]!.value === 0 ? 1 : 0) - (figures[b]!.value === 0 ? 1 : 0) ||
          figures[a]!.value - figures[b]!.value,
      );
    const next =
      candidates[0] ??
      through.map((line) => line.total).find((i) => !figures[i]!.suppressed) ??
      lines.map((line) => line.total).find((i) => !figures[i]!.suppressed);
    if (next === undefined) break;
    figures[next]!.suppressed = true;
  }
  const table: PublishedTable = { cells: rows.map((_, r) => cellsOf(r).map((i) => figures[i]!)) };
  if (shape.rowTotals) table.rowTotals = rowTotalAt.map((i) => figures[i]!);
  if (shape.columnTotals) table.columnTotals = columnTotalAt.map((i) => figures[i]!);
  if (grandAt !== undefined) table.grandTotal = figures[grandAt]!;
  return table;
}
