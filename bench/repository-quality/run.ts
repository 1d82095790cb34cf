/**
 * Repository search quality: how often `matchRepository` finds a child in the unknown-destination repository when
 * another school records them differently, and how often it shows anyone at all for a child who is not there.
 *
 * A repository of REPO_BENCH_CHILDREN (default 200,000) generated children is written to a fresh PostgreSQL
 * database as the transfers code writes it (search keys included). For each corruption type, REPO_BENCH_QUERIES
 * (default 1,000) different children are searched for by `{surname, forename, dateOfBirth, sex}` as the new school
 * would record them (src/ctf/variants.ts): one or two typing errors; a phonetic spelling; accents and apostrophes
 * dropped; a double-barrelled surname given as one part, or a single surname given double-barrelled (half each);
 * surname changed; first and middle names swapped; a short form of the first name; day and month of birth swapped;
 * one digit of the date of birth wrong. Then as many children who are not in the repository (another seed; any whose
 * folded first name, surname and date of birth equal a repository child's are the same person as far as any search
 * can tell, and are left out and counted).
 *
 * Surname changed: a search has no "former surname" field, so the link has to be in the stored record. For those
 * children the record is written with a new surname (the one the old school now holds) and the surname the new school
 * knows, which the query uses, as the record's former surname (half the children) or preferred surname (the other
 * half).
 *
 * Reported per type: recall@1 and recall@5 (target among the first 1 or 5 results at the service's threshold,
 * `MATCH_THRESHOLD`), recall@5 with no threshold (threshold 0, limit 5: separates candidate-selection misses from
 * threshold misses), and the same for two baselines on the same database: exact (case- and accent-folded surname
 * and first name equal, date of birth equal) and plain pg_trgm (the five records whose `surname forename` is most
 * similar to the query's, any date of birth, via a trigram GIN index the benchmark creates). For absent children:
 * the share for which each shows any result. Every miss is classified (rejected by scoring, below the threshold,
 * not selected by the SQL, outranked) and written with every absent child shown a result to bench/out/repository-quality.
 *
 * Run: node --import tsx bench/repository-quality/run.ts
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { generateIdentities, type SyntheticIdentity } from '../../src/ctf/generate.js';
import { createRandom } from '../../src/ctf/random.js';
import { makeVariant, type VariantKind } from '../../src/ctf/variants.js';
import { openSampleEstablishments } from '../../src/establishments/sample-register.js';
import type { Db } from '../../src/platform/database.js';
import { oneDigitVariants, swappedDayMonth } from '../../src/repository/date-variants.js';
import { matchRepository } from '../../src/repository/match-repository.js';
import { compactName, typingDistance } from '../../src/repository/name-forms.js';
import {
  MATCH_THRESHOLD,
  scoreMatch,
  type CandidateRecord,
  type SearchCriteria,
} from '../../src/repository/score-match.js';
import {
  createBenchDatabase,
  createTrigramIndex,
  criteriaOf,
  forEachConcurrently,
  insertDummyFiles,
  insertRows,
  load,
  machineDescription,
  ms,
  numberFrom,
  pct,
  peakRssMb,
  percentile,
  recordRow,
  shuffledIndices,
  trigramSearch,
  type RecordRow,
} from '../repository-support.js';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', 'out', 'repository-quality');
const children = numberFrom('REPO_BENCH_CHILDREN', 200_000);
const perType = numberFrom('REPO_BENCH_QUERIES', 1_000);
const concurrency = numberFrom('REPO_BENCH_CONCURRENCY', 4);
const log = (line: string) => console.log(line);

/** The corruption types, in the order reported. */
const types = [
  'typo',
  'phonetic',
  'accents',
  'surname-hyphenated',
  'surname-changed',
  'forename-middle-swap',
  'nickname',
  'day-month-swap',
  'dob-digit',
] as const satisfies readonly VariantKind[];
type CorruptionType = (typeof types)[number];

const typeLabels: Record<CorruptionType, string> = {
  typo: 'one or two typing errors',
  phonetic: 'phonetic spelling',
  accents: 'accents, apostrophes dropped',
  'surname-hyphenated': 'double-barrelled surname',
  'surname-changed': 'surname changed',
  'forename-middle-swap': 'first and middle name swapped',
  nickname: 'short form of first name',
  'day-month-swap': 'DOB day and month swapped',
  'dob-digit': 'DOB one digit wrong',
};

