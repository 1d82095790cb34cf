/**
 * What durability costs on the embedded default: the same uploads through the API, one at a time and eight at a
 * time, on a data directory opened as s2s opens it (WAL written through at each commit, checkpoints synced) and on
 * one opened with PGlite's own defaults (fsync off: the baseline, which loses acknowledged files in an OS crash).
 * The two alternate round by round so that other work on the machine falls on both alike.
 *
 *   node --import tsx bench/embedded-durability/run.ts [--uploads 200] [--rounds 2]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'kysely';
import {
  fromPGlite,
  migrateToLatest,
  openPGlite,
  pgliteExtensions,
  pgliteParsers,
  type OpenedDatabase,
} from '../../src/platform/database.js';
import { embeddedSyncCount } from '../../src/platform/durable-pglite.js';
import { buildApp } from '../../src/app/app.js';
import { testServices } from '../../test/support/services.js';
import { ctfFile, tokenFor, upload, type TestFile } from '../../test/support/transfers.js';
import { addUser, seedRegister } from '../../test/support/world.js';
import { forEachConcurrently, load, ms, peakRssMb, percentile } from '../repository-support.js';

const { values } = parseArgs({
  options: { uploads: { type: 'string', default: '200' }, rounds: { type: 'string', default: '2' } },
});
const uploads = Number(values.uploads);
const rounds = Number(values.rounds);

type Mode = 'durable (s2s)' | 'fsync off (PGlite default)';

async function open(mode: Mode, dataDir: string): Promise<OpenedDatabase> {
  if (mode === 'durable (s2s)') return openPGlite(dataDir, 'bench');
  const pglite = await PGlite.create({
    dataDir: path.join(dataDir, 'pglite'),
    extensions: pgliteExtensions,
    parsers: pgliteParsers,
  });
  return fromPGlite(pglite);
}

interface Figures {
  /** A bare one-row commit: what the WAL's write-through costs, without the rest of an upload around it. */
  commits: number[];
  one: number[];
  eight: number[];
  oneSeconds: number;
  eightSeconds: number;
  syncs: number;
}

async function measure(mode: Mode, round: number): Promise<Figures> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 's2s-bench-durable-'));
  try {
    const database = await open(mode, dataDir);
    await migrateToLatest(database.db);
    const commits: number[] = [];
    await sql`CREATE TABLE bench_commits (id int PRIMARY KEY)`.execute(database.db);
    for (let i = 0; i < uploads; i++) {
      const started = performance.now();
      await sql`INSERT INTO bench_commits VALUES (${i})`.execute(database.db);
      commits.push(performance.now() - started);
    }
    const services = await testServices(database, { env: { S2S_DATA_DIR: dataDir } });
    await seedRegister(services);
    const app = await buildApp(services);
    try {
      const sender = await addUser(services, { role: 'school-user', org: '8232003' });
      const token = await tokenFor(services, sender.user);
      const files = (n: number, batch: string): TestFile[] =>
        Array.from({ length: n }, (_, i) =>
          ctfFile('8232003', '8232004', { seed: `${mode}-${round}-${batch}-${i}`, sequence: (i % 999) + 1 }),
        );
      const send = async (file: TestFile, into: number[]) => {
        const started = performance.now();
        const answer = await upload(app, token, [file]);
        into.push(performance.now() - started);
        if (answer.statusCode !== 201) throw new Error(`upload answered ${answer.statusCode}: ${answer.body}`);
      };
      const syncsBefore = embeddedSyncCount();
      const one: number[] = [];
      const oneFiles = files(uploads, 'one');
      let started = performance.now();
      for (const file of oneFiles) await send(file, one);
      const oneSeconds = (performance.now() - started) / 1000;
      const eight: number[] = [];
      const eightFiles = files(uploads, 'eight');
      started = performance.now();
      await forEachConcurrently(eightFiles, 8, (file) => send(file, eight));
      const eightSeconds = (performance.now() - started) / 1000;
      return { commits, one, eight, oneSeconds, eightSeconds, syncs: embeddedSyncCount() - syncsBefore };
    } finally {
      await app.close();
      await services.close();
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

const modes: Mode[] = ['fsync off (PGlite default)', 'durable (s2s)'];
const results = new Map<Mode, Figures>(
  modes.map((m) => [m, { commits: [], one: [], eight: [], oneSeconds: 0, eightSeconds: 0, syncs: 0 }]),
);
console.log(`Embedded durability: ${uploads} uploads one at a time, then ${uploads} eight at a time, ${rounds} rounds`);
console.log(
  `${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, ${(os.totalmem() / 1024 ** 3).toFixed(0)} GB RAM, Node ${process.version}; load average ${load()} at the start`,
);
for (let round = 1; round <= rounds; round++) {
  for (const mode of round % 2 === 1 ? modes : [...modes].reverse()) {
    const figures = await measure(mode, round);
    const total = results.get(mode)!;
    total.commits.push(...figures.commits);
    total.one.push(...figures.one);
    total.eight.push(...figures.eight);
    total.oneSeconds += figures.oneSeconds;
    total.eightSeconds += figures.eightSeconds;
    total.syncs += figures.syncs;
  }
}

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
/** "p50 / p95 / p99" in ms, after the rate per second when the seconds are given. */
const cell = (xs: number[], seconds?: number) => {
  const s = sorted(xs);
  const rate = seconds === undefined ? '' : `${(s.length / seconds).toFixed(1)}/s, `;
  return `${rate}${ms(percentile(s, 50))} / ${ms(percentile(s, 95))} / ${ms(percentile(s, 99))}`;
};
console.log(
  '\n| Embedded database | one-row commit, ms p50 / p95 / p99 | uploads one at a time | uploads eight at a time | syncs |',
);
console.log('|---|---|---|---|---|');
for (const mode of modes) {
  const r = results.get(mode)!;
  console.log(
    `| ${mode} | ${cell(r.commits)} | ${cell(r.one, r.oneSeconds)} | ${cell(r.eight, r.eightSeconds)} | ${r.syncs} |`,
  );
}
const [base, durable] = modes.map((m) => results.get(m)!);
const cost = (a: number[], b: number[]) => {
  const [pa, pb] = [percentile(sorted(a), 50), percentile(sorted(b), 50)];
  return `${ms(pb - pa)} ms (${(((pb - pa) / pa) * 100).toFixed(0)}%)`;
};
console.log(
  `\nCost of durability at the median: a commit ${cost(base!.commits, durable!.commits)}, ` +
    `an upload one at a time ${cost(base!.one, durable!.one)}, eight at a time ${cost(base!.eight, durable!.eight)}`,
);
console.log(`Peak RSS ${peakRssMb()} MB; load average ${load()} at the end`);
