/**
 * Migrations run on databases years after they were written, so each must do then what it did the day it was
 * written: they import nothing of the live code (which changes), only Kysely, one another, and the copies of live code
 * frozen beside them. The imports are read from each file's syntax, so no way of writing one slips past.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';
import { projectRoot } from '../web/project-root.js';
import { recordSearchKeys } from './search-keys-at-0019.js';

const dir = path.join(projectRoot, 'src', 'platform', 'migrations');

/**
 * Packages a migration may use besides Kysely: published algorithms whose version package.json pins exactly, so
 * that their behaviour changes only with a reviewed change of that pin.
 */
const pinnedPackages = ['double-metaphone'];

/** Every module a file imports or re-exports, statically, dynamically or by `require`, with its line. */
export function importsOf(file: string, source: string): { module: string; line: number }[] {
  const tree = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: { module: string; line: number }[] = [];
  const note = (node: ts.Node, specifier: ts.Expression | undefined) => {
    const line = tree.getLineAndCharacterOfPosition(node.getStart()).line + 1;
    found.push({ module: specifier && ts.isStringLiteralLike(specifier) ? specifier.text : '(not a literal)', line });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) {
      if (node.moduleSpecifier) note(node, node.moduleSpecifier);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      note(node, node.moduleReference.expression);
    } else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isIdentifier(node.expression) && node.expression.text === 'require'))
    ) {
      note(node, node.arguments[0]);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      note(node, node.argument.literal);
    }
    ts.forEachChild(node, visit);
  };
  visit(tree);
  return found;
}

/** Why a migration's import is refused, or undefined when it may stay. */
export function refusedImport(fromFile: string, module: string): string | undefined {
  if (module === 'kysely' || pinnedPackages.includes(module)) return undefined;
  if (module.startsWith('.')) {
    const target = path.resolve(path.dirname(fromFile), module);
    if (path.dirname(target) === path.dirname(fromFile)) return undefined;
    return `imports ${module}, outside src/platform/migrations/: copy what it needs beside the migration, frozen`;
  }
  return `imports the package ${module}: a migration uses only kysely (and ${pinnedPackages.join(', ')}, pinned)`;
}

describe('migrations', () => {
  it('import no live code: only kysely, pinned packages, and files beside them', () => {
    const files = fs.readdirSync(dir).filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'));
    assert.ok(files.length > 15, 'the migrations are found');
    const refused: string[] = [];
    for (const name of files) {
      const file = path.join(dir, name);
      for (const { module, line } of importsOf(file, fs.readFileSync(file, 'utf8'))) {
        const why = refusedImport(file, module);
        if (why) refused.push(`${name}:${line}: ${why}`);
      }
    }
    assert.deepEqual(refused, []);
  });

  it('see every way of importing, and refuse what reaches outside them', () => {
    const file = path.join(dir, '0099-example.ts');
    const source = [
      "import { sql } from 'kysely';",
      "import { recordSearchKeys } from '../../repository/search-keys.js';",
      "export { x } from './search-key-backfill.js';",
      "import type { Db } from '../database.js';",
      "const later = await import('../../ctf/index.js');",
      "const old = require('zod');",
      "type T = import('../schema.js').Database;",
    ].join('\n');
    const refused = importsOf(file, source).filter(({ module }) => refusedImport(file, module));
    assert.deepEqual(
      refused.map(({ line }) => line),
      [2, 4, 5, 6, 7],
    );
  });

  it('use packages pinned to an exact version', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    for (const name of pinnedPackages) assert.match(manifest.dependencies[name] ?? '', /^\d+\.\d+\.\d+$/, name);
  });

  it('make search keys as they were made at 0019, whatever the live search now does', () => {
    const names = {
      surname: 'O’Brien-Ní Dhuinn',
      forename: 'Zoë',
      middleNames: 'Mary Jo',
      preferredSurname: null,
      preferredForename: 'Jo',
      formerSurname: 'Smith',
      formerForename: null,
    };
    assert.deepEqual(
      recordSearchKeys(names, '2016-04-03'),
      [
        ...['sAPRNTN', 'sAPRN', 'sN', 'sTN', 'sSM0', 'sXMT'],
        ...['fS', 'fMRJ', 'fMRH', 'fMR', 'fg81', 'fJ', 'fA', 'fg63', 'fg90'],
      ].map((code) => `2016-04-03:${code}`),
    );
  });
});
