/**
 * The corpus of real-world files under `test/fixtures/real-world/`: each fixture beside its sidecar
 * `<fixture file name>.verdict.json`, which records what s2s must answer for it (validation, upload, or register
 * import) and why. Sidecars are checked against one schema, so a mistyped one fails naming its file.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { projectRoot } from '../../src/platform/web/project-root.js';

export const corpusRoot = path.join(projectRoot, 'test', 'fixtures', 'real-world');

const verdictSuffix = '.verdict.json';

const codes = z.array(z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'an issue code such as UPN_CHECK_LETTER'));

const verdictSchema = z.strictObject({
  writtenAs: z.string().min(1),
  why: z.string().min(1),
  validate: z
    .strictObject({
      valid: z.boolean(),
      errorCodes: codes,
      warningCodes: codes,
      pupils: z.number().int().min(0),
    })
    .optional(),
  upload: z
    .strictObject({
      as: z.string().regex(/^(\d{7}|\d{3})$/, 'a school’s LAEstab (7 digits) or an LA’s code (3 digits)'),
      status: z.number().int().min(200).max(599),
      fileStatus: z.enum(['delivered', 'in-repository', 'rejected']),
      errorCodes: codes,
      warningCodes: codes,
      repositoryRecords: z.number().int().min(0),
    })
    .optional(),
  import: z
    .strictObject({
      establishments: z.number().int().min(0),
      errorCodes: codes,
      warningCodes: codes,
      /** How the importer must read the bytes, when the fixture is about its encoding. */
      encoding: z.enum(['UTF-8 with byte order mark', 'UTF-8', 'Windows-1252']).optional(),
      /** Names the register must hold afterwards, by LAEstab: characters beyond ASCII read right. */
      names: z.record(z.string().regex(/^\d{7}$/), z.string()).optional(),
    })
    .optional(),
});

export type Verdict = z.infer<typeof verdictSchema>;

export interface CorpusFixture {
  /** Relative to the corpus root, with forward slashes: the name a failure is reported under. */
  name: string;
  file: string;
  sidecar: string;
  verdict: Verdict;
}

function walk(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? walk(path.join(dir, entry.name)) : [path.join(dir, entry.name)]))
    .sort();
}

function parseSidecar(sidecar: string): Verdict {
  const where = path.relative(projectRoot, sidecar);
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(sidecar, 'utf8'));
  } catch (error) {
    throw new Error(`${where} is not JSON: ${(error as Error).message}`, { cause: error });
  }
  const parsed = verdictSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`);
    throw new Error(`${where} is not a verdict sidecar: ${problems.join('; ')}`);
  }
  const verdict = parsed.data;
  if (!verdict.upload && !verdict.import && !verdict.validate) {
    throw new Error(`${where} records no verdict: give validate, upload or import`);
  }
  if (verdict.upload && verdict.import) throw new Error(`${where} records both an upload and an import`);
  return verdict;
}

/**
 * Every fixture that has a sidecar, in path order. A sidecar without its fixture is an error rather than silently
 * nothing to check, as is a malformed sidecar.
 */
export function loadCorpus(root = corpusRoot): CorpusFixture[] {
  const files = walk(root);
  const present = new Set(files);
  const contents = new Map<string, string>();
  return files
    .filter((file) => file.endsWith(verdictSuffix))
    .map((sidecar) => {
      const file = sidecar.slice(0, -verdictSuffix.length);
      if (!present.has(file)) {
        throw new Error(`${path.relative(projectRoot, sidecar)} has no fixture beside it (${path.basename(file)})`);
      }
      // Uploads share one database per run: a second copy of the same bytes would be refused as a duplicate.
      const digest = crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
      const twin = contents.get(digest);
      if (twin) throw new Error(`${path.relative(root, file)} has the same bytes as ${twin}: one of them adds nothing`);
      contents.set(digest, path.relative(root, file));
      return {
        name: path.relative(root, file).split(path.sep).join('/'),
        file,
        sidecar,
        verdict: parseSidecar(sidecar),
      };
    });
}

/** Codes as a sorted set, so that order and repetition (one code per pupil) do not matter. */
export function codeSet(list: Iterable<string>): string[] {
  return [...new Set(list)].sort();
}

/** One fixture, by its path under the corpus root (`folder/file`), with its checked verdict. */
export function realWorldFixture(relative: string): CorpusFixture {
  const file = path.join(corpusRoot, relative);
  const sidecar = `${file}${verdictSuffix}`;
  return { name: relative, file, sidecar, verdict: parseSidecar(sidecar) };
}
