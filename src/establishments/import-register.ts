/**
 * Imports a GIAS establishment extract (edubasealldata*.csv: Windows-1252 or UTF-8, about 140 columns, read here by
 * header name). Upserts idempotently keyed by LAEstab, so importing the same file twice changes nothing.
 * A bad row is rejected with its line number and reason, and the rest still import.
 */
import type { Db } from '../platform/database.js';
import { CsvStructureError, readCsv, type CsvRecord } from './csv.js';
import { openRegisterFile, type RegisterEncoding } from './register-encoding.js';
import { RegisterRefusedError } from './register-refused.js';
import type { Nation } from './sample-register.js';

export interface ImportReport {
  added: number;
  updated: number;
  unchanged: number;
  rejected: Array<{ line: number; reason: string }>;
  localAuthorities: { added: number; updated: number };
  /** How a file on disk was read; null when the caller handed over text. */
  encoding: RegisterEncoding | null;
}

export const requiredColumns = [
  'URN',
  'LA (code)',
  'LA (name)',
  'EstablishmentNumber',
  'EstablishmentName',
  'EstablishmentStatus (name)',
] as const;

/** Read when present; a missing one reads as empty. */
export const optionalColumns = [
  'TypeOfEstablishment (code)',
  'TypeOfEstablishment (name)',
  'EstablishmentTypeGroup (name)',
  'EstablishmentStatus (code)',
  'OpenDate',
  'CloseDate',
  'PhaseOfEducation (name)',
  'Street',
  'Town',
  'Postcode',
  'PreviousLA (code)',
  'PreviousEstablishmentNumber',
  'UKPRN',
  'LastChangedDate',
] as const;

type Column = (typeof requiredColumns)[number] | (typeof optionalColumns)[number];

const statuses = new Set(['Open', 'Closed', 'Open, but proposed to close', 'Proposed to open']);

export function nationOf(laCode: string): Nation {
  const n = Number(laCode);
  return n >= 660 && n <= 681 ? 'wales' : 'england';
}

interface EstablishmentRow {
  laestab: string;
  urn: string;
  la_code: string;
  establishment_number: string;
  name: string;
  type_code: string;
  type_name: string;
  type_group: string;
  phase: string;
  status: string;
  open_date: string | null;
  close_date: string | null;
  street: string;
  town: string;
  postcode: string;
  previous_laestab: string | null;
  ukprn: string | null;
  last_changed: string | null;
}

