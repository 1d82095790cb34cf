/** Shared fixtures for the CTF engine's tests: a valid file built by the writer, and small helpers. */

import { PassThrough } from 'node:stream';
import { openSampleEstablishments } from '../establishments/sample-register.js';
import { ctfCommand } from '../app/ctf-cli.js';
import type { GeneratorEstablishment } from './generate.js';
import type { CtfHeaderInput, CtfPupilInput } from './write.js';
import { writeCtf } from './write.js';

export const establishments: GeneratorEstablishment[] = openSampleEstablishments();

export function header(overrides: Partial<CtfHeaderInput> = {}): CtfHeaderInput {
  return {
    version: '25.0',
    dateTime: '2026-07-10T10:00:00',
    documentQualifier: 'full',
    supplierId: 'S2S-SYNTHETIC (fictitious data, not real pupils)',
    source: {
      lea: '823',
      estab: '2002',
      urn: '900002',
      schoolName: "St Aidan's CofE Primary School",
      academicYear: '2025',
    },
    destination: { lea: '823', estab: '4003' },
    ...overrides,
  };
}

export function pupil(overrides: Partial<CtfPupilInput> = {}): CtfPupilInput {
  return {
    upn: 'H801200001001',
    formerUpns: [],
    uln: null,
    surname: "O'Brien",
    forename: 'Siobhán',
    middleNames: null,
    preferredSurname: null,
    preferredForename: null,
    formerSurname: null,
    formerForename: null,
    dateOfBirth: '2015-03-04',
    sex: 'F',
    postcode: 'AV1 2AB',
    schoolHistory: [],
    applicationReference: null,
    ...overrides,
  };
}

/** A small valid CTF as text. `fileName` is the matching conventional name. */
export function validCtf(pupils: CtfPupilInput[] = [pupil()], h: CtfHeaderInput = header()): string {
  return writeCtf({ header: h, pupils });
}

export const validFileName = '8232002_CTF_8234003_001.XML';

export function codes(issues: { code: string }[]): string[] {
  return issues.map((i) => i.code);
}

/** Splits bytes into chunks of the given sizes, cycling, to exercise chunk boundaries. */
export function* chunked(bytes: Uint8Array, sizes: number[]): Generator<Uint8Array> {
  let i = 0;
  let k = 0;
  while (i < bytes.length) {
    const n = Math.max(1, sizes[k++ % sizes.length] ?? 1);
    yield bytes.subarray(i, i + n);
    i += n;
  }
}

/** Runs `s2s ctf …` in process, as the command line does, and returns its exit code and what it printed. */
export async function runCtfCommand(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await ctfCommand(args, { stdout, stderr });
  return { code, out, err };
}
