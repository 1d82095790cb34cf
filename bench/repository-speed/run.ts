/**
 * Repository search speed on PostgreSQL at national scale: REPO_SPEED_RECORDS (default 1,000,000) generated
 * children in `repository_records` of a fresh, migrated database (well above a year of national volume).
 *
 * Measures (1) the bulk indexing rate — records/s for computing search keys and inserting them 500 rows an INSERT as
 * the transfers code does, with the production indexes in place — by fifths of the load; (2) the table's and each
 * index's size after VACUUM ANALYZE (what autovacuum does after a bulk load); (3) `matchRepository` latency p50/p95/p99
 * and throughput for a mix of searches (a quarter each: exact details, one or two typing errors, one DOB digit wrong,
 * a child who is not there) with 1 searcher and with 20 concurrent searchers, each with its own pooled connection,
 * all in this one Node process as in the service, with the plans PostgreSQL chooses for the candidate query (a
 * search must never read the whole table). Baseline in the same run: a plain pg_trgm similarity search on
 * `surname forename` (trigram GIN index, top 5, any DOB) at the same concurrency. Also peak RSS.
 *
 * Phases as shipped stop starting searches after REPO_SPEED_PHASE_SECONDS (default 120) so that a full-table plan
 * cannot run for hours; the number of searches measured is printed with every row.
 * Run: node --import tsx bench/repository-speed/run.ts   (REPO_SPEED_RECORDS=200000 for a quicker run)
 */

import { cpus } from 'node:os';
import { sql } from 'kysely';
import { generateIdentities, type SyntheticIdentity } from '../../src/ctf/generate.js';
import { createRandom } from '../../src/ctf/random.js';
import { makeVariant } from '../../src/ctf/variants.js';
import { openSampleEstablishments } from '../../src/establishments/sample-register.js';
import type { Db } from '../../src/platform/database.js';
import { candidateQuery, matchRepository } from '../../src/repository/match-repository.js';
import type { SearchCriteria } from '../../src/repository/score-match.js';
import {
  criteriaOf,
  createBenchDatabase,
  createTrigramIndex,
  insertDummyFiles,
  insertRows,
  load,
  machineDescription,
  mb,
  ms,
  numberFrom,
  peakRssMb,
  percentile,
  recordRow,
  trigramSearch,
  INSERT_BATCH,
  type RecordRow,
} from '../repository-support.js';

const records = numberFrom('REPO_SPEED_RECORDS', 1_000_000);
const singleSearches = numberFrom('REPO_SPEED_SEARCHES_1', 500);
const concurrentSearches = numberFrom('REPO_SPEED_SEARCHES_20', 2_000);
const concurrency = numberFrom('REPO_SPEED_CONCURRENCY', 20);
const phaseSeconds = numberFrom('REPO_SPEED_PHASE_SECONDS', 120);
const log = (line: string) => console.log(line);

type QueryKind = 'exact' | 'typo' | 'dob-digit' | 'absent';
const queryKinds: readonly QueryKind[] = ['exact', 'typo', 'dob-digit', 'absent'];

interface Query {
  kind: QueryKind;
  criteria: SearchCriteria;
}

/** A quarter each of exact, typo, one-digit-DOB and absent-child searches, interleaved. */
function buildQueries(sample: readonly SyntheticIdentity[], count: number): Query[] {
  const random = createRandom('repository-speed-queries');
  const establishments = openSampleEstablishments();
  const absent = [...generateIdentities({ seed: 'repository-speed-absent', establishments, count })];
  const queries: Query[] = [];
  for (let i = 0; queries.length < count; i++) {
    const kind = queryKinds[i % queryKinds.length] as QueryKind;
    const p = sample[random.int(sample.length)] as SyntheticIdentity;
    if (kind === 'exact') queries.push({ kind, criteria: criteriaOf(p) });
    else if (kind === 'absent') queries.push({ kind, criteria: criteriaOf(absent[i % absent.length] ?? p) });
    else {
      const variant = makeVariant(p, kind, random);
      if (variant) queries.push({ kind, criteria: criteriaOf(variant) });
    }
  }
  return queries;
}

interface PhaseResult {
  label: string;
  concurrency: number;
  latencies: number[];
  byKind: Map<QueryKind, number[]>;
  seconds: number;
  capped: boolean;
  /** CPU seconds a wall second: of this Node process, and of the whole machine (PostgreSQL is most of the rest). */
  nodeCpu: number;
  machineCpu: number;
}

