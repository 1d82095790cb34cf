/**
 * Writes report tables as CSV for download. People open these in Excel, so the file starts with a byte order mark
 * (without it Excel reads UTF-8 as Windows-1252 and mangles accented names), and text that a spreadsheet would run
 * as a formula is defused, following the OWASP guidance on CSV injection: school and pupil names come from other
 * systems and cannot be trusted not to start with `=`.
 */

export type CsvCell = string | number | null;

const BOM = '\uFEFF';
const CRLF = '\r\n';

/**
 * Characters that make a spreadsheet treat a cell as a formula, or that hide one behind leading whitespace; `;` is
 * the list separator where Excel's locale uses a decimal comma, so a cell may begin after one.
 */
const FORMULA_START = /^[=+\-@\t\r;]/;
/** Quoting keeps a cell whole whichever separator the spreadsheet splits on, so nothing after `;` starts a cell. */
const NEEDS_QUOTES = /[",;\t\r\n]/;

function textField(text: string): string {
  // The apostrophe makes Excel and LibreOffice show the text as typed rather than evaluate it.
  const safe = FORMULA_START.test(text) ? `'${text}` : text;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function field(cell: CsvCell): string {
  if (cell === null) return '';
  if (typeof cell === 'number') {
    // A number is written as itself so that -5 stays a number in the spreadsheet; NaN and Infinity are not figures
    // anyone can use, and written out they would read as text, so they are left blank like a missing value.
    return Number.isFinite(cell) ? String(cell) : '';
  }
  return textField(cell);
}

/** An RFC 4180 CSV file, header first, every line ended with CRLF. */
export function toCsv(header: string[], rows: CsvCell[][]): string {
  const lines = [header, ...rows].map((row) => row.map(field).join(',') + CRLF);
  return BOM + lines.join('');
}

/** A download name such as `s2s-usage-823-2025-26.csv`, safe on every file system and in a header. */
export function csvFileName(parts: string[]): string {
  const words = parts
    .map((part) =>
      part
        .normalize('NFKD')
        // Drop the accents that NFKD separated out, so Zoë becomes zoe rather than zo-.
        .replace(/[\u0300-\u036f]/g, '')
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-+|-+$/g, ''),
    )
    .filter((word) => word !== '');
  return `${words.length > 0 ? words.join('-') : 'export'}.csv`;
}
