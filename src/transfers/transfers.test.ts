import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { apiActor, apiGet, type Actor } from '../../test/support/api.js';
import { blobStoreFor, testDatabases } from '../../test/support/databases.js';
import { testServices } from '../../test/support/services.js';
import { ctfFile, tokenFor, upload } from '../../test/support/transfers.js';
import { addUser, seedRegister, type TestServices } from '../../test/support/world.js';
import { buildApp } from '../app/app.js';
import type { FileResult } from './file-result.js';

for (const database of await testDatabases()) {
  const blobStore = blobStoreFor(database);
  describe(`transfers (${database.name}, file bodies in ${blobStore})`, () => {
    let services: TestServices & { close(): Promise<void> };
    let app: FastifyInstance;
    let schoolA: Actor; // Hollins Lane Primary, 823
    let schoolB: Actor; // Brackenford High, 330
    let schoolC: Actor; // Kestrel Moor Primary, 909
    let laOfB: Actor; // Brackenford LA, 330
    let laOfA: Actor; // Ashdown Vale LA, 823
    let academy: Actor; // Meadowbank Primary Academy 8232005, renumbered from 8232001

    const actor = (role: 'school-user' | 'la-user', org: string) => apiActor(services, role, org);
    const get = (who: Actor, url: string) => apiGet(app, who, url);

    before(async () => {
      services = await testServices(await database.open(), { env: { S2S_BLOB_STORE: blobStore } });
      await seedRegister(services);
      app = await buildApp(services);
      schoolA = await actor('school-user', '8232003');
      schoolB = await actor('school-user', '3304101');
      schoolC = await actor('school-user', '9092201');
      laOfB = await actor('la-user', '330');
      laOfA = await actor('la-user', '823');
      academy = await actor('school-user', '8232005');
    });
    after(async () => {
      await app.close();
      await services.close();
    });

    it('delivers a CTF to a school; only that school (and its LA) can collect it, byte-identical', async () => {
      const file = ctfFile('8232003', '3304101', { pupils: 4 });
      const response = await upload(app, schoolA.token, [file]);
      assert.equal(response.statusCode, 201, response.body);
      const [result] = response.json().files as FileResult[];
      assert.deepEqual(
        { ...result, id: undefined, sha256: undefined },
        {
          id: undefined,
          sha256: undefined,
          fileName: file.name,
          fileType: 'CTF',
          source: '8232003',
          destination: '3304101',
          destinationKind: 'school',
          pupils: 4,
          status: 'delivered',
        },
      );
      const id = result!.id!;

      const inbox = (await get(schoolB, '/api/v1/inbox')).json().files;
      assert.deepEqual(
        inbox.map((f: { id: string }) => f.id),
        [id],
      );
      for (const outsider of [schoolC, laOfA]) {
        assert.equal((await get(outsider, `/api/v1/files/${id}`)).statusCode, 404);
        assert.equal((await get(outsider, `/api/v1/files/${id}/content`)).statusCode, 404);
        assert.deepEqual((await get(outsider, '/api/v1/inbox')).json().files, []);
      }
      assert.equal((await get(schoolA, `/api/v1/files/${id}`)).statusCode, 200, 'the sender sees its details');
      assert.equal((await get(schoolA, `/api/v1/files/${id}/content`)).statusCode, 404, 'but not its content');

      const stored = await services.db
        .selectFrom('transfer_files')
        .innerJoin('blob_keys', 'blob_keys.blob_id', 'transfer_files.blob_id')
        .leftJoin('blob_chunks', 'blob_chunks.blob_id', 'transfer_files.blob_id')
        .select(['blob_keys.store', 'blob_chunks.seq'])
        .where('transfer_files.id', '=', id)
        .execute();
      assert.deepEqual(
        stored,
        [{ store: blobStore, seq: blobStore === 'postgres' ? 0 : null }],
        'the body is kept, encrypted, where the service is configured to keep it',
      );

      const collected = await get(schoolB, `/api/v1/files/${id}/content`);
      assert.equal(collected.statusCode, 200);
      assert.deepEqual(collected.rawPayload, file.bytes);
      assert.equal(collected.headers['content-disposition'], `attachment; filename="${file.name}"`);
      const overseen = await get(laOfB, `/api/v1/files/${id}/content`);
      assert.deepEqual(overseen.rawPayload, file.bytes, 'the school’s LA can see it too');

      const sent = (await get(schoolA, '/api/v1/sent')).json().files;
      assert.equal(sent[0].state, 'collected');
      assert.equal(sent[0].collectedBy, schoolB.account.user.email, 'the LA’s download does not count as collection');
      const audit = await services.db
        .selectFrom('audit_events')
        .select(['actor_user_id', 'action'])
        .where('target_id', '=', id)
        .execute();
      assert.deepEqual(
        audit.map((a) => a.action),
        ['file.sent', 'file.downloaded', 'file.downloaded'],
      );
      const redownload = await get(schoolB, `/api/v1/files/${id}/content`);
      assert.deepEqual(redownload.rawPayload, file.bytes, 're-download is allowed');
    });

    it('routes to an LA inbox, and to the repository with one record per pupil', async () => {
      const toLa = await upload(app, schoolA.token, [ctfFile('8232003', '330LLLL')]);
      assert.equal(toLa.json().files[0].destinationKind, 'la');
      assert.equal((await get(laOfB, '/api/v1/inbox')).json().files.length, 1);

      for (const destination of ['XXXXXXX', 'MMMMMMM']) {
        const file = ctfFile('8232003', destination);
        const response = await upload(app, schoolA.token, [file]);
        assert.equal(response.statusCode, 201, response.body);
        const result = response.json().files[0] as FileResult;
        assert.equal(result.status, 'in-repository');
        assert.equal(result.destinationKind, destination === 'XXXXXXX' ? 'unknown' : 'outside-maintained-sector');
        const records = await services.db
          .selectFrom('repository_records')
          .selectAll()
          .where('file_id', '=', result.id!)
          .execute();
        assert.equal(records.length, 1);
        assert.equal(records[0]!.upn, file.pupils[0]!.upn);
        assert.equal(records[0]!.surname, file.pupils[0]!.surname);
        assert.equal(records[0]!.left_laestab, '8232003');
        assert.equal(records[0]!.left_la_code, '823');
        const slice = file.bytes.subarray(Number(records[0]!.byte_start), Number(records[0]!.byte_end)).toString();
        assert.match(slice, /^<Pupil>[\s\S]*<\/Pupil>$/);
      }
      const twoPupils = ctfFile('8232003', '3304101', { pupils: 2 });
      const unknownWithTwo = {
        name: twoPupils.name.replace('3304101', 'XXXXXXX'),
        bytes: Buffer.from(
          twoPupils.bytes
            .toString()
            .replace('<LEA>330</LEA>\n      <Estab>4101</Estab>', '<LEA>XXX</LEA>\n      <Estab>XXXX</Estab>'),
        ),
      };
      const refused = await upload(app, schoolA.token, [unknownWithTwo]);
      assert.equal(refused.statusCode, 422);
    });

    it('follows a renumbered academy to its new number and tells the sender', async () => {
      const response = await upload(app, schoolA.token, [ctfFile('8232003', '8232001')]);
      assert.equal(response.statusCode, 201, response.body);
      const result = response.json().files[0] as FileResult;
      assert.equal(result.destination, '8232005');
      assert.equal(result.redirectedFrom, '8232001');
      assert.equal((await get(academy, '/api/v1/inbox')).json().files[0].id, result.id);
    });

    it('refuses destinations that do not exist, have closed or have not opened, saying what to do', async () => {
      const cases: Array<[string, string]> = [
        ['8239999', 'DESTINATION_NOT_FOUND'],
        ['3302103', 'DESTINATION_CLOSED'],
        ['8234002', 'DESTINATION_NOT_OPEN'],
        ['999LLLL', 'DESTINATION_NOT_FOUND'],
      ];
      for (const [destination, code] of cases) {
        const response = await upload(app, schoolA.token, [ctfFile('8232003', destination)]);
        assert.equal(response.statusCode, 422, destination);
        const error = response.json().files[0].errors[0];
        assert.equal(error.code, code, destination);
        assert.match(error.message, /Find a school/);
        assert.match(error.message, /XXXXXXX/);
      }
    });

    it('lets a school send only as itself, and an LA for itself and its schools', async () => {
      const forged = await upload(app, schoolA.token, [ctfFile('3304101', '8232003')]);
      assert.equal(forged.statusCode, 422);
      assert.equal(forged.json().files[0].errors[0].code, 'SOURCE_NOT_YOURS');
      const laForSchool = await upload(app, laOfB.token, [ctfFile('3302101', '8232003')]);
      assert.equal(laForSchool.statusCode, 201, laForSchool.body);
      const laForOther = await upload(app, laOfB.token, [ctfFile('8232002', '3304101')]);
      assert.equal(laForOther.json().files[0].errors[0].code, 'SOURCE_NOT_YOURS');
    });

    it('refuses an invalid file with the engine’s errors and stores nothing', async () => {
      const before = await services.db
        .selectFrom('blob_keys')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      const file = ctfFile('8232003', '3304101');
      const broken = {
        name: file.name,
        bytes: Buffer.from(file.bytes.toString().replace(/<UPN>[A-Z0-9]+<\/UPN>/, '<UPN>A801200001001</UPN>')),
      };
      const badName = { name: 'pupils.xml', bytes: file.bytes };
      const response = await upload(app, schoolA.token, [broken, badName]);
      assert.equal(response.statusCode, 422);
      const [first, second] = response.json().files as FileResult[];
      assert.equal(first!.errors![0]!.code, 'UPN_CHECK_LETTER');
      assert.ok(first!.errors![0]!.line! > 1);
      assert.equal(second!.errors![0]!.code, 'FILE_NAME_INVALID');
      const after = await services.db
        .selectFrom('blob_keys')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      assert.equal(Number(after.n), Number(before.n));
    });

    it('answers 207 when some files are accepted and some are not', async () => {
      const good = ctfFile('8232003', '3304101');
      const bad = ctfFile('8232003', '3304101');
      const response = await upload(app, schoolA.token, [good, { name: bad.name, bytes: Buffer.from('<CTfile>') }]);
      assert.equal(response.statusCode, 207);
      assert.deepEqual(
        response.json().files.map((f: FileResult) => f.status),
        ['delivered', 'rejected'],
      );
    });

    it('returns the first response to a retried request and stores nothing twice', async () => {
      const file = ctfFile('8232003', '9092201');
      const first = await upload(app, schoolA.token, [file], { 'idempotency-key': 'retry-123' });
      const again = await upload(app, schoolA.token, [file], { 'idempotency-key': 'retry-123' });
      assert.equal(first.statusCode, 201);
      assert.equal(again.statusCode, 201);
      assert.equal(again.headers['idempotent-replayed'], 'true');
      assert.deepEqual(again.json(), first.json());
      assert.equal((await get(schoolC, '/api/v1/inbox')).json().files.length, 1);
      const other = await upload(app, schoolA.token, [ctfFile('8232003', '9092201')], {
        'idempotency-key': 'retry-123',
      });
      assert.equal(other.statusCode, 422);
      assert.equal(other.json().error.code, 'IDEMPOTENCY_KEY_REUSED');
    });

    it('flags the same bytes sent again to the same destination instead of delivering them twice', async () => {
      const file = ctfFile('8232003', '9404301');
      const first = await upload(app, schoolA.token, [file]);
      const second = await upload(app, schoolA.token, [file]);
      assert.equal(second.statusCode, 422);
      const result = second.json().files[0] as FileResult;
      assert.equal(result.errors![0]!.code, 'DUPLICATE');
      assert.equal(result.duplicateOf, first.json().files[0].id);
    });

    it('lets the sender remove a file until it is collected', async () => {
      const file = ctfFile('8232003', '3304101', { seed: 'remove-me' });
      const id = (await upload(app, schoolA.token, [file])).json().files[0].id;
      const removal = await app.inject({
        method: 'DELETE',
        url: `/api/v1/files/${id}`,
        headers: { authorization: `Bearer ${schoolA.token}` },
      });
      assert.equal(removal.statusCode, 204);
      assert.equal((await get(schoolB, `/api/v1/files/${id}/content`)).statusCode, 404);
      const state = (await get(schoolA, `/api/v1/files/${id}`)).json();
      assert.equal(state.state, 'removed');
      const again = await upload(app, schoolA.token, [file]);
      assert.equal(again.statusCode, 201, 'a removed file can be sent again');
      const newId = again.json().files[0].id;
      await get(schoolB, `/api/v1/files/${newId}/content`);
      const late = await app.inject({
        method: 'DELETE',
        url: `/api/v1/files/${newId}`,
        headers: { authorization: `Bearer ${schoolA.token}` },
      });
      assert.equal(late.statusCode, 409);
      const notYours = await app.inject({
        method: 'DELETE',
        url: `/api/v1/files/${newId}`,
        headers: { authorization: `Bearer ${schoolC.token}` },
      });
      assert.equal(notYours.statusCode, 404);
    });

    it('refuses non-multipart uploads and empty requests plainly', async () => {
      const json = await app.inject({
        method: 'POST',
        url: '/api/v1/files',
        payload: { x: 1 },
        headers: { authorization: `Bearer ${schoolA.token}` },
      });
      assert.equal(json.statusCode, 415);
      const empty = await upload(app, schoolA.token, []);
      assert.equal(empty.statusCode, 400);
      assert.equal(empty.json().error.code, 'NO_FILES');
    });
  });
}