interface Query {
  type: CorruptionType;
  /** A finer label for the types that have two forms (typo: 1 or 2 errors; hyphenated; changed). */
  subtype: string | null;
  criteria: SearchCriteria;
  target: number;
}

interface Outcome {
  s2s: string[];
  s2sAny: string[];
  exact: string[];
  trgm: string[];
  s2sMs: number;
}

const folded = (p: { forename: string | null; surname: string | null }, dob: string | null) =>
  `${compactName(p.forename ?? '')}|${compactName(p.surname ?? '')}|${dob ?? ''}`;

/** Picks the children each corruption is tried on, makes the queries, and changes the records that must change. */
function buildQueries(identities: SyntheticIdentity[]): Query[] {
  const random = createRandom('repository-quality-variants');
  const order = shuffledIndices(identities.length, random.next);
  const used = new Set<number>();
  const queries: Query[] = [];
  const take = (
    type: CorruptionType,
    count: number,
    accept: (p: SyntheticIdentity) => boolean,
    make: (p: SyntheticIdentity, index: number) => Query | null,
  ) => {
    let found = 0;
    for (const index of order) {
      if (found >= count) break;
      const p = identities[index];
      if (!p || used.has(index) || !accept(p)) continue;
      const query = make(p, index);
      if (!query) continue;
      used.add(index);
      queries.push(query);
      found++;
    }
    if (found < count) log(`  note: only ${found} children could take the ${type} corruption`);
  };
  const plain = (type: CorruptionType) => (p: SyntheticIdentity, index: number) => {
    const variant = makeVariant(p, type, random);
    return variant ? { type, subtype: null, criteria: criteriaOf(variant), target: index } : null;
  };

  take(
    'typo',
    perType,
    () => true,
    (p, index) => {
      const variant = makeVariant(p, 'typo', random);
      if (!variant) return null;
      const errors =
        typingDistance(compactName(variant.surname ?? ''), compactName(p.surname ?? ''), 4) +
        typingDistance(compactName(variant.forename ?? ''), compactName(p.forename ?? ''), 4);
      // A typo that folding undoes (a doubled apostrophe, say) is no corruption at all.
      if (errors === 0) return null;
      return {
        type: 'typo',
        subtype: errors === 1 ? '1 error' : '2 errors',
        criteria: criteriaOf(variant),
        target: index,
      };
    },
  );
  take('phonetic', perType, () => true, plain('phonetic'));
  take('accents', perType, () => true, plain('accents'));
  // Half the children have a double-barrelled surname and are searched for by one part; half the other way round.
  const hyphenated = (p: SyntheticIdentity) => (p.surname ?? '').includes('-');
  const half = Math.ceil(perType / 2);
  take('surname-hyphenated', half, hyphenated, (p, index) => {
    const variant = makeVariant(p, 'surname-hyphenated', random);
    return variant
      ? {
          type: 'surname-hyphenated',
          subtype: 'recorded double, searched one part',
          criteria: criteriaOf(variant),
          target: index,
        }
      : null;
  });
  take(
    'surname-hyphenated',
    perType - half,
    (p) => !hyphenated(p),
    (p, index) => {
      const variant = makeVariant(p, 'surname-hyphenated', random);
      return variant
        ? {
            type: 'surname-hyphenated',
            subtype: 'recorded single, searched double',
            criteria: criteriaOf(variant),
            target: index,
          }
        : null;
    },
  );
  let changed = 0;
  take(
    'surname-changed',
    perType,
    () => true,
    (p, index) => {
      const variant = makeVariant(p, 'surname-changed', random);
      if (!variant?.surname || compactName(variant.surname) === compactName(p.surname ?? '')) return null;
      const asFormer = changed++ % 2 === 0;
      // The record holds the new surname; the surname the new school knows is its former or preferred one.
      identities[index] = asFormer
        ? { ...p, surname: variant.surname, formerSurname: p.surname }
        : { ...p, surname: variant.surname, preferredSurname: p.surname };
      return {
        type: 'surname-changed',
        subtype: asFormer ? 'known as former surname' : 'known as preferred surname',
        criteria: criteriaOf(p),
        target: index,
      };
    },
  );
  take('forename-middle-swap', perType, () => true, plain('forename-middle-swap'));
  take('nickname', perType, () => true, plain('nickname'));
  take('day-month-swap', perType, () => true, plain('day-month-swap'));
  take('dob-digit', perType, () => true, plain('dob-digit'));
  return queries;
}

