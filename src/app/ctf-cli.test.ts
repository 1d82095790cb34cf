import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseFileName } from '../ctf/file-names.js';
import { pupil, runCtfCommand as run, validCtf, validFileName } from '../ctf/test-support.js';

describe('s2s ctf', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 's2s-ctf-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('validate: exit 0 and a summary for a valid file', async () => {
    const file = join(dir, validFileName);
    await writeFile(file, validCtf());
    const r = await run(['validate', file]);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, '1 file checked: 1 valid, 0 invalid; 0 errors, 0 warnings.\n');
  });

  it('validate: one FILE:LINE:COL CODE message line per problem, exit 1', async () => {
    const file = join(dir, 'bad.xml');
    await writeFile(file, validCtf([pupil({ upn: 'A801200001001', sex: 'Q' })]));
    const r = await run(['validate', file]);
    assert.equal(r.code, 1);
    const lines = r.out.trim().split('\n');
    assert.match(lines[0] ?? '', new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+ SEX_INVALID `));
    assert.ok(lines.some((l) => / UPN_CHECK_LETTER /.test(l)));
    assert.ok(lines.some((l) => / FILE_NAME_UNCONVENTIONAL warning: /.test(l)));
    assert.equal(lines.at(-1), '1 file checked: 0 valid, 1 invalid; 2 errors, 1 warning.');
  });

  it('validate --json prints the documented shape', async () => {
    const good = join(dir, validFileName);
    const bad = join(dir, 'empty.xml');
    await writeFile(bad, '');
    const r = await run(['validate', good, bad, '--json']);
    assert.equal(r.code, 1);
    const report = JSON.parse(r.out) as {
      file: string;
      valid: boolean;
      errors: { code: string }[];
      warnings: unknown[];
      pupils: number;
    }[];
    assert.equal(report.length, 2);
    assert.deepEqual(Object.keys(report[0] ?? {}), ['file', 'valid', 'errors', 'warnings', 'pupils']);
    assert.equal(report[0]?.valid, true);
    assert.equal(report[0]?.pupils, 1);
    assert.deepEqual(
      report[1]?.errors.map((e) => e.code),
      ['FILE_EMPTY'],
    );
    assert.deepEqual(Object.keys(report[1]?.errors[0] ?? {}), ['code', 'line', 'column', 'path', 'message']);
  });

  it('exit 2 on usage errors and unreadable files', async () => {
    assert.equal((await run([])).code, 2);
    assert.equal((await run(['frobnicate'])).code, 2);
    assert.equal((await run(['validate'])).code, 2);
    assert.equal((await run(['validate', '--nope', 'x'])).code, 2);
    const missing = await run(['validate', join(dir, 'missing.xml')]);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /cannot be read/);
    assert.equal((await run(['validate', dir])).code, 2);
    assert.equal((await run(['generate'])).code, 2);
    assert.equal((await run(['generate', '--out', dir, '--files', '0'])).code, 2);
    assert.equal((await run(['generate', '--out', dir, '--unknown-destination-rate', '2'])).code, 2);
    assert.equal((await run(['help'])).code, 0);
    const unknownSchool = await run(['generate', '--out', dir, '--from', '1234567']);
    assert.equal(unknownSchool.code, 2);
    assert.match(unknownSchool.err, /--from 1234567 is not a school in the sample register.*8232003/);
    const nowhere = await run(['generate', '--out', dir, '--to', 'YYYYYYY']);
    assert.equal(nowhere.code, 2);
    assert.match(nowhere.err, /--to YYYYYYY is not a destination/);
    for (const notLaestab of ['823200', '82320031', '823LLLL', 'XXXXXXX', '823-2003']) {
      const shape = await run(['generate', '--out', join(dir, 'refused'), '--from', notLaestab]);
      assert.equal(shape.code, 2, notLaestab);
      assert.match(shape.err, new RegExp(`--from ${notLaestab} is not a LAEstab: give the sending school's 7 digits`));
    }
    const itself = await run(['generate', '--out', join(dir, 'refused'), '--from', '8232003', '--to', '8232003']);
    assert.equal(itself.code, 2);
    assert.match(itself.err, /--to 8232003 is the sending school itself/);
    await assert.rejects(readdir(join(dir, 'refused')), { code: 'ENOENT' }, 'a refused command writes nothing');
  });

  it('generate --from names the sender in every header and file name, to a school or an LA', async () => {
    const out = join(dir, 'from-school');
    const g = await run(['generate', '--out', out, '--files', '4', '--from', '3304101', '--to', '823llll']);
    assert.equal(g.code, 0, g.err);
    const names = (await readdir(out)).sort();
    assert.deepEqual(
      names,
      [1, 2, 3, 4].map((n) => `3304101_CTF_823LLLL_00${n}.XML`),
    );
    const v = await run(['validate', ...names.map((n) => join(out, n)), '--json']);
    assert.equal(v.code, 0, v.out);
    const xml = await readFile(join(out, names[0]!), 'utf8');
    assert.match(xml, /<SourceSchool>\s*<LEA>330<\/LEA>\s*<Estab>4101<\/Estab>/);
    assert.match(xml, /<DestSchool>\s*<LEA>823<\/LEA>\s*<Estab>LLLL<\/Estab>/);
    // Without --from or --to, files come from the sample schools and go anywhere.
    const any = join(dir, 'defaults');
    assert.equal((await run(['generate', '--out', any, '--files', '5'])).code, 0);
    assert.equal((await readdir(any)).length, 5);
  });

  it('generate --from --to writes every file between the two', async () => {
    const out = join(dir, 'from-to');
    const g = await run(['generate', '--out', out, '--files', '3', '--from', '8232003', '--to', 'mmmmmmm']);
    assert.equal(g.code, 0, g.err);
    assert.deepEqual(
      (await readdir(out)).sort(),
      [1, 2, 3].map((n) => `8232003_CTF_MMMMMMM_00${n}.XML`),
    );
  });

  it('generate then validate exits 0', async () => {
    const out = join(dir, 'generated');
    const g = await run([
      'generate',
      '--out',
      out,
      '--files',
      '12',
      '--pupils-per-file',
      '4',
      '--seed',
      'cli',
      '--unknown-destination-rate',
      '0.5',
    ]);
    assert.equal(g.code, 0, g.err);
    const names = await readdir(out);
    assert.equal(names.length, 12);
    assert.ok(names.every((n) => parseFileName(n) !== null));
    assert.ok(names.some((n) => /_(XXXXXXX|MMMMMMM)_/.test(n)));
    const v = await run(['validate', ...names.map((n) => join(out, n)), '--json']);
    assert.equal(v.code, 0, v.out);
    const report = JSON.parse(v.out) as { file: string; pupils: number }[];
    for (const entry of report) {
      if (/_(XXXXXXX|MMMMMMM)_/.test(entry.file)) assert.equal(entry.pupils, 1);
      else assert.equal(entry.pupils, 4);
    }
  });
});
