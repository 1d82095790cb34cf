/**
 * Bundles the service a benchmark starts into one ES module, so that it runs under plain `node` and no TypeScript
 * loader is measured. Write it at the same depth as src/platform/web (bench/out/<area>/<name>.mjs), so that the
 * bundled projectRoot still finds the project's views.
 */
import { buildSync } from 'esbuild';

export function bundleForNode(entry: string, outfile: string): string {
  buildSync({
    entryPoints: [entry],
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    logLevel: 'error',
  });
  return outfile;
}
