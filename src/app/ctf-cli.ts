/**
 * `s2s ctf …`: validate CTF/ATF files from disk (streamed, never read whole) and generate synthetic files named by
 * the convention. Returns the exit code: 0 all valid / done, 1 some file invalid, 2 usage error or unreadable file.
 */

import { createReadStream } from 'node:fs';
import { access, constants, mkdir, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { openSampleEstablishments } from '../establishments/sample-register.js';
import { classifyDestination } from '../ctf/file-names.js';
import { generateCtfFiles } from '../ctf/generate.js';
import type { CtfIssue } from '../ctf/issues.js';
import { parseCtf } from '../ctf/parse.js';

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

const usage = `Usage:
  s2s ctf validate FILE... [--json]
  s2s ctf generate --out DIR [--files N] [--pupils-per-file K] [--seed S] [--unknown-destination-rate R]
                   [--from LAESTAB] [--to LAESTAB|NNNLLLL|XXXXXXX|MMMMMMM]
`;

function print(stream: NodeJS.WritableStream, text: string): void {
  stream.write(text.endsWith('\n') ? text : `${text}\n`);
}

function slim(i: CtfIssue): { code: string; line: number; column: number; path: string; message: string } {
  return { code: i.code, line: i.line, column: i.column, path: i.path, message: i.message };
}

async function validateCommand(args: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean', default: false } } });
  } catch (e) {
    print(io.stderr, `${(e as Error).message}\n${usage}`);
    return 2;
  }
  const files = parsed.positionals;
  if (files.length === 0) {
    print(io.stderr, `validate needs at least one file.\n${usage}`);
    return 2;
  }
  for (const file of files) {
    try {
      await access(file, constants.R_OK);
      if (!(await stat(file)).isFile()) throw new Error('not a file');
    } catch {
      print(io.stderr, `${file}: cannot be read (missing, not a file, or no permission).`);
      return 2;
    }
  }
  const report: {
    file: string;
    valid: boolean;
    errors: ReturnType<typeof slim>[];
    warnings: ReturnType<typeof slim>[];
    pupils: number;
  }[] = [];
  let invalid = 0;
  let errorCount = 0;
  let warningCount = 0;
  for (const file of files) {
    const stream = createReadStream(file, { highWaterMark: 256 * 1024 });
    const result = await parseCtf(stream, { fileName: basename(file), retainPupils: false });
    stream.destroy();
    if (!result.valid) invalid++;
    errorCount += result.errors.length;
    warningCount += result.warnings.length;
    if (parsed.values.json) {
      report.push({
        file,
        valid: result.valid,
        errors: result.errors.map(slim),
        warnings: result.warnings.map(slim),
        pupils: result.pupilCount,
      });
    } else {
      for (const e of result.errors) print(io.stdout, `${file}:${e.line}:${e.column} ${e.code} ${e.message}`);
      for (const w of result.warnings)
        print(io.stdout, `${file}:${w.line}:${w.column} ${w.code} warning: ${w.message}`);
    }
  }
  if (parsed.values.json) print(io.stdout, JSON.stringify(report, null, 2));
  else {
    const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
    print(
      io.stdout,
      `${plural(files.length, 'file')} checked: ${files.length - invalid} valid, ${invalid} invalid; ${plural(errorCount, 'error')}, ${plural(warningCount, 'warning')}.`,
    );
  }
  return invalid > 0 ? 1 : 0;
}

function positiveInteger(value: string | undefined, fallback: number): number | null {
  if (value === undefined) return fallback;
  return /^[0-9]+$/.test(value) && Number(value) >= 1 ? Number(value) : null;
}

async function generateCommand(args: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: false,
      options: {
        out: { type: 'string' },
        files: { type: 'string' },
        'pupils-per-file': { type: 'string' },
        seed: { type: 'string' },
        'unknown-destination-rate': { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
      },
    });
  } catch (e) {
    print(io.stderr, `${(e as Error).message}\n${usage}`);
    return 2;
  }
  const v = parsed.values;
  const files = positiveInteger(v.files, 10);
  const perFile = positiveInteger(v['pupils-per-file'], 30);
  const rate = v['unknown-destination-rate'] === undefined ? 0.1 : Number(v['unknown-destination-rate']);
  if (!v.out || files === null || perFile === null || !Number.isFinite(rate) || rate < 0 || rate > 1) {
    print(
      io.stderr,
      `generate needs --out DIR; --files and --pupils-per-file must be whole numbers of at least 1 and --unknown-destination-rate between 0 and 1.\n${usage}`,
    );
    return 2;
  }
  const establishments = openSampleEstablishments();
  if (v.from !== undefined && !/^[0-9]{7}$/.test(v.from)) {
    print(
      io.stderr,
      `--from ${v.from} is not a LAEstab: give the sending school's 7 digits, its LA's 3 then its establishment number's 4 (for example 8232003).`,
    );
    return 2;
  }
  if (v.from !== undefined && !establishments.some((e) => e.laestab === v.from)) {
    print(
      io.stderr,
      `--from ${v.from} is not a school in the sample register the generator writes from; use one of ${establishments.map((e) => e.laestab).join(', ')}.`,
    );
    return 2;
  }
  const to = v.to?.toUpperCase();
  if (to !== undefined && classifyDestination(to) === null) {
    print(
      io.stderr,
      `--to ${v.to} is not a destination: give a LAEstab (7 digits), an LA as 823LLLL, XXXXXXX (destination unknown) or MMMMMMM (leaving the maintained sector).`,
    );
    return 2;
  }
  if (to !== undefined && to === v.from) {
    print(io.stderr, `--to ${to} is the sending school itself: a school does not send a CTF to itself.`);
    return 2;
  }
  try {
    await mkdir(v.out, { recursive: true });
  } catch {
    print(io.stderr, `${v.out}: cannot create the output directory.`);
    return 2;
  }
  let written = 0;
  let pupils = 0;
  for (const file of generateCtfFiles({
    seed: v.seed ?? '1',
    establishments,
    files,
    pupilsPerFile: perFile,
    unknownDestinationRate: rate,
    ...(v.from !== undefined ? { from: v.from } : {}),
    ...(to !== undefined ? { to } : {}),
  })) {
    await writeFile(join(v.out, file.fileName), file.xml);
    written++;
    pupils += file.pupils.length;
  }
  print(
    io.stdout,
    `Wrote ${written} synthetic CTF file${written === 1 ? '' : 's'} (${pupils} fictitious pupils) to ${v.out}.`,
  );
  return 0;
}

export async function ctfCommand(args: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = args;
  switch (command) {
    case 'validate':
      return validateCommand(rest, io);
    case 'generate':
      return generateCommand(rest, io);
    case 'help':
    case '--help':
    case '-h':
      print(io.stdout, usage);
      return 0;
    default:
      print(
        io.stderr,
        `${command === undefined ? 'No ctf command given.' : `Unknown ctf command "${command}".`}\n${usage}`,
      );
      return 2;
  }
}
