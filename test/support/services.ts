/** Builds the real service graph for a test: a copy of a template database, a fixed clock, a temporary data dir. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/platform/config.js';
import type { OpenedDatabase } from '../../src/platform/database.js';
import { composeServices } from '../../src/app/services.js';
import type { Services } from '../../src/platform/services.js';

export const TEST_MASTER_KEY = 'a'.repeat(64);

export interface Clock {
  now: () => Date;
  advance(ms: number): void;
  set(date: Date): void;
}

export function fixedClock(start = new Date('2026-11-02T09:00:00Z')): Clock {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    advance: (ms) => {
      current += ms;
    },
    set: (date) => {
      current = date.getTime();
    },
  };
}

export async function testServices(
  database: OpenedDatabase,
  options: { clock?: Clock; env?: Record<string, string> } = {},
): Promise<Services & { clock: Clock; dataDir: string }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 's2s-test-'));
  const clock = options.clock ?? fixedClock();
  const config = loadConfig({
    S2S_DATA_DIR: dataDir,
    S2S_MASTER_KEY: TEST_MASTER_KEY,
    LOG_LEVEL: 'silent',
    S2S_PUBLIC_URL: 'http://s2s.test',
    // Test files run side by side on small machines, and the embedded database works on the event loop, so a
    // busy moment can delay it past a second. Shedding load has tests of its own; journeys must not be shed.
    S2S_MAX_EVENT_LOOP_DELAY_MS: '60000',
    // Most tests' databases are in memory: no space to keep in reserve beside them.
    S2S_RESERVED_SPACE_MB: '0',
    ...options.env,
  });
  const services = await composeServices(config, { database, now: clock.now });
  return {
    ...services,
    clock,
    dataDir,
    async close() {
      await services.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
