/**
 * Establishment register reading benchmark: how fast a GIAS-sized extract (50 MB, Windows-1252, 93 columns) is
 * decoded and read into records, and the peak memory of doing it, without the database.
 * Run: node --import tsx bench/register-read/run.ts   (REGISTER_BENCH_MB changes the size; the extract is generated
 * under bench/out/register-read, which git ignores)
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCsv } from '../../src/establishments/csv.js';
import { openRegisterFile } from '../../src/establishments/register-encoding.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const out = join(root, 'bench', 'out', 'register-read');
const targetBytes = Number(process.env.REGISTER_BENCH_MB ?? 50) * 1_000_000;
const rounds = 3;

/** Rows shaped like the corpus's GIAS extract, renumbered, so the file is as wide and as quoted as the real one. */
function makeExtract(): string {
  const file = join(out, `edubasealldata-${targetBytes}.csv`);
  if (existsSync(file)) return file;
  mkdirSync(out, { recursive: true });
  const fixture = readFileSync(join(root, 'test/fixtures/real-world/gias-extract/edubasealldata20261101.csv'));
  const [header, ...rows] = fixture.toString('latin1').trimEnd().split('\r\n');
  const parts: string[] = [`${header}\r\n`];
  let size = parts[0]!.length;
  for (let n = 0; size < targetBytes; n++) {
    const row = rows[n % rows.length]!.replace(/^\d+,\d+,([^,]*),\d*,/, (_, la: string) => {
      const urn = String(100000 + n);
      return `${urn},${String(201 + (n % 700)).padStart(3, '0')},${la},${String(n % 10000).padStart(4, '0')},`;
    });
    parts.push(`${row}\r\n`);
    size += row.length + 2;
  }
  // latin1 writes each character back as the one byte it was read from: the Windows-1252 bytes stay as they were.
  writeFileSync(file, parts.join(''), 'latin1');
  return file;
}

async function readOnce(file: string): Promise<{ seconds: number; records: number }> {
  const started = process.hrtime.bigint();
  const { text } = await openRegisterFile(file);
  let records = 0;
  for await (const record of readCsv(text)) if (record.fields.length > 1) records++;
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, records };
}

const file = makeExtract();
const megabytes = statSync(file).size / 1e6;
const runs = [];
for (let i = 0; i < rounds; i++) runs.push(await readOnce(file));
const seconds = runs.map((r) => r.seconds).sort((a, b) => a - b);
const best = seconds[0]!;
const median = seconds[Math.floor(seconds.length / 2)]!;
console.log(
  `machine: ${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown CPU'}, ` +
    `${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}`,
);
console.log(`extract: ${megabytes.toFixed(1)} MB, ${runs[0]!.records.toLocaleString('en-GB')} records (with header)`);
console.log(
  `read (decode + CSV), best of ${rounds}: ${best.toFixed(2)} s = ${(megabytes / best).toFixed(1)} MB/s, ` +
    `${Math.round(runs[0]!.records / best).toLocaleString('en-GB')} records/s (median ${median.toFixed(2)} s)`,
);
console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
