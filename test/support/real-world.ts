/**
 * The files under test/fixtures/real-world: one folder per construct another system writes, each holding the file
 * and, beside it, `<file>.verdict.json` with what `s2s ctf validate --json` and an upload must answer.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { projectRoot } from '../../src/platform/web/project-root.js';

export interface Verdict {
  writtenAs: string;
  why: string;
  validate: { valid: boolean; errorCodes: string[]; warningCodes: string[]; pupils: number };
  upload: {
    as: string;
    status: number;
    fileStatus: 'delivered' | 'in-repository' | 'rejected';
    errorCodes: string[];
    warningCodes: string[];
    repositoryRecords: number;
  };
}

export interface RealWorldFixture {
  name: string;
  path: string;
  bytes: Buffer;
  verdict: Verdict;
}

/** Where suppliers differ, or limits were crashes: the constructs the tolerance and limit tests answer for. */
export const differingConstructs = [
  'empty-optional-elements',
  'xs-date-time-zones',
  'namespace-prefix',
  'supp-info',
  'over-long-surname',
] as const;

const folder = join(projectRoot, 'test', 'fixtures', 'real-world');

/** The one file of a construct's folder, with its verdict. */
export async function realWorldFixture(construct: string): Promise<RealWorldFixture> {
  const dir = join(folder, construct);
  const name = (await readdir(dir)).find((f) => /\.xml$/i.test(f));
  if (!name) throw new Error(`no file in ${dir}`);
  const path = join(dir, name);
  const verdict = JSON.parse(await readFile(`${path}.verdict.json`, 'utf8')) as Verdict;
  return { name, path, bytes: await readFile(path), verdict };
}
