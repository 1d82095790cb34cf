/**
 * The s2s service as the transfers benchmark runs it: its own process (so the load generator never shares its
 * event loop), configured from the environment like `s2s serve` (DATABASE_URL, S2S_WORKERS, S2S_BULK_WORKERS …),
 * listening on a free loopback port that it reports as one JSON line on stdout with the ids of the processes that
 * serve requests. run.ts bundles this file with esbuild and starts it with plain `node`, so no TypeScript loader
 * runs inside the measured processes.
 */

import { loadConfig } from '../../src/platform/config.js';
import { composeServices } from '../../src/app/services.js';
import { isServingProcess, reportListening, superviseServingProcesses } from '../../src/platform/serving-processes.js';
import { buildApp, startBulkWork } from '../../src/app/app.js';

const config = loadConfig(process.env);
// A failed bulk job is logged by the app, at level error, like a 5xx.
const services = await composeServices(config, { purpose: 'transfers benchmark' });

if (config.workers > 1 && !isServingProcess()) {
  // The primary migrated the database above; the serving processes share port 0's one random port.
  const code = await superviseServingProcesses(config.workers, {
    onReady: ({ port, pids }) =>
      process.stdout.write(`${JSON.stringify({ listening: port, pid: process.pid, pids })}\n`),
    onProblem: (message) => console.error(message),
  });
  await services.close();
  process.exit(code);
}

// Errors only (5xx with their stack), to stdout as pino writes them; run.ts keeps them in a log file.
const app = await buildApp(services, { logger: { level: 'error' } });
startBulkWork(app, services);
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;
if (isServingProcess()) reportListening(port);
else process.stdout.write(`${JSON.stringify({ listening: port, pid: process.pid, pids: [process.pid] })}\n`);

let closing = false;
async function shutdown(): Promise<void> {
  if (closing) return;
  closing = true;
  await app.close();
  await services.close();
  // An explicit exit lets --cpu-prof write its profile.
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());
