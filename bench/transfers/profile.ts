/**
 * Summarises a V8 CPU profile (`node --cpu-prof`) of the benchmark's server: where the server's own time went, by
 * function and by area (s2s code, each npm package, Node internals, garbage collection, idle). Used by run.ts when
 * TRANSFERS_BENCH_CPU_PROF=1; also runs alone: node --import tsx bench/transfers/profile.ts <file.cpuprofile>
 */

import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

function area(url: string, name: string): string {
  if (name === '(garbage collector)') return 'garbage collection';
  if (name === '(idle)') return 'idle';
  if (name === '(program)') return 'V8/native (program)';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1]!;
  if (url.startsWith('node:') || (url !== '' && !url.includes('/'))) return 'node internals';
  if (url.includes('/bench/out/transfers/')) return 's2s (bundled src)';
  return url === '' ? 'native' : basename(url);
}

/** A span of CLOCK_MONOTONIC in microseconds: what V8 stamps samples with, and process.hrtime reads. */
export interface Window {
  label: string;
  fromUs: number;
  toUs: number;
}

export function monotonicUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

export function summariseProfile(file: string, top = 15, window?: Window): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfMs = new Map<number, number>();
  let at = profile.startTime;
  let total = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (window && (at < window.fromUs || at > window.toUs)) return;
    total += delta / 1000;
    selfMs.set(id, (selfMs.get(id) ?? 0) + delta / 1000);
  });
  const functions = new Map<string, number>();
  const areas = new Map<string, number>();
  for (const [id, ms] of selfMs) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const name = functionName || '(anonymous)';
    const where = url ? `${basename(url)}:${lineNumber + 1}` : '';
    const key = `${name} ${where} [${area(url, functionName)}]`;
    functions.set(key, (functions.get(key) ?? 0) + ms);
    const a = area(url, functionName);
    areas.set(a, (areas.get(a) ?? 0) + ms);
  }
  const busy = total - (areas.get('idle') ?? 0);
  const pct = (ms: number) => `${((100 * ms) / busy).toFixed(1)}%`.padStart(6);
  const lines = [
    `Server CPU profile${window ? `, ${window.label}` : ''} (${basename(file)}): ${(total / 1000).toFixed(1)} s, ` +
      `main thread busy ${(busy / 1000).toFixed(1)} s (${((100 * busy) / total).toFixed(0)}%)`,
  ];
  lines.push('  self time by area (share of busy time):');
  for (const [a, ms] of [...areas]
    .filter(([a]) => a !== 'idle')
    .sort((x, y) => y[1] - x[1])
    .slice(0, top)) {
    lines.push(`    ${pct(ms)}  ${a}`);
  }
  lines.push('  self time by function:');
  for (const [f, ms] of [...functions]
    .filter(([f]) => !f.startsWith('(idle)'))
    .sort((x, y) => y[1] - x[1])
    .slice(0, top)) {
    lines.push(`    ${pct(ms)}  ${f}`);
  }
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1] && process.argv[2]) {
  console.log(summariseProfile(process.argv[2], Number(process.argv[3] ?? 25)));
}
