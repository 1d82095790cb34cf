/**
 * The structure's one rule (docs/architecture.md) is checked by dependency-cruiser in `npm run check`. This test
 * proves the check bites: it plants, in a copy of today's source, an upward import from platform/ into a
 * capability, one from a capability into the app, one into another capability's internals, and an import circle
 * between two capabilities through what they offer, and expects each to be named; and a test file importing the
 * app, which is allowed.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { projectRoot } from '../platform/web/project-root.js';

const run = promisify(execFile);

async function plant(file: string, line: string): Promise<void> {
  await fs.appendFile(file, `\n${line}\n`);
}

test('the dependency rule fails on a planted upward import, a reach into the app and a circle', async (t) => {
  const root = projectRoot;
  const copy = await fs.mkdtemp(path.join(os.tmpdir(), 's2s-one-way-'));
  t.after(() => fs.rm(copy, { recursive: true, force: true }));
  await fs.cp(path.join(root, 'src'), path.join(copy, 'src'), { recursive: true });
  for (const file of ['tsconfig.json', '.dependency-cruiser.cjs']) {
    await fs.copyFile(path.join(root, file), path.join(copy, file));
  }
  await fs.symlink(path.join(root, 'node_modules'), path.join(copy, 'node_modules'));

  await plant(path.join(copy, 'src/platform/ids.ts'), "import '../transfers/index.js';");
  await plant(path.join(copy, 'src/leavers/list-leavers.ts'), "import '../app/capabilities.js';");
  await plant(path.join(copy, 'src/joiners/pages.ts'), "import '../leavers/record-leaver.js';");
  // A circle through what each offers, so that only the circle is wrong.
  await plant(path.join(copy, 'src/establishments/other-school.ts'), "import '../notifications/public.js';");
  await plant(path.join(copy, 'src/notifications/notify.ts'), "import '../establishments/public.js';");
  // Allowed: a test wires the whole app.
  await fs.writeFile(path.join(copy, 'src/platform/planted.test.ts'), "import '../app/app.js';\n");

  // The same command as `npm run check`, whose exit status fails the check.
  const depcruise = path.join(root, 'node_modules/.bin/depcruise');
  const failure = await run(depcruise, ['src', '--config', '.dependency-cruiser.cjs'], {
    cwd: copy,
    maxBuffer: 64 * 1024 * 1024,
  }).then(
    () => undefined,
    (error: { stdout?: string; code?: number }) => error,
  );
  assert.ok(failure, 'the check passed with the planted imports in place');
  assert.notEqual(failure.code, 0);
  // Each violation is reported as `error RULE: FROM → TO`, a circle over several lines.
  const report = (failure.stdout ?? '').replace(/\s*→\s*/g, ' -> ');
  const found = [...report.matchAll(/error ([a-z-]+): (\S+) -> (\S+)/g)].map(
    ([, rule, from, to]) => `${rule}: ${from} -> ${to}`,
  );
  assert.ok(
    found.includes('platform-and-ctf-below-everything: src/platform/ids.ts -> src/transfers/index.ts'),
    found.join('\n'),
  );
  assert.ok(
    found.includes('capabilities-below-the-app: src/leavers/list-leavers.ts -> src/app/capabilities.ts'),
    found.join('\n'),
  );
  assert.ok(
    found.includes('capabilities-meet-through-what-they-offer: src/joiners/pages.ts -> src/leavers/record-leaver.ts'),
    found.join('\n'),
  );
  assert.ok(
    found.some(
      (v) => v.startsWith('no-circular: src/establishments/') || v.startsWith('no-circular: src/notifications/'),
    ),
    found.join('\n'),
  );
  assert.ok(!found.some((v) => v.includes('planted.test.ts')), 'a test file may import the app');
});
