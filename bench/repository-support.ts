/**
 * Shared by the repository benchmarks (bench/repository-quality, bench/repository-speed): a fresh, migrated
 * PostgreSQL database of their own, synthetic children turned into `repository_records` rows exactly as the
 * transfers code writes them (search keys computed by `recordSearchKeys`, 500 rows an INSERT), the plain pg_trgm
 * baseline both compare against, and small helpers for settings, percentiles and the machine's description.
 */

import crypto from 'node:crypto';
import { cpus, loadavg, totalmem } from 'node:os';
import { sql, type Insertable } from 'kysely';
import pg from 'pg';
import type { SyntheticIdentity } from '../src/ctf/generate.js';
import { migrateToLatest, openPostgres, type Db } from '../src/platform/database.js';
import type { Database } from '../src/platform/schema.js';
import { recordSearchKeys } from '../src/repository/search-keys.js';
import type { SearchCriteria } from '../src/repository/score-match.js';

export type RecordRow = Insertable<Database['repository_records']>;

export function numberFrom(variable: string, fallback: number): number {
  const raw = process.env[variable];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${variable} must be a positive number`);
  return value;
}

export const adminUrl = process.env.REPO_BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface BenchDatabase {
  name: string;
  db: Db;
  /** Closes every pool and drops the database. */
  drop(): Promise<void>;
}

/** Creates and migrates `name` on the server at `adminUrl`, with a pool of `poolSize` connections. */
export async function createBenchDatabase(name: string, poolSize: number): Promise<BenchDatabase> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const pool = openPostgres(url.toString(), poolSize);
  const db = pool.db;
  await migrateToLatest(db);
  return {
    name,
    db,
    async drop() {
      await pool.close();
      const again = new pg.Client({ connectionString: adminUrl });
      await again.connect();
      try {
        await again.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await again.end();
      }
    },
  };
}

/** Unknown-destination files the records hang off (`file_id` is a foreign key); records are spread over them. */
export async function insertDummyFiles(db: Db, count: number, now: Date, expiresAt: Date): Promise<string[]> {
  const ids = Array.from({ length: count }, () => crypto.randomUUID());
  await db
    .insertInto('transfer_files')
    .values(
      ids.map((id, i) => ({
        id,
        blob_id: crypto.randomUUID(),
        file_name: `8232002_CTF_XXXXXXX_${String((i % 999) + 1).padStart(3, '0')}.XML`,
        file_type: 'CTF' as const,
        source_code: '8232002',
        sender_user_id: crypto.randomUUID(),
        sender_org_kind: 'school' as const,
        sender_org_code: '8232002',
        sender_la_code: '823',
        destination_code: 'XXXXXXX',
        destination_kind: 'unknown' as const,
        recipient_la_code: '823',
        pupils: 1,
        size: 10_000,
        sha256: crypto.createHash('sha256').update(id).digest('hex'),
        status: 'in-repository' as const,
        received_at: now,
        expires_at: expiresAt,
      })),
    )
    .execute();
  return ids;
}

export interface RowContext {
  fileIds: readonly string[];
  schoolNames: ReadonlyMap<string, string>;
  now: Date;
  expiresAt: Date;
}

/** The row the transfers code writes for a pupil of an unknown-destination file, search keys included. */
export function recordRow(identity: SyntheticIdentity, index: number, context: RowContext): RecordRow {
  const leaving = identity.schoolHistory.find((h) => `${h.lea ?? ''}${h.estab ?? ''}` === identity.laestab);
  return {
    id: crypto.randomUUID(),
    file_id: context.fileIds[index % context.fileIds.length] ?? '',
    pupil_index: 0,
    byte_start: 0,
    byte_end: 4_000,
    upn: identity.upn,
    former_upns: identity.formerUpns,
    uln: identity.uln,
    surname: identity.surname,
    forename: identity.forename,
    middle_names: identity.middleNames,
    preferred_surname: identity.preferredSurname,
    preferred_forename: identity.preferredForename,
    former_surname: identity.formerSurname,
    former_forename: identity.formerForename,
    date_of_birth: identity.dateOfBirth,
    search_keys: recordSearchKeys(identity, identity.dateOfBirth),
    sex: identity.sex,
    postcode: identity.postcode,
    left_laestab: identity.laestab,
    left_la_code: identity.laestab.slice(0, 3),
    left_school_name: context.schoolNames.get(identity.laestab) ?? null,
    left_on: leaving?.leavingDate ?? null,
    uploaded_at: context.now,
    expires_at: context.expiresAt,
    status: 'active',
  };
}

/** As the transfers code inserts a file's records: 500 rows an INSERT. */
export const INSERT_BATCH = 500;

export async function insertRows(db: Db, rows: readonly RecordRow[]): Promise<void> {
  for (let start = 0; start < rows.length; start += INSERT_BATCH) {
    await db
      .insertInto('repository_records')
      .values(rows.slice(start, start + INSERT_BATCH))
      .execute();
  }
}

// ---- The plain pg_trgm baseline: name similarity only, any date of birth.

const trgmName = sql`(coalesce(surname, '') || ' ' || coalesce(forename, ''))`;

/** A trigram GIN index on `surname || ' ' || forename`, in the benchmark's own database only. */
export async function createTrigramIndex(db: Db): Promise<void> {
  await sql`CREATE INDEX bench_repository_trgm ON repository_records USING gin (${trgmName} gin_trgm_ops)`.execute(db);
}

export interface TrigramHit {
  id: string;
  surname: string | null;
  forename: string | null;
  date_of_birth: string | null;
  similarity: number;
}

/**
 * The five records whose `surname forename` is most similar to the query's, among those above pg_trgm's default
 * similarity threshold (0.3, the `%` operator the GIN index serves), whatever their date of birth.
 */
export async function trigramSearch(db: Db, surname: string, forename: string, limit = 5): Promise<TrigramHit[]> {
  const q = `${surname} ${forename}`;
  const result = await sql<TrigramHit>`
    SELECT id, surname, forename, date_of_birth, similarity(${trgmName}, ${q}) AS similarity
    FROM repository_records
    WHERE status = 'active' AND ${trgmName} % ${q}
    ORDER BY similarity DESC, id
    LIMIT ${limit}`.execute(db);
  return result.rows;
}

// ---- Figures.

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

export const pct = (part: number, whole: number): string =>
  whole === 0 ? '–' : `${((100 * part) / whole).toFixed(1)}%`;

export const ms = (value: number): string =>
  Number.isNaN(value) ? '–' : value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : value.toFixed(0);

export const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);

/** Peak resident set of this process so far, in MB. */
export const peakRssMb = (): string => (process.resourceUsage().maxRSS / 1024).toFixed(0);

/** The machine's 1-minute load average: other work on it shows in every latency figure. */
export const load = (): string => loadavg()[0]?.toFixed(1) ?? '?';

export async function machineDescription(db: Db): Promise<string> {
  const settings = await sql<{ version: string; shared_buffers: string; work_mem: string }>`
    SELECT current_setting('server_version') AS version, current_setting('shared_buffers') AS shared_buffers,
           current_setting('work_mem') AS work_mem`.execute(db);
  const s = settings.rows[0];
  const cpu = cpus();
  return (
    `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 1024 ** 3).toFixed(0)} GB RAM, ` +
    `Node ${process.version}, PostgreSQL ${s?.version ?? '?'} (shared_buffers ${s?.shared_buffers ?? '?'}, ` +
    `work_mem ${s?.work_mem ?? '?'}) on the same machine; load average ${load()} at the start`
  );
}

/** Runs `task` over `items` with at most `concurrency` in flight, in order of items. */
export async function forEachConcurrently<T>(
  items: readonly T[],
  concurrency: number,
  task: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (;;) {
      const index = next++;
      if (index >= items.length) return;
      await task(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/** A deterministic shuffle of `0 … n-1`. */
export function shuffledIndices(n: number, next: () => number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  return order;
}

/** A child as another school would record them in a search: names, date of birth and sex. */
export function criteriaOf(p: SyntheticIdentity): SearchCriteria {
  return {
    surname: p.surname ?? undefined,
    forename: p.forename ?? undefined,
    dateOfBirth: p.dateOfBirth ?? undefined,
    sex: p.sex === 'M' || p.sex === 'F' ? p.sex : undefined,
  };
}