/** GIAS writes dates as DD-MM-YYYY; ISO dates are accepted too. Returns ISO or throws a reason. */
function parseDate(value: string, column: string): string | null {
  if (value === '') return null;
  let m = /^(\d{2})[-/](\d{2})[-/](\d{4})$/.exec(value);
  const [y, mo, d] = m
    ? [m[3]!, m[2]!, m[1]!]
    : ((m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value)), m ? [m[1]!, m[2]!, m[3]!] : []);
  if (!y || !mo || !d) throw new Error(`${column} “${value}” is not a date (DD-MM-YYYY)`);
  const date = new Date(`${y}-${mo}-${d}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== `${y}-${mo}-${d}`) {
    throw new Error(`${column} “${value}” is not a real date`);
  }
  return `${y}-${mo}-${d}`;
}

function toRow(get: (column: Column) => string): { row: EstablishmentRow; laName: string } {
  const urn = get('URN');
  const la = get('LA (code)');
  const estab = get('EstablishmentNumber');
  const name = get('EstablishmentName');
  const status = get('EstablishmentStatus (name)');
  if (!/^\d{5,7}$/.test(urn)) throw new Error(`URN “${urn}” is not a 5 to 7 digit number`);
  if (!/^\d{3}$/.test(la) || la === '000') throw new Error(`LA (code) “${la}” is not a 3-digit local authority code`);
  if (estab === '') throw new Error('EstablishmentNumber is empty: the establishment has no LAEstab to send files to');
  if (!/^\d{4}$/.test(estab)) throw new Error(`EstablishmentNumber “${estab}” is not 4 digits`);
  if (name === '') throw new Error('EstablishmentName is empty');
  if (!statuses.has(status)) {
    throw new Error(`EstablishmentStatus (name) “${status}” is not one of: ${[...statuses].join('; ')}`);
  }
  const laName = get('LA (name)');
  if (laName === '') throw new Error('LA (name) is empty');
  const previousLa = get('PreviousLA (code)');
  const previousEstab = get('PreviousEstablishmentNumber');
  let previous: string | null = null;
  if (previousLa !== '' || previousEstab !== '') {
    if (!/^\d{3}$/.test(previousLa) || !/^\d{4}$/.test(previousEstab)) {
      throw new Error(
        `PreviousLA (code) “${previousLa}” and PreviousEstablishmentNumber “${previousEstab}” do not make a LAEstab`,
      );
    }
    previous = previousLa + previousEstab;
  }
  const ukprn = get('UKPRN');
  return {
    laName,
    row: {
      laestab: la + estab,
      urn,
      la_code: la,
      establishment_number: estab,
      name,
      type_code: get('TypeOfEstablishment (code)'),
      type_name: get('TypeOfEstablishment (name)'),
      type_group: get('EstablishmentTypeGroup (name)'),
      phase: get('PhaseOfEducation (name)'),
      status,
      open_date: parseDate(get('OpenDate'), 'OpenDate'),
      close_date: parseDate(get('CloseDate'), 'CloseDate'),
      street: get('Street'),
      town: get('Town'),
      postcode: get('Postcode').toUpperCase(),
      previous_laestab: previous,
      ukprn: ukprn === '' ? null : ukprn,
      last_changed: parseDate(get('LastChangedDate'), 'LastChangedDate'),
    },
  };
}

const comparedFields = [
  'urn',
  'la_code',
  'establishment_number',
  'name',
  'type_code',
  'type_name',
  'type_group',
  'phase',
  'status',
  'open_date',
  'close_date',
  'street',
  'town',
  'postcode',
  'previous_laestab',
  'ukprn',
  'last_changed',
] as const;

/**
 * The extract's records. A break in its structure refuses the whole file, naming the line and the column: the rows
 * after it cannot be trusted, and a register cut short would import without a word about what it lost.
 */
async function* recordsOf(
  chunks: AsyncIterable<string>,
  header: () => Map<string, number> | undefined,
): AsyncGenerator<CsvRecord> {
  try {
    yield* readCsv(chunks);
  } catch (error) {
    if (!(error instanceof CsvStructureError)) throw error;
    const name = [...(header()?.entries() ?? [])].find(([, index]) => index === error.field)?.[0];
    const where = name ? `, ${name}` : error.field === undefined ? '' : `, field ${error.field + 1}`;
    throw new RegisterRefusedError(`Line ${error.line}${where}: ${error.message}. Nothing is imported.`, {
      cause: error,
    });
  }
}

export async function importRegister(db: Db, source: string | AsyncIterable<string>, now: Date): Promise<ImportReport> {
  const report: ImportReport = {
    added: 0,
    updated: 0,
    unchanged: 0,
    rejected: [],
    localAuthorities: { added: 0, updated: 0 },
    encoding: null,
  };
  let chunks: AsyncIterable<string>;
  if (typeof source === 'string') {
    const opened = await openRegisterFile(source);
    report.encoding = opened.encoding;
    chunks = opened.text;
  } else chunks = source;
  let header: Map<string, number> | undefined;
  const accepted = new Map<string, { row: EstablishmentRow; line: number }>();
  const las = new Map<string, string>();
  const urns = new Map<string, number>();

  for await (const record of recordsOf(chunks, () => header)) {
    if (!header) {
      header = new Map(record.fields.map((name, index) => [name.replace(/^\uFEFF/, '').trim(), index]));
      const missing = requiredColumns.filter((c) => !header!.has(c));
      if (missing.length > 0) {
        throw new RegisterRefusedError(
          `Line 1: the file is not a GIAS extract: missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`,
        );
      }
      continue;
    }
    if (record.fields.length === 1 && record.fields[0] === '') continue;
    const columns = header;
    const get = (column: Column) => {
      const index = columns.get(column);
      return index === undefined ? '' : (record.fields[index] ?? '').trim();
    };
    try {
      if (record.fields.length !== columns.size) {
        // More fields than the header is a comma outside quotes: every column after it would be read shifted.
        throw new Error(`the row has ${record.fields.length} fields where the header has ${columns.size}`);
      }
      const { row, laName } = toRow(get);
      const earlierUrn = urns.get(row.urn);
      if (earlierUrn !== undefined) throw new Error(`URN ${row.urn} appears again (first on line ${earlierUrn})`);
      const earlier = accepted.get(row.laestab);
      if (earlier) {
        // A closed school's number can be reused by a new one: the open establishment owns the LAEstab.
        if (earlier.row.status === 'Closed' && row.status !== 'Closed') {
          report.rejected.push({
            line: earlier.line,
            reason: `LAEstab ${row.laestab} is reused by open establishment URN ${row.urn} on line ${record.line}; the closed one is not imported`,
          });
        } else {
          throw new Error(
            `LAEstab ${row.laestab} appears again (first on line ${earlier.line}, URN ${earlier.row.urn})`,
          );
        }
      }
      urns.set(row.urn, record.line);
      accepted.set(row.laestab, { row, line: record.line });
      las.set(row.la_code, laName);
    } catch (error) {
      report.rejected.push({ line: record.line, reason: (error as Error).message });
    }
  }
  if (!header) throw new RegisterRefusedError('The file is empty: a GIAS extract starts with a header line');

  await db.transaction().execute(async (trx) => {
    for (const [code, name] of las) {
      const existing = await trx
        .selectFrom('local_authorities')
        .select(['name'])
        .where('code', '=', code)
        .executeTakeFirst();
      if (!existing) {
        await trx
          .insertInto('local_authorities')
          .values({ code, name, nation: nationOf(code), created_at: now, updated_at: now })
          .execute();
        report.localAuthorities.added++;
      } else if (existing.name !== name) {
        await trx.updateTable('local_authorities').set({ name, updated_at: now }).where('code', '=', code).execute();
        report.localAuthorities.updated++;
      }
    }
    const all = [...accepted.values()];
    for (let start = 0; start < all.length; start += 500) {
      const batch = all.slice(start, start + 500);
      const existingRows = await trx
        .selectFrom('establishments')
        .selectAll()
        .where(
          'laestab',
          'in',
          batch.map((b) => b.row.laestab),
        )
        .execute();
      const existing = new Map(existingRows.map((r) => [r.laestab, r]));
      const urnOwners = new Map(
        (
          await trx
            .selectFrom('establishments')
            .select(['urn', 'laestab'])
            .where(
              'urn',
              'in',
              batch.map((b) => b.row.urn),
            )
            .execute()
        ).map((r) => [r.urn, r.laestab]),
      );
      for (const { row, line } of batch) {
        const current = existing.get(row.laestab);
        const owner = urnOwners.get(row.urn);
        if (owner !== undefined && owner !== row.laestab) {
          report.rejected.push({ line, reason: `URN ${row.urn} already belongs to LAEstab ${owner}` });
          continue;
        }
        if (!current) {
          await trx
            .insertInto('establishments')
            .values({ ...row, created_at: now, updated_at: now })
            .execute();
          report.added++;
          continue;
        }
        const same = comparedFields.every((field) => (current[field] ?? null) === (row[field] ?? null));
        if (same) {
          report.unchanged++;
        } else {
          await trx
            .updateTable('establishments')
            .set({ ...row, updated_at: now })
            .where('laestab', '=', row.laestab)
            .execute();
          report.updated++;
        }
      }
    }
  });
  report.rejected.sort((a, b) => a.line - b.line);
  return report;
}
