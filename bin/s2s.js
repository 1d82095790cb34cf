#!/usr/bin/env node
// Entry point of the `s2s` command: runs the compiled CLI (npm run build compiles src/ to dist/).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const compiled = new URL('../dist/app/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(compiled))) {
  console.error('s2s is not built yet: run `npm run build` (npm ci does this for you).');
  process.exit(2);
}
const { main } = await import(compiled.href);
const code = await main(process.argv.slice(2));
process.exitCode = code;
