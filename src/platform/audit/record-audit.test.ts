import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { testDatabases } from '../../../test/support/databases.js';
import { testServices } from '../../../test/support/services.js';
import { auditRecorder, verifyAuditChain } from './record-audit.js';

for (const database of await testDatabases()) {
  describe(`audit chain (${database.name})`, () => {
    let services: Awaited<ReturnType<typeof testServices>>;
    before(async () => {
      services = await testServices(await database.open());
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          services.audit({
            action: 'sign-in',
            outcome: i % 3 === 0 ? 'failure' : 'success',
            sourceIp: '192.0.2.1',
            details: { attempt: i, nested: { b: 1, a: 2 } },
          }),
        ),
      );
    });
    after(() => services.close());

    it('chains concurrent appends into one unbroken sequence', async () => {
      const report = await verifyAuditChain(services.db, services.keys.auditKey);
      assert.equal(report.ok, true);
      assert.equal(report.checked, 20);
    });

    it('names the row that was altered', async () => {
      await sql`UPDATE audit_events SET source_ip = '203.0.113.9' WHERE seq = 7`.execute(services.db);
      const report = await verifyAuditChain(services.db, services.keys.auditKey);
      assert.equal(report.ok, false);
      assert.equal(report.firstBad?.seq, 7);
      assert.match(report.firstBad!.reason, /altered/);
      await sql`UPDATE audit_events SET source_ip = '192.0.2.1' WHERE seq = 7`.execute(services.db);
      assert.equal((await verifyAuditChain(services.db, services.keys.auditKey)).ok, true);
    });

    it('names a removed row', async () => {
      await sql`DELETE FROM audit_events WHERE seq = 12`.execute(services.db);
      const report = await verifyAuditChain(services.db, services.keys.auditKey);
      assert.equal(report.ok, false);
      assert.equal(report.firstBad?.seq, 12);
      assert.match(report.firstBad!.reason, /missing/);
    });

    it('cannot be re-chained without the key', async () => {
      const forger = auditRecorder(services.db, Buffer.alloc(32, 1), services.now);
      await sql`DELETE FROM audit_events`.execute(services.db);
      await forger({ action: 'sign-in' });
      const report = await verifyAuditChain(services.db, services.keys.auditKey);
      assert.equal(report.ok, false);
      assert.equal(report.firstBad?.seq, 1);
    });
  });
}
