/**
 * Transfers offers its files' events and names none of the capabilities that follow them: leavers, the repository
 * and enquiries register with it (`file-events.ts`), so none of their code is imported here. Tests may import them.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';
import { projectRoot } from '../platform/web/project-root.js';

const followers = ['leavers', 'repository', 'enquiries'];

describe('transfers', () => {
  it('imports nothing of the capabilities that follow its files', () => {
    const dir = path.join(projectRoot, 'src', 'transfers');
    const files = fs.readdirSync(dir).filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'));
    assert.ok(files.includes('accept-file.ts'), 'the module files are found');
    const refused: string[] = [];
    for (const name of files) {
      const { importedFiles } = ts.preProcessFile(fs.readFileSync(path.join(dir, name), 'utf8'), true, true);
      for (const { fileName } of importedFiles) {
        const target = path.relative(path.join(projectRoot, 'src'), path.resolve(dir, fileName));
        if (followers.includes(target.split(path.sep)[0]!)) refused.push(`${name} imports ${fileName}`);
      }
    }
    assert.deepEqual(refused, []);
  });
});
