/**
 * Draws a horizontal bar chart as an SVG string. The chart always sits beside a table of the same figures, so it is
 * a picture for sighted readers: one `role="img"` with a title and description is enough for a screen reader, which
 * reads the table instead. Colours and fonts are presentation attributes, never `style`, so the page can keep a
 * Content Security Policy that forbids inline styles. Labels are school names, so every piece of text is escaped.
 */

export interface Bar {
  label: string;
  /** Null when there is no figure at all, as opposed to a figure withheld. */
  value: number | null;
  /** Withheld under statistical disclosure control: drawn as text, never as a bar whose length would reveal it. */
  suppressed?: boolean;
}

export interface BarChartOptions {
  title: string;
  description: string;
  /** A short word written after each figure, such as `transfers` or `days`; `%` is written without a space. */
  unit: string;
  bars: Bar[];
  /** Prefix for the ids that `aria-labelledby` points to: unique in the page. */
  id: string;
}

const BLUE = '#1d70b8';
const TEXT = '#0b0c0c';
const FONT = "'GDS Transport', arial, sans-serif";
const FONT_SIZE = 16;

const WIDTH = 800;
// Wide enough for a forty-character school name at this font size.
const LABEL_WIDTH = 360;
const GAP = 8;
// Room to the right of the longest bar for its figure, or for "withheld (c)".
const VALUE_WIDTH = 120;
const BAR_SPACE = WIDTH - LABEL_WIDTH - GAP - VALUE_WIDTH;
const ROW_HEIGHT = 32;
const BAR_HEIGHT = 22;
const MAX_LABEL = 40;

const ID = /^[A-Za-z][A-Za-z0-9_-]*$/;

function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Coordinates to two decimal places: enough for a screen, and short in the markup. */
function coordinate(n: number): string {
  return String(Math.round(n * 100) / 100);
}

const figure = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 });

function valueText(value: number, unit: string): string {
  if (unit === '') return figure.format(value);
  return unit === '%' ? `${figure.format(value)}%` : `${figure.format(value)} ${unit}`;
}

/** Counted in code points, so a name is never cut through the middle of a character. */
function shortLabel(label: string): string {
  const chars = Array.from(label);
  return chars.length > MAX_LABEL
    ? `${chars
        .slice(0, MAX_LABEL - 1)
        .join('')
        .trimEnd()}…`
    : label;
}

/** The figure to show, or null when there is none to show: withheld, missing, or not a number at all. */
function shownValue(bar: Bar): number | null {
  return bar.suppressed || bar.value === null || !Number.isFinite(bar.value) ? null : bar.value;
}

function row(bar: Bar, index: number, max: number, unit: string): string {
  const top = index * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) / 2;
  const baseline = coordinate(index * ROW_HEIGHT + ROW_HEIGHT / 2);
  const shown = shortLabel(bar.label);
  // The full name stays available on hover when the visible one is cut short.
  const hover = shown === bar.label ? '' : `<title>${escapeXml(bar.label)}</title>`;
  const label =
    `<text x="${LABEL_WIDTH - GAP}" y="${baseline}" text-anchor="end" dominant-baseline="middle">` +
    `${hover}${escapeXml(shown)}</text>`;
  const value = shownValue(bar);
  if (value === null) {
    // A withheld figure may be under 5, or one that would reveal another: say only that it is withheld.
    const note = bar.suppressed ? 'withheld (c)' : 'no data';
    return `${label}<text x="${LABEL_WIDTH}" y="${baseline}" dominant-baseline="middle">${note}</text>`;
  }
  // When every figure is zero there is nothing to scale against, and every bar is empty.
  // A negative figure is written but has no bar: the chart has no axis left of zero to draw it on.
  const length = max > 0 ? (Math.max(0, value) / max) * BAR_SPACE : 0;
  return (
    label +
    `<rect x="${LABEL_WIDTH}" y="${coordinate(top)}" width="${coordinate(length)}" height="${BAR_HEIGHT}" fill="${BLUE}"/>` +
    `<text x="${coordinate(LABEL_WIDTH + length + GAP)}" y="${baseline}" dominant-baseline="middle">` +
    `${escapeXml(valueText(value, unit))}</text>`
  );
}

/** The chart as a self-contained `<svg>` element, as wide as its container and as tall as its bars need. */
export function barChartSvg(options: BarChartOptions): string {
  if (!ID.test(options.id)) throw new RangeError(`Chart id must be a single word usable as an HTML id: ${options.id}`);
  const titleId = `${options.id}-title`;
  const descId = `${options.id}-desc`;
  const max = options.bars.reduce((most, bar) => Math.max(most, shownValue(bar) ?? 0), 0);
  const body =
    options.bars.length > 0
      ? options.bars.map((bar, index) => row(bar, index, max, options.unit)).join('')
      : `<text x="${LABEL_WIDTH}" y="${ROW_HEIGHT / 2}" dominant-baseline="middle">no data</text>`;
  const height = Math.max(1, options.bars.length) * ROW_HEIGHT;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="${titleId} ${descId}" ` +
    `viewBox="0 0 ${WIDTH} ${height}" width="100%" font-family="${FONT}" font-size="${FONT_SIZE}">` +
    `<title id="${titleId}">${escapeXml(options.title)}</title>` +
    `<desc id="${descId}">${escapeXml(options.description)}</desc>` +
    `<g fill="${TEXT}">${body}</g>` +
    `</svg>`
  );
}