interface Absent {
  queries: SearchCriteria[];
  sameAsPresent: number;
  nearDate: number;
  drawn: number;
}

/** Children not in the repository; those indistinguishable from a present child (same names and DOB) left out. */
function absentQueries(
  identities: readonly SyntheticIdentity[],
  establishments: ReturnType<typeof openSampleEstablishments>,
): Absent {
  const present = new Set(identities.map((p) => folded(p, p.dateOfBirth)));
  const queries: SearchCriteria[] = [];
  let sameAsPresent = 0;
  let nearDate = 0;
  let drawn = 0;
  const thisYear = new Date().getUTCFullYear();
  for (const p of generateIdentities({ seed: 'repository-quality-absent', establishments, count: perType * 10 })) {
    if (queries.length >= perType) break;
    drawn++;
    if (present.has(folded(p, p.dateOfBirth))) {
      sameAsPresent++;
      continue;
    }
    const dob = p.dateOfBirth ?? '';
    const near = [swappedDayMonth(dob), ...oneDigitVariants(dob, 1990, thisYear)].filter(
      (d): d is string => d !== null,
    );
    if (near.some((d) => present.has(folded(p, d)))) nearDate++;
    queries.push(criteriaOf(p));
  }
  return { queries, sameAsPresent, nearDate, drawn };
}

async function exactSearch(db: Db, c: SearchCriteria): Promise<string[]> {
  if (!c.dateOfBirth) return [];
  const fold = (value: unknown) => sql`regexp_replace(lower(unaccent(${value})), '[^a-z]', '', 'g')`;
  const rows = await sql<{ id: string }>`
    SELECT id FROM repository_records
    WHERE status = 'active' AND date_of_birth = ${c.dateOfBirth}::date
      AND ${fold(sql.ref('surname'))} = ${fold(c.surname ?? '')}
      AND ${fold(sql.ref('forename'))} = ${fold(c.forename ?? '')}
    ORDER BY id LIMIT 5`.execute(db);
  return rows.rows.map((r) => r.id);
}

function candidateOf(row: RecordRow): CandidateRecord {
  return {
    upn: row.upn ?? null,
    former_upns: row.former_upns ?? [],
    surname: row.surname ?? null,
    forename: row.forename ?? null,
    middle_names: row.middle_names ?? null,
    preferred_surname: row.preferred_surname ?? null,
    preferred_forename: row.preferred_forename ?? null,
    former_surname: row.former_surname ?? null,
    former_forename: row.former_forename ?? null,
    date_of_birth: row.date_of_birth ?? null,
    sex: row.sex ?? null,
    postcode: row.postcode ?? null,
    left_laestab: row.left_laestab ?? null,
    left_la_code: row.left_la_code ?? null,
  };
}

const describeQuery = (c: SearchCriteria) =>
  `${c.surname ?? '–'}, ${c.forename ?? '–'}, ${c.dateOfBirth ?? '–'} ${c.sex ?? ''}`.trim();

function describeRecord(row: RecordRow): string {
  const extra = [
    row.middle_names ? `middle ${row.middle_names}` : '',
    row.preferred_surname ? `pref. surname ${row.preferred_surname}` : '',
    row.former_surname ? `former surname ${row.former_surname}` : '',
    row.preferred_forename ? `pref. first ${row.preferred_forename}` : '',
  ].filter((x) => x !== '');
  return `${row.surname ?? '–'}, ${row.forename ?? '–'}, ${row.date_of_birth ?? '–'} ${row.sex ?? ''}${extra.length ? ` [${extra.join('; ')}]` : ''}`;
}

interface Tally {
  n: number;
  s2s1: number;
  s2s5: number;
  s2sAny5: number;
  exact1: number;
  exact5: number;
  trgm1: number;
  trgm5: number;
}

const emptyTally = (): Tally => ({ n: 0, s2s1: 0, s2s5: 0, s2sAny5: 0, exact1: 0, exact5: 0, trgm1: 0, trgm5: 0 });