describe('under load', () => {
  it('answers 503 with Retry-After when a node is at its upload limit, keeping nothing, and recovers', async () => {
    const [database] = await testDatabases();
    const services = await testServices(await database!.open(), { env: { S2S_MAX_CONCURRENT_UPLOADS: '1' } });
    await seedRegister(services);
    const app = await buildApp(services);
    try {
      const token = await tokenFor(services, (await addUser(services, { role: 'school-user', org: '8232003' })).user);
      const files = [
        ctfFile('8232003', '3304101', { seed: 'load-1' }),
        ctfFile('8232003', '3304101', { seed: 'load-2' }),
      ];
      const [first, second] = await Promise.all(files.map((f) => upload(app, token, [f])));
      assert.deepEqual([first!.statusCode, second!.statusCode].sort(), [201, 503]);
      const busy = first!.statusCode === 503 ? first! : second!;
      assert.equal(busy.headers['retry-after'], '10');
      assert.equal(busy.json().error.code, 'BUSY');
      assert.equal((await services.db.selectFrom('transfer_files').select('id').execute()).length, 1);
      const retried = await upload(app, token, [files[first!.statusCode === 503 ? 0 : 1]!]);
      assert.equal(retried.statusCode, 201, 'the same upload goes through once the node has room');
    } finally {
      await app.close();
      await services.close();
    }
  });
});
