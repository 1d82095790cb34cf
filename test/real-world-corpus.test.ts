/**
 * Runs the corpus of real-world files (test/fixtures/real-world/): each fixture gives its recorded verdict from
 * `s2s ctf validate --json`, and when uploaded through the API by its recorded sender, or imported as an
 * establishment register, on the embedded PGlite and on PostgreSQL.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { runCtfCommand } from '../src/ctf/test-support.js';
import { importRegister } from '../src/establishments/import-register.js';
import type { FileResult } from '../src/transfers/file-result.js';
import { blobStoreFor, testDatabases } from './support/databases.js';
import { codeSet, loadCorpus, type Verdict } from './support/real-world-corpus.js';
import { suiteApp } from './support/suite-app.js';
import { tokenFor, upload } from './support/transfers.js';
import { addUser } from './support/world.js';

const corpus = loadCorpus();

interface ValidateReportEntry {
  valid: boolean;
  errors: { code: string }[];
  warnings: { code: string }[];
  pupils: number;
}

async function validate(file: string): Promise<{ exitCode: number; report: ValidateReportEntry }> {
  const { code: exitCode, out, err } = await runCtfCommand(['validate', '--json', file]);
  assert.equal(err, '', 'validate wrote to stderr');
  const [report] = JSON.parse(out) as ValidateReportEntry[];
  assert.ok(report, 'validate --json reported no file');
  return { exitCode, report };
}

describe('the corpus and its sidecars', () => {
  it('holds at least 30 fixtures with verdicts, every sidecar well-formed', () => {
    assert.ok(corpus.length >= 30, `only ${corpus.length} fixtures have sidecars`);
  });

  const sidecar = {
    writtenAs: 'a test',
    why: 'a test',
    validate: { valid: true, errorCodes: [], warningCodes: [], pupils: 1 },
  };
  function corpusOf(files: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 's2s-corpus-'));
    for (const [name, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), text);
    }
    return dir;
  }

  it('refuses a malformed sidecar, naming it and the field', () => {
    const dir = corpusOf({
      'a/x.XML': '<CTfile/>',
      'a/x.XML.verdict.json': JSON.stringify({ ...sidecar, upload: { as: '82320', status: 201 } }),
    });
    assert.throws(
      () => loadCorpus(dir),
      /x\.XML\.verdict\.json is not a verdict sidecar: upload\.as: a school’s LAEstab/,
    );
    fs.rmSync(dir, { recursive: true });
  });

  it('refuses a sidecar that is not JSON, one without its fixture, and two fixtures with the same bytes', () => {
    const notJson = corpusOf({ 'x.XML': '<CTfile/>', 'x.XML.verdict.json': '{ "writtenAs": ' });
    assert.throws(() => loadCorpus(notJson), /x\.XML\.verdict\.json is not JSON/);
    const orphan = corpusOf({ 'y.XML.verdict.json': JSON.stringify(sidecar) });
    assert.throws(() => loadCorpus(orphan), /y\.XML\.verdict\.json has no fixture beside it/);
    const twins = corpusOf({
      'a.XML': '<CTfile/>',
      'a.XML.verdict.json': JSON.stringify(sidecar),
      'b/a.XML': '<CTfile/>',
      'b/a.XML.verdict.json': JSON.stringify(sidecar),
    });
    assert.throws(() => loadCorpus(twins), /has the same bytes as/);
    for (const dir of [notJson, orphan, twins]) fs.rmSync(dir, { recursive: true });
  });
});

describe('real-world corpus: s2s ctf validate --json', () => {
  for (const fixture of corpus) {
    const expected = fixture.verdict.validate;
    if (!expected) continue;
    it(fixture.name, async () => {
      const { exitCode, report } = await validate(fixture.file);
      assert.deepEqual(
        {
          valid: report.valid,
          errorCodes: codeSet(report.errors.map((e) => e.code)),
          warningCodes: codeSet(report.warnings.map((w) => w.code)),
          pupils: report.pupils,
        },
        {
          valid: expected.valid,
          errorCodes: codeSet(expected.errorCodes),
          warningCodes: codeSet(expected.warningCodes),
          pupils: expected.pupils,
        },
        `${fixture.name}: the verdict differs from ${path.basename(fixture.sidecar)}`,
      );
      assert.equal(exitCode, expected.valid ? 0 : 1, 'exit code');
    });
  }
});

for (const database of await testDatabases()) {
  describe(`real-world corpus: upload and import (${database.name})`, () => {
    const suite = suiteApp(database, { S2S_BLOB_STORE: blobStoreFor(database) });
    const tokens = new Map<string, Promise<string>>();

    /** One API token per sending school or LA, made the first time a fixture sends as it. */
    function tokenAs(org: string): Promise<string> {
      let token = tokens.get(org);
      if (!token) {
        const role = org.length === 3 ? 'la-user' : 'school-user';
        token = addUser(suite.services, { role, org }).then(({ user }) => tokenFor(suite.services, user));
        tokens.set(org, token);
      }
      return token;
    }

    for (const fixture of corpus) {
      const expected = fixture.verdict.upload;
      if (!expected) continue;
      it(`upload ${fixture.name}`, async () => {
        const response = await upload(suite.app, await tokenAs(expected.as), [
          { name: path.basename(fixture.file), bytes: fs.readFileSync(fixture.file) },
        ]);
        const body = response.json() as { files?: FileResult[] };
        const result = body.files?.[0];
        assert.ok(result, `${fixture.name}: no file in the answer ${response.statusCode} ${response.body}`);
        const repositoryRecords = result.id
          ? Number(
              (
                await suite.services.db
                  .selectFrom('repository_records')
                  .select((eb) => eb.fn.countAll().as('n'))
                  .where('file_id', '=', result.id)
                  .executeTakeFirstOrThrow()
              ).n,
            )
          : 0;
        assert.deepEqual(
          {
            as: expected.as,
            status: response.statusCode,
            fileStatus: result.status,
            errorCodes: codeSet((result.errors ?? []).map((e) => e.code)),
            warningCodes: codeSet((result.warnings ?? []).map((w) => w.code)),
            repositoryRecords,
          },
          { ...expected, errorCodes: codeSet(expected.errorCodes), warningCodes: codeSet(expected.warningCodes) },
          `${fixture.name}: the upload differs from ${path.basename(fixture.sidecar)}`,
        );
      });
    }

    for (const fixture of corpus) {
      const expected = fixture.verdict.import;
      if (!expected) continue;
      it(`import ${fixture.name}`, async () => {
        // The importer reports rows it refused by line and reason, without codes: a refused row counts as
        // ROW_REJECTED, a refused file as FILE_REFUSED.
        let outcome: NonNullable<Verdict['import']>;
        try {
          const report = await importRegister(suite.services.db, fixture.file, suite.services.now());
          outcome = {
            establishments: report.added + report.updated + report.unchanged,
            errorCodes: report.rejected.map(() => 'ROW_REJECTED'),
            warningCodes: [],
          };
          if (expected.encoding) outcome.encoding = report.encoding ?? undefined;
          if (expected.names) {
            const held = await suite.services.db
              .selectFrom('establishments')
              .select(['laestab', 'name'])
              .where('laestab', 'in', Object.keys(expected.names))
              .execute();
            outcome.names = Object.fromEntries(held.map((e) => [e.laestab, e.name]));
          }
        } catch {
          outcome = { establishments: 0, errorCodes: ['FILE_REFUSED'], warningCodes: [] };
        }
        assert.deepEqual(
          { ...outcome, errorCodes: codeSet(outcome.errorCodes) },
          { ...expected, errorCodes: codeSet(expected.errorCodes), warningCodes: codeSet(expected.warningCodes) },
          `${fixture.name}: the import differs from ${path.basename(fixture.sidecar)}`,
        );
      });
    }
  });
}
