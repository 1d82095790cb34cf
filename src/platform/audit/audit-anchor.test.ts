import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { testDatabases } from '../../../test/support/databases.js';
import { testServices } from '../../../test/support/services.js';
import { anchorSink, scheduleAuditAnchors, writeAnchor } from './anchor-sinks.js';
import { parseAnchor, takeAnchor, verifyAgainstAnchor } from './audit-anchor.js';
import { verifyAuditChain } from './record-audit.js';

for (const database of await testDatabases()) {
  describe(`audit anchors (${database.name})`, () => {
    let services: Awaited<ReturnType<typeof testServices>>;
    const events = (count: number, from: number) =>
      Promise.all(
        Array.from({ length: count }, (_, i) =>
          services.audit({ action: 'file.download', sourceIp: '192.0.2.1', details: { n: from + i } }),
        ),
      );

    before(async () => {
      services = await testServices(await database.open());
    });
    after(() => services.close());

    it('finds a tail removed by someone with database access, which the chain alone cannot show', async () => {
      await sql`DELETE FROM audit_events`.execute(services.db);
      await events(10, 0);
      const anchor = parseAnchor(
        `s2s-audit-anchor seq=10 hash=${(await takeAnchor(services.db, services.now())).hash} at=x`,
      );
      assert.equal(anchor.seq, 10);
      assert.equal((await verifyAgainstAnchor(services.db, services.keys.auditKey, anchor)).ok, true);

      // The attacker deletes the last rows and recomputes nothing: what is left is a valid chain.
      await sql`DELETE FROM audit_events WHERE seq > 6`.execute(services.db);
      const chain = await verifyAuditChain(services.db, services.keys.auditKey);
      assert.equal(chain.ok, true);
      assert.equal(chain.checked, 6);

      const report = await verifyAgainstAnchor(services.db, services.keys.auditKey, anchor);
      assert.equal(report.ok, false);
      assert.match(report.problem!, /ends at row 6 but the anchor records row 10.*rows 7–10 missing/);
    });

    it('finds a removed tail that the service has since written over with new rows', async () => {
      await sql`DELETE FROM audit_events`.execute(services.db);
      await events(10, 0);
      const anchor = await takeAnchor(services.db, services.now());
      await sql`DELETE FROM audit_events WHERE seq > 6`.execute(services.db);
      await events(8, 100);
      assert.equal((await verifyAuditChain(services.db, services.keys.auditKey)).ok, true);

      const report = await verifyAgainstAnchor(services.db, services.keys.auditKey, anchor);
      assert.equal(report.ok, false);
      assert.match(report.problem!, /row 10 is not the row the anchor records/);
    });

    it('accepts a chain that has grown past its anchor', async () => {
      await sql`DELETE FROM audit_events`.execute(services.db);
      await events(5, 0);
      const anchor = await takeAnchor(services.db, services.now());
      await events(5, 5);
      const report = await verifyAgainstAnchor(services.db, services.keys.auditKey, anchor);
      assert.equal(report.ok, true, report.problem);
      assert.equal(report.checked, 10);
    });

    it('writes anchors periodically to the configured file, one line each, that verify reads back', async () => {
      await sql`DELETE FROM audit_events`.execute(services.db);
      await events(4, 0);
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 's2s-anchors-')), 'anchors.log');
      let written = 0;
      const errors: unknown[] = [];
      const done = new Promise<void>((resolve) => {
        const stop = scheduleAuditAnchors(services.db, anchorSink(file), {
          minutes: 1,
          now: services.now,
          onError: (error) => errors.push(error),
          onWritten: () => {
            written++;
            stop();
            resolve();
          },
        });
      });
      await done;
      assert.deepEqual(errors, []);
      assert.equal(written, 1);
      await events(3, 4);
      await writeAnchor(services.db, anchorSink(file), services.now());
      const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
      assert.equal(lines.length, 2);
      assert.match(lines[0]!, /^s2s-audit-anchor seq=4 hash=[0-9a-f]{64} at=2026-11-02T09:00:00\.000Z$/);
      const newest = parseAnchor(fs.readFileSync(file, 'utf8'));
      assert.equal(newest.seq, 7);
      await sql`DELETE FROM audit_events WHERE seq = 7`.execute(services.db);
      const report = await verifyAgainstAnchor(services.db, services.keys.auditKey, newest);
      assert.match(report.problem!, /row 7 missing/);
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    });

    it('posts anchors as JSON to an HTTPS-style endpoint, and reports an endpoint that refuses', async () => {
      const received: unknown[] = [];
      let status = 204;
      const server = http.createServer((request, response) => {
        let body = '';
        request.on('data', (chunk) => (body += String(chunk)));
        request.on('end', () => {
          received.push({ method: request.method, type: request.headers['content-type'], body: JSON.parse(body) });
          response.writeHead(status).end();
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/anchors`;
        const anchor = await writeAnchor(services.db, anchorSink(url), services.now());
        assert.deepEqual(received, [
          {
            method: 'POST',
            type: 'application/json',
            body: { kind: 's2s-audit-anchor', seq: anchor.seq, hash: anchor.hash, at: anchor.at },
          },
        ]);
        status = 500;
        await assert.rejects(writeAnchor(services.db, anchorSink(url), services.now()), /answered 500/);
      } finally {
        server.close();
      }
    });

    it('sends anchors to a syslog collector', async () => {
      const socket = dgram.createSocket('udp4');
      await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
      try {
        const message = new Promise<string>((resolve) => socket.once('message', (m) => resolve(String(m))));
        const anchor = await writeAnchor(
          services.db,
          anchorSink(`syslog://127.0.0.1:${socket.address().port}`),
          services.now(),
        );
        const line = await message;
        assert.match(line, /^<37>1 2026-11-02T09:00:00\.000Z \S+ s2s \d+ audit-anchor - s2s-audit-anchor seq=/);
        assert.equal(parseAnchor(line).hash, anchor.hash);
      } finally {
        socket.close();
      }
    });
  });
}
