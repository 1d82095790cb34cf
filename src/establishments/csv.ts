/**
 * A small streaming CSV reader (RFC 4180: quoted fields, doubled quotes, newlines inside quotes) that reports
 * the physical line each record starts on, so that import errors can name the line a person sees in a spreadsheet.
 */

export interface CsvRecord {
  line: number;
  fields: string[];
}

export async function* readCsv(chunks: AsyncIterable<string>): AsyncGenerator<CsvRecord> {
  let field = '';
  let fields: string[] = [];
  let inQuotes = false;
  let quoteSeen = false;
  let line = 1;
  let recordLine = 1;
  let pendingCR = false;

  for await (const chunk of chunks) {
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (pendingCR) {
        pendingCR = false;
        if (c === '\n') continue;
      }
      if (inQuotes) {
        if (c === '"') {
          inQuotes = false;
          quoteSeen = true;
        } else {
          if (c === '\n') line++;
          field += c;
        }
        continue;
      }
      if (c === '"') {
        // A doubled quote inside a quoted field reads as one quote.
        if (quoteSeen) field += '"';
        inQuotes = true;
        quoteSeen = false;
        continue;
      }
      quoteSeen = false;
      if (c === ',') {
        fields.push(field);
        field = '';
      } else if (c === '\n' || c === '\r') {
        fields.push(field);
        yield { line: recordLine, fields };
        fields = [];
        field = '';
        line++;
        recordLine = line;
        pendingCR = c === '\r';
      } else {
        field += c;
      }
    }
  }
  if (field.length > 0 || fields.length > 0) {
    fields.push(field);
    yield { line: recordLine, fields };
  }
}
