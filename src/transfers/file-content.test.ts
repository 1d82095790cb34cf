import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { blobStoreFor, testDatabases } from '../../test/support/databases.js';
import { testServices } from '../../test/support/services.js';
import { ctfFile, upload } from '../../test/support/transfers.js';
import { realWorldFixture } from '../../test/support/real-world-corpus.js';
import { seedRegister, type TestServices } from '../../test/support/world.js';
import { apiActor } from '../../test/support/api.js';
import { buildApp } from '../app/app.js';
import type { FileResult } from './file-result.js';

/** Files whose name says one thing and whose content another, and what s2s must make of each. */
const fixtures = [
  'misnamed-misc-unknown-destination/8232003_MISC_XXXXXXX_001.XML',
  'misnamed-ks2-unknown-destination/8232003_KS2_XXXXXXX_001.XML',
  'misnamed-census-outside-sector/8232003_SC3_MMMMMMM_001.XML',
  'mtc-results-download/8232003_MTC_8232003_001.XML',
  'non-ctf-to-unknown-destination/8232003_MISC_XXXXXXX_002.csv',
].map(realWorldFixture);

const codes = (problems: { code: string }[] | undefined) => (problems ?? []).map((p) => p.code);

for (const database of await testDatabases()) {
  const blobStore = blobStoreFor(database);
  describe(`a file is what its content says: sending (${database.name})`, () => {
    let services: TestServices & { close(): Promise<void> };
    let app: FastifyInstance;
    const tokens = new Map<string, string>();
    const tokenOf = async (laestab: string) => {
      let token = tokens.get(laestab);
      if (!token) {
        token = (await apiActor(services, 'school-user', laestab)).token;
        tokens.set(laestab, token);
      }
      return token;
    };
    const recordsOf = async (fileId: string | null) =>
      fileId === null
        ? 0
        : Number(
            (
              await services.db
                .selectFrom('repository_records')
                .select((eb) => eb.fn.countAll().as('n'))
                .where('file_id', '=', fileId)
                .executeTakeFirstOrThrow()
            ).n,
          );

    before(async () => {
      services = await testServices(await database.open(), { env: { S2S_BLOB_STORE: blobStore } });
      await seedRegister(services);
      app = await buildApp(services);
    });
    after(async () => {
      await app.close();
      await services.close();
    });

    // Their verdicts are checked by the corpus (test/real-world-corpus.test.ts); here, that each is recorded as the
    // CTF its content says it is, whatever its name says.
    for (const { name, file, verdict } of fixtures) {
      if (verdict.upload?.fileStatus === 'rejected') continue;
      it(`records ${name} as a CTF`, async () => {
        const fileName = path.basename(file);
        const response = await upload(app, await tokenOf(verdict.upload!.as), [
          { name: fileName, bytes: fs.readFileSync(file) },
        ]);
        const [result] = response.json().files as FileResult[];
        assert.equal(result?.fileType, 'CTF', response.body);
        assert.equal(await recordsOf(result?.id ?? null), verdict.upload!.repositoryRecords);
      });
    }

    it('refuses an ATF sent to XXXXXXX, saying what to do, and still delivers a CTF named CTF', async () => {
      const token = await tokenOf('8232003');
      const ctf = ctfFile('8232003', 'XXXXXXX');
      const atf = ctf.bytes
        .toString()
        .replace(/CTfile>/g, 'ATfile>')
        .replace(/CTFpupilData>/g, 'ATFpupilData>');
      const response = await upload(app, token, [
        { name: '8232003_ATF_XXXXXXX_003.XML', bytes: Buffer.from(atf) },
        ctf,
      ]);
      const [refused, accepted] = response.json().files as FileResult[];
      assert.deepEqual(codes(refused?.errors), ['NOT_A_CTF_FOR_REPOSITORY']);
      assert.match(refused?.errors?.[0]?.message ?? '', /Only a CTF can be sent to XXXXXXX.*an ATF/);
      assert.equal(accepted?.status, 'in-repository');
      assert.equal(await recordsOf(accepted?.id ?? null), 1);
    });
  });
}
