import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { apiActor, apiGet, type Actor } from '../../test/support/api.js';
import { blobStoreFor, testDatabases } from '../../test/support/databases.js';
import { metricValue } from '../../test/support/metrics.js';
import { testServices } from '../../test/support/services.js';
import { ctfFile, upload, type TestFile } from '../../test/support/transfers.js';
import { seedRegister, type TestServices } from '../../test/support/world.js';
import { buildApp } from '../app/app.js';
import { acceptFile } from './accept-file.js';
import type { FileResult } from './file-result.js';
import { beginIdempotent, IDEMPOTENCY_LEASE_MS, RequestFingerprint, type Begin } from './idempotency.js';

/** Waits for something the service does after answering, bounded so a regression fails rather than hangs. */
async function eventually(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('did not happen in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function fingerprintOf(files: TestFile[]): Promise<string> {
  const fingerprint = new RequestFingerprint();
  for (const file of files) {
    for await (const _chunk of fingerprint.wrap(file.name, Readable.from([file.bytes]))) {
      // hashed
    }
  }
  return fingerprint.digest();
}

for (const database of await testDatabases()) {
  const blobStore = blobStoreFor(database);
  describe(`retried uploads (${database.name})`, () => {
    let services: TestServices & { close(): Promise<void> };
    let app: FastifyInstance;
    let sender: Actor; // Hollins Lane Primary
    let receiver: Actor; // Kestrel Moor Primary

    before(async () => {
      services = await testServices(await database.open(), { env: { S2S_BLOB_STORE: blobStore } });
      await seedRegister(services);
      app = await buildApp(services);
      sender = await apiActor(services, 'school-user', '8232003');
      receiver = await apiActor(services, 'school-user', '9092201');
    });
    after(async () => {
      await app.close();
      await services.close();
    });

    /** The claim a request leaves when its process dies: no answer, and a lease nobody renews. */
    async function claimLeftBy(key: string, leaseExpiresAt: Date) {
      await services.db
        .insertInto('idempotency_keys')
        .values({
          user_id: sender.account.user.id,
          key,
          fingerprint: null,
          status_code: null,
          response: null,
          created_at: new Date(services.now().getTime() - 60_000),
          owner: 'a-node-that-died',
          lease_expires_at: leaseExpiresAt,
        })
        .execute();
    }

    /** A file stored by a request whose answer never reached the sender. */
    async function storedUnanswered(file: TestFile): Promise<FileResult> {
      const stored = await acceptFile(services, sender.account.user, file.name, Readable.from([file.bytes]), null, {
        acknowledged: false,
      });
      assert.equal(stored.status, 'delivered');
      return stored;
    }

    const inbox = async () => (await apiGet(app, receiver, '/api/v1/inbox')).json().files as { id: string }[];

    it('tells a retry to wait while the first request still holds its lease, and lets it in once the lease ends', async () => {
      await claimLeftBy('dead-then-retried', new Date(services.now().getTime() + IDEMPOTENCY_LEASE_MS));
      const file = ctfFile('8232003', '9092201');
      const early = await upload(app, sender.token, [file], { 'idempotency-key': 'dead-then-retried' });
      assert.equal(early.statusCode, 409);
      assert.equal(early.json().error.code, 'IDEMPOTENCY_KEY_IN_USE');
      assert.equal(early.headers['retry-after'], '5');

      services.clock.advance(IDEMPOTENCY_LEASE_MS + 1);
      const before = (await inbox()).length;
      const takeovers = await metricValue(services.metrics, 's2s_idempotency_takeovers_total');
      const retried = await upload(app, sender.token, [file], { 'idempotency-key': 'dead-then-retried' });
      assert.equal(retried.statusCode, 201, retried.body);
      assert.equal(await metricValue(services.metrics, 's2s_idempotency_takeovers_total'), takeovers + 1);
      assert.equal(retried.json().files[0].status, 'delivered');
      assert.equal((await inbox()).length, before + 1);

      const again = await upload(app, sender.token, [file], { 'idempotency-key': 'dead-then-retried' });
      assert.equal(again.statusCode, 201);
      assert.equal(again.headers['idempotent-replayed'], 'true');
      assert.deepEqual(again.json(), retried.json());
    });

    it('lets only one of two retries take over a dead claim', async () => {
      await claimLeftBy('two-retries', new Date(services.now().getTime() - 1));
      const file = ctfFile('8232003', '9092201');
      const answers = await Promise.all([
        upload(app, sender.token, [file], { 'idempotency-key': 'two-retries' }),
        upload(app, sender.token, [file], { 'idempotency-key': 'two-retries' }),
      ]);
      const codes = answers.map((a) => a.statusCode).sort();
      // The loser either waited (the winner still working) or was given the winner's answer.
      assert.ok(codes[0] === 201 && (codes[1] === 201 || codes[1] === 409), String(codes));
      const ids = answers.filter((a) => a.statusCode === 201).map((a) => a.json().files[0].id);
      assert.equal(new Set(ids).size, 1);
    });

    it('keeps a claim whose owner renews it, and leaves a taken-over claim to the request that took it', async () => {
      const userId = sender.account.user.id;
      const claimOf = (begun: Begin) => {
        assert.equal(begun.state, 'new');
        return (begun as Extract<Begin, { state: 'new' }>).claim;
      };
      const first = claimOf(await beginIdempotent(services, userId, 'renewed'));
      services.clock.advance(IDEMPOTENCY_LEASE_MS - 1000);
      await first.renew();
      services.clock.advance(IDEMPOTENCY_LEASE_MS - 1000);
      // Two leases have passed since the claim, but not one since its last renewal.
      assert.equal((await beginIdempotent(services, userId, 'renewed')).state, 'in-progress');

      services.clock.advance(IDEMPOTENCY_LEASE_MS);
      const second = claimOf(await beginIdempotent(services, userId, 'renewed'));
      await first.finish('stale', 201, { files: [] });
      await first.abandon();
      assert.equal((await beginIdempotent(services, userId, 'renewed')).state, 'in-progress');
      await second.finish('fresh', 207, { files: [] });
      assert.deepEqual(await beginIdempotent(services, userId, 'renewed'), {
        state: 'replay',
        fingerprint: 'fresh',
        statusCode: 207,
        response: { files: [] },
      });
    });

    it('replays the answer of a request that completed before its process died', async () => {
      const file = ctfFile('8232003', '9092201');
      const answer = { files: [{ id: crypto.randomUUID(), status: 'delivered' }] };
      await services.db
        .insertInto('idempotency_keys')
        .values({
          user_id: sender.account.user.id,
          key: 'completed-then-died',
          fingerprint: await fingerprintOf([file]),
          status_code: 201,
          response: JSON.stringify(answer),
          created_at: new Date(services.now().getTime() - 60_000),
          owner: 'a-node-that-died',
          lease_expires_at: null,
        })
        .execute();
      const retried = await upload(app, sender.token, [file], { 'idempotency-key': 'completed-then-died' });
      assert.equal(retried.statusCode, 201);
      assert.equal(retried.headers['idempotent-replayed'], 'true');
      assert.deepEqual(retried.json(), answer);
    });

    it('reports a file the dead request had stored as delivered when the retry takes over, storing it once', async () => {
      const file = ctfFile('8232003', '9092201');
      const stored = await storedUnanswered(file);
      await claimLeftBy('stored-then-died', new Date(services.now().getTime() - 1));
      const before = (await inbox()).length;
      const retried = await upload(app, sender.token, [file], { 'idempotency-key': 'stored-then-died' });
      assert.equal(retried.statusCode, 201, retried.body);
      const [result] = retried.json().files as FileResult[];
      assert.equal(result!.status, 'delivered');
      assert.equal(result!.id, stored.id);
      assert.equal(result!.duplicateOf, stored.id);
      assert.equal((await inbox()).length, before);
    });

    it('reports a stored but unanswered file sent again without a key as delivered, with duplicateOf', async () => {
      const file = ctfFile('8232003', '9092201');
      const stored = await storedUnanswered(file);
      const retried = await upload(app, sender.token, [file]);
      assert.equal(retried.statusCode, 201, retried.body);
      const [result] = retried.json().files as FileResult[];
      assert.equal(result!.status, 'delivered');
      assert.equal(result!.id, stored.id);
      assert.equal(result!.duplicateOf, stored.id);
      assert.equal((await inbox()).filter((f) => f.id === stored.id).length, 1);

      // Once an answer for it has gone out, the same bytes again are an accidental resend, refused as before.
      await eventually(async () => {
        const row = await services.db
          .selectFrom('transfer_files')
          .select('acknowledged')
          .where('id', '=', stored.id!)
          .executeTakeFirstOrThrow();
        return row.acknowledged;
      });
      const resent = await upload(app, sender.token, [file]);
      assert.equal(resent.statusCode, 422);
      const [refused] = resent.json().files as FileResult[];
      assert.equal(refused!.errors![0]!.code, 'DUPLICATE');
      assert.equal(refused!.duplicateOf, stored.id);
    });
  });
}
