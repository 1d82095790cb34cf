/** For tests that need a second process: one that runs a script, says a word when ready, and waits to be killed. */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

/**
 * Runs `script` (an ES module body, with top-level await, loaded through tsx) in a child process, resolving once
 * it has printed `ready`; the child then idles until the test kills it.
 */
export async function holdInChild(script: string, ready: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      `${script}
       console.log(${JSON.stringify(ready)});
       setInterval(() => {}, 60_000);`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const [line] = (await once(child.stdout!, 'data')) as [Buffer];
  assert.equal(String(line).trim(), ready);
  return child;
}