/** CPU seconds used by the whole machine so far (all cores, user and system). */
function machineCpuSeconds(): number {
  return cpus().reduce((sum, c) => sum + c.times.user + c.times.nice + c.times.sys + c.times.irq, 0) / 1000;
}

/** Runs `count` searches (or until the time cap) with `workers` searchers, timing each. */
async function runPhase(
  label: string,
  queries: readonly Query[],
  offset: number,
  count: number,
  workers: number,
  capSeconds: number | null,
  search: (query: Query) => Promise<unknown>,
): Promise<PhaseResult> {
  const latencies: number[] = [];
  const byKind = new Map<QueryKind, number[]>();
  let next = 0;
  let capped = false;
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const machineBefore = machineCpuSeconds();
  const worker = async () => {
    for (;;) {
      if (next >= count) return;
      if (capSeconds !== null && performance.now() - started > capSeconds * 1000) {
        capped = true;
        return;
      }
      const query = queries[(offset + next++) % queries.length] as Query;
      const t = performance.now();
      await search(query);
      const elapsed = performance.now() - t;
      latencies.push(elapsed);
      const list = byKind.get(query.kind) ?? [];
      list.push(elapsed);
      byKind.set(query.kind, list);
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    label,
    concurrency: workers,
    latencies,
    byKind,
    seconds,
    capped,
    nodeCpu: (cpu.user + cpu.system) / 1e6 / seconds,
    machineCpu: (machineCpuSeconds() - machineBefore) / seconds,
  };
}

function phaseRow(r: PhaseResult, target: number): string {
  const sorted = [...r.latencies].sort((a, b) => a - b);
  const p95 = percentile(sorted, 95);
  const kinds = queryKinds
    .map(
      (k) =>
        `${k} ${ms(
          percentile(
            [...(r.byKind.get(k) ?? [])].sort((a, b) => a - b),
            95,
          ),
        )}`,
    )
    .join(', ');
  return (
    `| ${r.label} | ${r.concurrency} | ${sorted.length}${r.capped ? ' (time cap)' : ''} | ${ms(percentile(sorted, 50))} | ` +
    `${ms(p95)} | ${ms(percentile(sorted, 99))} | ${ms(sorted.at(-1) ?? Number.NaN)} | ` +
    `${(sorted.length / r.seconds).toFixed(1)} | ${r.nodeCpu.toFixed(2)} / ${r.machineCpu.toFixed(2)} | ` +
    `${p95 < target ? 'met' : 'NOT MET'} (< ${target}) | ${kinds} |`
  );
}

interface PlanSample {
  node: string;
  estimated: number;
  actualMs: number;
  rows: number;
}

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Plan Rows': number;
  'Actual Rows': number;
  Plans?: PlanNode[];
}

interface PlanJson {
  Plan: PlanNode;
  'Execution Time': number;
}

/**
 * EXPLAIN ANALYZE of `matchRepository`'s own candidate query (`candidateQuery`), with and without its LIMIT: the
 * scans the planner picks (a Seq Scan on repository_records would read the whole table), the rows and the time.
 */
async function explainCandidates(db: Db, criteria: SearchCriteria, now: Date, withLimit: boolean): Promise<PlanSample> {
  const query = candidateQuery(criteria, now, withLimit ? undefined : null);
  if (!query) throw new Error('the search has no way in');
  const result = await sql<{ 'QUERY PLAN': PlanJson[] }>`EXPLAIN (ANALYZE, FORMAT JSON) ${query}`.execute(db);
  const plan = result.rows[0]?.['QUERY PLAN'][0];
  if (!plan) throw new Error('EXPLAIN returned no plan');
  const scans = new Set<string>();
  const visit = (n: PlanNode): void => {
    if (
      n['Node Type'].endsWith('Scan') &&
      n['Node Type'] !== 'Bitmap Heap Scan' &&
      n['Node Type'] !== 'Function Scan'
    ) {
      scans.add(`${n['Node Type']}${n['Index Name'] ? ` ${n['Index Name'].replace('repository_records_', '')}` : ''}`);
    }
    for (const child of n.Plans ?? []) visit(child);
  };
  visit(plan.Plan);
  return {
    node: [...scans].sort().join(' + '),
    estimated: plan.Plan['Plan Rows'],
    actualMs: plan['Execution Time'],
    rows: plan.Plan['Actual Rows'],
  };
}

