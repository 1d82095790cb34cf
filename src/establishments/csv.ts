/**
 * Reads a CSV file as records with csv-parse, streaming, and gives each record the physical line it starts on (the
 * line a person finds in a text editor), so that import errors can name it. A file whose structure breaks, so that
 * no record after the break can be trusted, is refused with the line of the break.
 */
import { finished } from 'node:stream/promises';
import { CsvError, parse, type Options } from 'csv-parse';
import { parse as parseText } from 'csv-parse/sync';

export interface CsvRecord {
  line: number;
  fields: string[];
}

/**
 * A GIAS row is a few thousand characters. A row much longer is a quote that never closes (or a file that is not
 * CSV): the cap stops it holding the rest of a 50 MB extract in memory before saying so.
 */
export const maxRecordChars = 1_000_000;

export type CsvStructureCode = 'QUOTE_NOT_CLOSED' | 'RECORD_TOO_LONG' | 'CSV_UNREADABLE';

/** The file cannot be read as records from `line` on; `field` is the 0-based field the break is in, when known. */
export class CsvStructureError extends Error {
  constructor(
    readonly code: CsvStructureCode,
    readonly line: number,
    readonly field: number | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'CsvStructureError';
  }
}

const options: Options = {
  // A quote inside a field that does not start with one is a character, as Excel and LibreOffice read it: neither
  // GIAS nor Excel writes one (both quote such a field and double its quotes), so it comes from a hand edit, and
  // the person who made it sees it as text when they open the file.
  relax_quotes: true,
  // The importer says which rows have the wrong number of fields, by line.
  relax_column_count: true,
  record_delimiter: ['\r\n', '\n', '\r'],
  max_record_size: maxRecordChars,
};

const lineBreaks = (text: string): number => text.match(/\r\n|\r|\n/g)?.length ?? 0;

/**
 * The line a quote still open at the end of a record's raw text opens on, or undefined when no quote is open; the
 * record starts on `recordLine`. Closing the quote at the end lets the same parser find the field it opened:
 * everything after the opening quote.
 */
function lineOfOpenQuote(raw: unknown, recordLine: number): number | undefined {
  if (typeof raw !== 'string') return undefined;
  const read = (text: string) => parseText(text, { ...options, max_record_size: 0 }) as string[][];
  try {
    read(raw);
    return undefined;
  } catch (error) {
    if (!(error instanceof CsvError) || error.code !== 'CSV_QUOTE_NOT_CLOSED') return undefined;
  }
  try {
    const [record] = read(`${raw}"`);
    return recordLine + lineBreaks(raw) - lineBreaks(record?.at(-1) ?? '');
  } catch {
    return recordLine;
  }
}

function structureError(error: CsvError, recordLine: number): CsvStructureError {
  const field = typeof error['column'] === 'number' ? error['column'] : undefined;
  const openQuote =
    error.code === 'CSV_QUOTE_NOT_CLOSED' || error.code === 'CSV_MAX_RECORD_SIZE'
      ? lineOfOpenQuote(error['raw'], recordLine)
      : undefined;
  if (error.code === 'CSV_QUOTE_NOT_CLOSED' || openQuote !== undefined) {
    const reach =
      error.code === 'CSV_QUOTE_NOT_CLOSED'
        ? 'is never closed, so every line after it would read as part of this field'
        : `is not closed within ${maxRecordChars.toLocaleString('en-GB')} characters`;
    return new CsvStructureError(
      'QUOTE_NOT_CLOSED',
      openQuote ?? recordLine,
      field,
      `the quote that opens this field ${reach}: close it, or write a quote that belongs to the text as two ("")`,
    );
  }
  if (error.code === 'CSV_MAX_RECORD_SIZE') {
    return new CsvStructureError(
      'RECORD_TOO_LONG',
      recordLine,
      field,
      `the row is longer than ${maxRecordChars.toLocaleString('en-GB')} characters: is the file CSV?`,
    );
  }
  return new CsvStructureError('CSV_UNREADABLE', recordLine, field, `the file cannot be read as CSV: ${error.message}`);
}

function fieldsOf(found: unknown): string[] {
  const record: unknown = typeof found === 'object' && found !== null && 'record' in found ? found.record : found;
  if (!Array.isArray(record) || !record.every((field) => typeof field === 'string')) {
    throw new TypeError('csv-parse handed over a record that is not a list of fields');
  }
  return record;
}

export async function* readCsv(chunks: AsyncIterable<string>): AsyncGenerator<CsvRecord> {
  // Records are taken as the parser finds them rather than read from its stream, which would drop those still
  // buffered when a later record fails; raw is kept so that a quote never closed can be traced to where it opens.
  const parsed: string[][] = [];
  const parser = parse({
    ...options,
    raw: true,
    // With raw kept, each record comes as { record, raw }, which the library's types do not say.
    on_record: (found: unknown) => {
      parsed.push(fieldsOf(found));
      return null;
    },
  });
  // Each failure is also the answer to the write or end it came from, where it is handled.
  parser.on('error', () => {});
  const write = (chunk: string) => new Promise<Error | null | undefined>((resolve) => parser.write(chunk, resolve));
  let line = 1;
  function* take(): Generator<CsvRecord> {
    for (const fields of parsed.splice(0)) {
      yield { line, fields };
      // Only a quoted field holds a line break; the record's own line end is one more.
      line += 1 + fields.reduce((sum, field) => sum + lineBreaks(field), 0);
    }
  }
  try {
    for await (const chunk of chunks) {
      const failure = await write(chunk);
      yield* take();
      if (failure) throw failure;
    }
    parser.end();
    const failure = await finished(parser, { readable: false }).then(
      () => undefined,
      (error: unknown) => error,
    );
    yield* take();
    if (failure) throw failure;
  } catch (error) {
    throw error instanceof CsvError ? structureError(error, line) : error;
  } finally {
    parser.destroy();
  }
}
