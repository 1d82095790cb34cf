import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { apiActor, type Actor } from '../../test/support/api.js';
import { blobStoreFor, testDatabases } from '../../test/support/databases.js';
import { testServices } from '../../test/support/services.js';
import { upload } from '../../test/support/transfers.js';
import { realWorldFixture } from '../../test/support/real-world-corpus.js';
import { seedRegister, type TestServices } from '../../test/support/world.js';
import { buildApp } from '../app/app.js';
import type { FileResult } from './file-result.js';
import { repairRepositoryFiles } from './repair-repository.js';

const misnamed = realWorldFixture('misnamed-misc-unknown-destination/8232003_MISC_XXXXXXX_001.XML');
const notCtf = realWorldFixture('non-ctf-to-unknown-destination/8232003_MISC_XXXXXXX_002.csv');

for (const database of await testDatabases()) {
  const blobStore = blobStoreFor(database);
  describe(`repairing repository files kept without records (${database.name})`, () => {
    let services: TestServices & { close(): Promise<void> };
    let app: FastifyInstance;
    let school: Actor;
    let ctfId: string;
    let csvId: string;
    const recordsOf = (fileId: string) =>
      services.db.selectFrom('repository_records').select(['upn', 'surname']).where('file_id', '=', fileId).execute();

    before(async () => {
      services = await testServices(await database.open(), { env: { S2S_BLOB_STORE: blobStore } });
      await seedRegister(services);
      app = await buildApp(services);
      school = await apiActor(services, 'school-user', '8232003');
      // Put both files back as s2s kept them before it read files by their content: the CTF as a general file
      // with no record, the CSV in the repository.
      const sent = await upload(app, school.token, [
        { name: path.basename(misnamed.file), bytes: fs.readFileSync(misnamed.file) },
        { name: '8232003_MISC_3304101_002.csv', bytes: fs.readFileSync(notCtf.file) },
      ]);
      const [ctf, csv] = sent.json().files as FileResult[];
      ctfId = ctf!.id!;
      csvId = csv!.id!;
      await services.db.deleteFrom('repository_records').where('file_id', '=', ctfId).execute();
      await services.db.updateTable('transfer_files').set({ file_type: 'generic' }).where('id', '=', ctfId).execute();
      await services.db
        .updateTable('transfer_files')
        .set({
          status: 'in-repository',
          destination_code: 'XXXXXXX',
          destination_kind: 'unknown',
          recipient_org_kind: null,
          recipient_org_code: null,
        })
        .where('id', '=', csvId)
        .execute();
    });
    after(async () => {
      await app.close();
      await services.close();
    });

    it('a dry run says what it would do and changes nothing', async () => {
      const report = await repairRepositoryFiles(services, { dryRun: true });
      assert.equal(report.checked, 2);
      assert.deepEqual(report.repaired, [
        { fileId: ctfId, fileName: path.basename(misnamed.file), records: 1, problems: 0 },
      ]);
      assert.deepEqual(await recordsOf(ctfId), []);
    });

    it('gives the CTF its record, so the child can be found, and names the file that is not a CTF', async () => {
      const report = await repairRepositoryFiles(services);
      assert.deepEqual(
        report.repaired.map((f) => [f.fileId, f.records]),
        [[ctfId, 1]],
      );
      assert.deepEqual(await recordsOf(ctfId), [{ upn: 'R823200321017', surname: 'Okonkwo-Reid' }]);
      const file = await services.db
        .selectFrom('transfer_files')
        .select(['file_type', 'pupils'])
        .where('id', '=', ctfId)
        .executeTakeFirstOrThrow();
      assert.deepEqual(file, { file_type: 'CTF', pupils: 1 });
      assert.equal(report.unrepaired.length, 1);
      assert.equal(report.unrepaired[0]?.fileId, csvId);
      assert.equal(report.unrepaired[0]?.senderOrgCode, '8232003');
      assert.match(report.unrepaired[0]?.reason ?? '', /not a CTF \(not XML\)/);
      const audited = await services.db
        .selectFrom('audit_events')
        .select('target_id')
        .where('action', '=', 'repository.repaired')
        .execute();
      assert.deepEqual(
        audited.map((a) => a.target_id),
        [ctfId],
      );
    });

    it('does nothing more when run again', async () => {
      const report = await repairRepositoryFiles(services);
      assert.deepEqual(report.repaired, []);
      assert.deepEqual(
        report.unrepaired.map((f) => f.fileId),
        [csvId],
      );
      assert.equal((await recordsOf(ctfId)).length, 1);
    });
  });
}