async function main(): Promise<void> {
  const started = performance.now();
  const establishments = openSampleEstablishments();
  const schoolNames = new Map(establishments.map((e) => [e.laestab, e.name]));
  const now = new Date();
  const expiresAt = new Date(now.getTime() + 365 * 86_400_000);
  const bench = await createBenchDatabase(`s2s_bench_speed_${process.pid}`, concurrency + 1);
  try {
    log(`# Repository search speed: ${records.toLocaleString('en-GB')} records\n`);
    log(`- Machine: ${await machineDescription(bench.db)}; database ${bench.name}.`);
    const fileIds = await insertDummyFiles(bench.db, 1000, now, expiresAt);
    const context = { fileIds, schoolNames, now, expiresAt };

    // ---- Bulk indexing.
    const sample: SyntheticIdentity[] = [];
    const sampleEvery = Math.max(1, Math.floor(records / 4000));
    const fifth = Math.ceil(records / 5);
    const segments: number[] = [];
    let segmentMs = 0;
    let keysMs = 0;
    let insertMs = 0;
    let batch: SyntheticIdentity[] = [];
    let written = 0;
    const flush = async () => {
      const k = performance.now();
      const rows: RecordRow[] = batch.map((p, i) => recordRow(p, written + i, context));
      const w = performance.now();
      await insertRows(bench.db, rows);
      const done = performance.now();
      keysMs += w - k;
      insertMs += done - w;
      segmentMs += done - k;
      written += rows.length;
      batch = [];
      if (written % fifth < INSERT_BATCH || written === records) {
        segments.push(segmentMs);
        segmentMs = 0;
      }
    };
    const loadStarted = performance.now();
    let n = 0;
    for (const p of generateIdentities({ seed: 'repository-speed', establishments, count: records })) {
      if (n++ % sampleEvery === 0) sample.push(p);
      batch.push(p);
      if (batch.length === INSERT_BATCH) await flush();
    }
    if (batch.length > 0) await flush();
    const loadSeconds = (performance.now() - loadStarted) / 1000;
    const rate = (count: number, milliseconds: number) =>
      Math.round(count / (milliseconds / 1000)).toLocaleString('en-GB');
    log(
      `- Bulk indexing: ${written.toLocaleString('en-GB')} records at ${rate(written, keysMs + insertMs)} records/s ` +
        `(search keys ${(keysMs / 1000).toFixed(0)} s = ${rate(written, keysMs)}/s; INSERTs of ${INSERT_BATCH} rows with ` +
        `the production indexes ${(insertMs / 1000).toFixed(0)} s = ${rate(written, insertMs)}/s; one stream). ` +
        `By fifths of the load: ${segments.map((s) => rate(fifth, s)).join(', ')} records/s. ` +
        `Wall time with the generator ${loadSeconds.toFixed(0)} s. Peak RSS so far ${peakRssMb()} MB.`,
    );

    const queries = buildQueries(sample, 4000);
    const probe = queries.slice(0, 40);

    // Right after a bulk load, before autovacuum has analysed the table.
    const beforeVacuum = await runPhase('as shipped, before VACUUM ANALYZE', queries, 0, 100, 1, phaseSeconds, (q) =>
      matchRepository(bench.db, q.criteria, { now }),
    );

    let t = performance.now();
    await sql`VACUUM ANALYZE repository_records`.execute(bench.db);
    const vacuumSeconds = (performance.now() - t) / 1000;
    t = performance.now();
    await createTrigramIndex(bench.db);
    const trgmSeconds = (performance.now() - t) / 1000;

    const sizes = await sql<{ name: string; bytes: number }>`
      SELECT c.relname AS name, pg_relation_size(c.oid) AS bytes
      FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
      WHERE i.indrelid = 'repository_records'::regclass ORDER BY bytes DESC`.execute(bench.db);
    const table = await sql<{ heap: number; total: number }>`
      SELECT pg_table_size('repository_records') AS heap, pg_total_relation_size('repository_records') AS total`.execute(
      bench.db,
    );
    const production = sizes.rows.filter((r) => r.name !== 'bench_repository_trgm');
    const indexBytes = production.reduce((sum, r) => sum + Number(r.bytes), 0);
    log(
      `- VACUUM ANALYZE after the load: ${vacuumSeconds.toFixed(0)} s; baseline trigram index built in ${trgmSeconds.toFixed(0)} s.`,
    );
    log('\n## Sizes\n');
    log('| relation | MB | bytes a record |');
    log('|---|---:|---:|');
    const heap = Number(table.rows[0]?.heap ?? 0);
    log(`| table (heap and TOAST) | ${mb(heap)} | ${(heap / written).toFixed(0)} |`);
    for (const r of sizes.rows) {
      const label = r.name === 'bench_repository_trgm' ? `${r.name} (baseline only, not in production)` : r.name;
      log(`| ${label} | ${mb(Number(r.bytes))} | ${(Number(r.bytes) / written).toFixed(0)} |`);
    }
    log(`| **production indexes together** | ${mb(indexBytes)} | ${(indexBytes / written).toFixed(0)} |`);

    // ---- Plans.
    log('\n## The candidate query’s plan (EXPLAIN ANALYZE of `candidateQuery`, 40 searches of the mix)\n');
    log('| variant | plans chosen | mean estimated rows | mean rows found | median ms | max ms |');
    log('|---|---|---:|---:|---:|---:|');
    for (const [label, db, withLimit] of [
      ['as shipped (LIMIT 5000)', bench.db, true],
      ['same query without the LIMIT', bench.db, false],
    ] as const) {
      const samples: PlanSample[] = [];
      for (const q of probe) {
        samples.push(await explainCandidates(db, q.criteria, now, withLimit));
      }
      const nodes = new Map<string, number>();
      for (const s of samples) nodes.set(s.node, (nodes.get(s.node) ?? 0) + 1);
      const times = samples.map((s) => s.actualMs).sort((a, b) => a - b);
      const mean = (f: (s: PlanSample) => number) =>
        (samples.reduce((sum, s) => sum + f(s), 0) / samples.length).toFixed(0);
      log(
        `| ${label} | ${[...nodes].map(([k, v]) => `${k} ×${v}`).join(', ')} | ${mean((s) => s.estimated)} | ` +
          `${mean((s) => s.rows)} | ${ms(percentile(times, 50))} | ${ms(times.at(-1) ?? Number.NaN)} |`,
      );
    }

    // ---- Latency.
    const shipped = (q: Query) => matchRepository(bench.db, q.criteria, { now });
    const trigram = (q: Query) => trigramSearch(bench.db, q.criteria.surname ?? '', q.criteria.forename ?? '');
    await runPhase('warm-up', queries, 2000, 100, 2, null, shipped);
    await runPhase('warm-up', queries, 2000, 100, 2, null, trigram);
    const results: [PhaseResult, number][] = [];
    const phase = async (
      label: string,
      workers: number,
      count: number,
      cap: number | null,
      search: (q: Query) => Promise<unknown>,
    ) => {
      const r = await runPhase(label, queries, workers === 1 ? 0 : 500, count, workers, cap, search);
      results.push([r, workers === 1 ? 50 : 150]);
      log(
        `  measured: ${label} × ${workers}: ${r.latencies.length} searches in ${r.seconds.toFixed(0)} s ` +
          `(load average ${load()})`,
      );
    };
    log('');
    await phase('s2s as shipped', 1, singleSearches, phaseSeconds, shipped);
    await phase('s2s as shipped', concurrency, concurrentSearches, phaseSeconds, shipped);
    await phase('baseline: pg_trgm top 5', 1, singleSearches, phaseSeconds, trigram);
    await phase('baseline: pg_trgm top 5', concurrency, concurrentSearches, phaseSeconds, trigram);

    log('\n## Search latency (ms)\n');
    log(
      '| search | searchers | n | p50 | p95 | p99 | max | searches/s | CPU cores busy: Node / machine | p95 target | p95 by kind |',
    );
    log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|');
    log(phaseRow(beforeVacuum, 50));
    for (const [r, target] of results) log(phaseRow(r, target));
    log(
      `\nPeak RSS of this process (generator, pools and searches): ${peakRssMb()} MB. Whole run ` +
        `${((performance.now() - started) / 1000).toFixed(0)} s.`,
    );
  } finally {
    await bench.drop();
  }
}

await main();
