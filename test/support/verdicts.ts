/**
 * The fixtures under test/fixtures/real-world/ with the verdict written beside each (`<file>.verdict.json`): what
 * `s2s ctf validate` must report, and what sending it (or importing it, for a register extract) must give.
 */
import fs from 'node:fs';
import path from 'node:path';

export const realWorldDir = path.resolve(import.meta.dirname, '../fixtures/real-world');

export interface Verdict {
  writtenAs: string;
  why: string;
  validate?: { valid: boolean; errorCodes: string[]; warningCodes: string[]; pupils: number };
  upload?: {
    as: string;
    status: number;
    fileStatus: 'delivered' | 'in-repository' | 'rejected';
    errorCodes: string[];
    warningCodes: string[];
    repositoryRecords: number;
  };
  import?: { encoding: string; added: number; updated: number; rejected: number; names: Record<string, string> };
}

export interface RealWorldFixture {
  /** Relative to the real-world folder, e.g. `misnamed-misc-unknown-destination/8232003_MISC_XXXXXXX_001.XML`. */
  fixture: string;
  file: string;
  name: string;
  verdict: Verdict;
}

/** The fixture at `relative` (folder/file) with its verdict. */
export function realWorldFixture(relative: string): RealWorldFixture {
  const file = path.join(realWorldDir, relative);
  const verdict = JSON.parse(fs.readFileSync(`${file}.verdict.json`, 'utf8')) as Verdict;
  return { fixture: relative, file, name: path.basename(file), verdict };
}
