/**
 * One service graph and serving app for a whole test suite, opened before its tests with the settings under test and closed
 * after them, and the audited flags that tests of a user's day of lookups or refusals look for.
 */
import { after, before } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp, startBulkWork } from '../../src/app/app.js';
import type { TestDatabase } from './databases.js';
import { testServices } from './services.js';
import { seedRegister, type TestServices } from './world.js';

export interface SuiteApp {
  services: TestServices & { close(): Promise<void> };
  app: FastifyInstance;
}

/** Call inside `describe`: the suite's services (with the register seeded) and app, set once its tests start. */
export function suiteApp(database: TestDatabase, env: Record<string, string>): SuiteApp {
  const suite = {} as SuiteApp;
  before(async () => {
    suite.services = await testServices(await database.open(), { env });
    await seedRegister(suite.services);
    suite.app = await buildApp(suite.services);
    // A suite's app serves as a node does, with its share of the bulk work.
    startBulkWork(suite.app, suite.services);
  });
  after(async () => {
    await suite.app.close();
    await suite.services.close();
  });
  return suite;
}

/** The audit events of one flag action raised about a user: the LA each went to, and what it counted. */
export function flagsAudited(services: TestServices, action: string, userId: string) {
  return services.db
    .selectFrom('audit_events')
    .select(['la_code', 'details'])
    .where('action', '=', action)
    .where('actor_user_id', '=', userId)
    .execute();
}
