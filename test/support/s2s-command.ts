/** The `s2s` command run from source, for tests that need it in processes of its own (`s2s serve` forks itself). */
import { main } from '../../src/app/cli.js';

process.exitCode = await main(process.argv.slice(2));