function count(tally: Tally, id: string, o: Outcome): void {
  tally.n++;
  if (o.s2s[0] === id) tally.s2s1++;
  if (o.s2s.slice(0, 5).includes(id)) tally.s2s5++;
  if (o.s2sAny.includes(id)) tally.s2sAny5++;
  if (o.exact[0] === id) tally.exact1++;
  if (o.exact.includes(id)) tally.exact5++;
  if (o.trgm[0] === id) tally.trgm1++;
  if (o.trgm.includes(id)) tally.trgm5++;
}

function tallyRow(label: string, t: Tally): string {
  return (
    `| ${label} | ${t.n} | ${pct(t.s2s1, t.n)} | ${pct(t.s2s5, t.n)} | ${pct(t.s2sAny5, t.n)} | ` +
    `${pct(t.exact1, t.n)} | ${pct(t.exact5, t.n)} | ${pct(t.trgm1, t.n)} | ${pct(t.trgm5, t.n)} |`
  );
}

async function main(): Promise<void> {
  const started = performance.now();
  const establishments = openSampleEstablishments();
  const schoolNames = new Map(establishments.map((e) => [e.laestab, e.name]));
  const now = new Date();
  const expiresAt = new Date(now.getTime() + 365 * 86_400_000);
  log(`# Repository search quality: ${children.toLocaleString('en-GB')} children, ${perType} queries a type\n`);

  let t = performance.now();
  const identities = [...generateIdentities({ seed: 'repository-quality', establishments, count: children })];
  const generateMs = performance.now() - t;
  const queries = buildQueries(identities);
  const absent = absentQueries(identities, establishments);
  log(
    `- Generated ${identities.length.toLocaleString('en-GB')} children in ${(generateMs / 1000).toFixed(1)} s; ` +
      `${queries.length} corrupted queries, ${absent.queries.length} absent-child queries.`,
  );
  log(
    `- Name diversity: of ${absent.drawn} fresh children, ${pct(absent.sameAsPresent, absent.drawn)} share first name, ` +
      `surname and DOB with a repository child (left out as the same person); of those kept, ` +
      `${pct(absent.nearDate, absent.queries.length)} share both names with a child whose DOB is their DOB with ` +
      `day and month swapped or one digit different.`,
  );

  const bench = await createBenchDatabase(`s2s_bench_quality_${process.pid}`, concurrency + 2);
  try {
    log(`- Machine: ${await machineDescription(bench.db)}; database ${bench.name}.`);
    await sql`CREATE EXTENSION IF NOT EXISTS unaccent`.execute(bench.db);
    const fileIds = await insertDummyFiles(bench.db, 100, now, expiresAt);
    const context = { fileIds, schoolNames, now, expiresAt };

    t = performance.now();
    const rows: RecordRow[] = [];
    let keysMs = 0;
    let insertMs = 0;
    for (let start = 0; start < identities.length; start += 10_000) {
      const k = performance.now();
      const batch = identities.slice(start, start + 10_000).map((p, i) => recordRow(p, start + i, context));
      keysMs += performance.now() - k;
      const w = performance.now();
      await insertRows(bench.db, batch);
      insertMs += performance.now() - w;
      rows.push(...batch);
    }
    const indexing = performance.now() - t;
    // What autovacuum does after a bulk load: merges the GIN indexes' pending lists and gathers statistics.
    await sql`VACUUM ANALYZE repository_records`.execute(bench.db);
    t = performance.now();
    await createTrigramIndex(bench.db);
    const trgmIndexMs = performance.now() - t;
    log(
      `- Indexed ${rows.length.toLocaleString('en-GB')} records in ${(indexing / 1000).toFixed(1)} s ` +
        `(${Math.round(rows.length / ((keysMs + insertMs) / 1000)).toLocaleString('en-GB')} records/s: search keys ` +
        `${(keysMs / 1000).toFixed(1)} s, INSERTs of 500 rows ${(insertMs / 1000).toFixed(1)} s, production indexes in place); ` +
        `baseline trigram index built in ${(trgmIndexMs / 1000).toFixed(1)} s.`,
    );

    // ---- Searches, on the pool the records were written with, with PostgreSQL's own plans.
    const db = bench.db;
    const search = async (criteria: SearchCriteria): Promise<Outcome> => {
      const s = performance.now();
      const s2s = await matchRepository(db, criteria, { now, threshold: MATCH_THRESHOLD });
      const s2sMs = performance.now() - s;
      const s2sAny = await matchRepository(db, criteria, { now, threshold: 0, limit: 5 });
      const exact = await exactSearch(db, criteria);
      const trgm = await trigramSearch(db, criteria.surname ?? '', criteria.forename ?? '');
      return { s2s: s2s.map((m) => m.id), s2sAny: s2sAny.map((m) => m.id), exact, trgm: trgm.map((m) => m.id), s2sMs };
    };
    t = performance.now();
    const outcomes: Outcome[] = new Array<Outcome>(queries.length);
    await forEachConcurrently(queries, concurrency, async (q, i) => {
      outcomes[i] = await search(q.criteria);
      if ((i + 1) % 1000 === 0) process.stderr.write(`  … ${i + 1} of ${queries.length} queries\n`);
    });
    const absentOutcomes: Outcome[] = new Array<Outcome>(absent.queries.length);
    await forEachConcurrently(absent.queries, concurrency, async (q, i) => {
      absentOutcomes[i] = await search(q);
    });
    const searchMs = performance.now() - t;
    const s2sTimes = [...outcomes, ...absentOutcomes].map((o) => o.s2sMs);

    // ---- Tallies.
    const byType = new Map<string, Tally>();
    const overall = emptyTally();
    const tallyOf = (key: string) => {
      let tally = byType.get(key);
      if (!tally) byType.set(key, (tally = emptyTally()));
      return tally;
    };
    queries.forEach((q, i) => {
      const o = outcomes[i] as Outcome;
      const id = rows[q.target]?.id ?? '';
      count(overall, id, o);
      count(tallyOf(q.type), id, o);
      if (q.subtype) count(tallyOf(`${q.type}/${q.subtype}`), id, o);
    });

    log('\n## Recall (target among the first k results)\n');
    log('| corruption | n | s2s @1 | s2s @5 | s2s @5 no threshold | exact @1 | exact @5 | trgm @1 | trgm @5 |');
    log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const type of types) {
      log(tallyRow(`${type} (${typeLabels[type]})`, tallyOf(type)));
      const subtypes = [...new Set(queries.filter((q) => q.type === type && q.subtype).map((q) => q.subtype))].sort();
      for (const sub of subtypes) log(tallyRow(`  ↳ ${sub}`, tallyOf(`${type}/${sub}`)));
    }
    log(tallyRow('**all types together**', overall));

    const shown = (pick: (o: Outcome) => string[]) => absentOutcomes.filter((o) => pick(o).length > 0).length;
    const na = absentOutcomes.length;
    log(
      `| **absent child: shows any result** | ${na} | ${pct(
        shown((o) => o.s2s),
        na,
      )} | | ` +
        `${pct(
          shown((o) => o.s2sAny),
          na,
        )} | ${pct(
          shown((o) => o.exact),
          na,
        )} | | ${pct(
          shown((o) => o.trgm),
          na,
        )} | |`,
    );

    const worst = types.map((type) => ({ type, recall: tallyOf(type).s2s5 / Math.max(1, tallyOf(type).n) }));
    const failing = worst.filter((w) => w.recall < 0.95);
    const overallRecall = overall.s2s5 / Math.max(1, overall.n);
    const absentShare = shown((o) => o.s2s) / Math.max(1, na);
    log('\nTargets:');
    log(
      `- recall@5 over all types ≥ 99%: ${pct(overall.s2s5, overall.n)} — ${overallRecall >= 0.99 ? 'met' : 'NOT MET'}`,
    );
    log(
      `- recall@5 ≥ 95% for every type: ${failing.length === 0 ? 'met' : `NOT MET for ${failing.map((w) => `${w.type} (${(100 * w.recall).toFixed(1)}%)`).join(', ')}`}`,
    );
    log(
      `- absent children shown a result ≤ 1%: ${pct(absentShare * na, na)} — ${absentShare <= 0.01 ? 'met' : 'NOT MET'}`,
    );

    // ---- Misses, classified, with examples.
    mkdirSync(out, { recursive: true });
    const missLines = ['type\tsubtype\tclass\tscore\treasons\tquery\ttarget\ttop result'];
    log('\n## Misses (target not in the first 5 at the threshold)\n');
    for (const type of types) {
      const classes = new Map<string, number>();
      const examples: string[] = [];
      for (let i = 0; i < queries.length; i++) {
        const q = queries[i] as Query;
        const o = outcomes[i] as Outcome;
        const row = rows[q.target];
        if (q.type !== type || !row || o.s2s.slice(0, 5).includes(row.id)) continue;
        const scored = scoreMatch(q.criteria, candidateOf(row));
        let kind: string;
        let top = '';
        if (!scored) kind = 'rejected by scoring';
        else if (scored.score < MATCH_THRESHOLD) kind = 'below threshold';
        else {
          const all = await matchRepository(db, q.criteria, { now, threshold: 0, limit: 100_000 });
          const rank = all.findIndex((m) => m.id === row.id);
          kind = rank < 0 ? 'not selected by the SQL' : 'outranked';
          const best = all[0];
          if (best) top = `${best.surname}, ${best.forename}, ${best.dateOfBirth} (${best.score})`;
        }
        classes.set(kind, (classes.get(kind) ?? 0) + 1);
        const score = scored ? `${scored.score}` : '–';
        const reasons = scored ? scored.reasons.join('; ') : '';
        missLines.push(
          [type, q.subtype ?? '', kind, score, reasons, describeQuery(q.criteria), describeRecord(row), top].join('\t'),
        );
        if (examples.length < 3) {
          examples.push(
            `  - ${q.subtype ? `(${q.subtype}) ` : ''}query ${describeQuery(q.criteria)} → target ${describeRecord(row)}: ` +
              `${kind}${scored ? ` (score ${score}: ${reasons})` : ''}${top ? `; top result ${top}` : ''}`,
          );
        }
      }
      const total = [...classes.values()].reduce((a, b) => a + b, 0);
      log(`- ${type}: ${total} misses${total ? ` — ${[...classes].map(([k, v]) => `${k} ${v}`).join(', ')}` : ''}`);
      for (const line of examples) log(line);
    }

    const absentLines = ['query\tresults\ttop result\tscore\treasons'];
    const absentExamples: string[] = [];
    for (let i = 0; i < absent.queries.length; i++) {
      const o = absentOutcomes[i] as Outcome;
      if (o.s2s.length === 0) continue;
      const q = absent.queries[i] as SearchCriteria;
      const [best] = await matchRepository(db, q, { now, threshold: MATCH_THRESHOLD, limit: 1 });
      if (!best) continue;
      const line = `${describeQuery(q)} → ${best.surname}, ${best.forename}, ${best.dateOfBirth} ${best.sex ?? ''} (${best.score}: ${best.reasons.join('; ')})`;
      absentLines.push(
        [
          describeQuery(q),
          o.s2s.length,
          `${best.surname}, ${best.forename}, ${best.dateOfBirth}`,
          best.score,
          best.reasons.join('; '),
        ].join('\t'),
      );
      if (absentExamples.length < 5) absentExamples.push(`  - ${line}`);
    }
    log(`- absent children shown a result: ${absentLines.length - 1}`);
    for (const line of absentExamples) log(line);
    writeFileSync(join(out, 'misses.tsv'), `${missLines.join('\n')}\n`);
    writeFileSync(join(out, 'absent-shown.tsv'), `${absentLines.join('\n')}\n`);

    const sorted = [...s2sTimes].sort((a, b) => a - b);
    const mean = s2sTimes.reduce((a, b) => a + b, 0) / Math.max(1, s2sTimes.length);
    log(
      `\nTimings: ${queries.length + absent.queries.length} queries × 4 searches in ${(searchMs / 1000).toFixed(1)} s ` +
        `(${concurrency} queries at a time, load average ${load()} at the end); s2s search (under this load) mean ` +
        `${ms(mean)} ms, p50 ${ms(percentile(sorted, 50))}, p95 ${ms(percentile(sorted, 95))}, ` +
        `p99 ${ms(percentile(sorted, 99))}, max ${ms(sorted.at(-1) ?? Number.NaN)} ms; whole run ` +
        `${((performance.now() - started) / 1000).toFixed(0)} s; peak RSS ${peakRssMb()} MB. ` +
        'All misses and absent-child results: bench/out/repository-quality/.',
    );
  } finally {
    await bench.drop();
  }
}

await main();
