import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { realWorldFixture } from '../../test/support/real-world-corpus.js';
import { blobStoreFor, testDatabases } from '../../test/support/databases.js';
import { suiteApp } from '../../test/support/suite-app.js';
import { makeZip, noOtherNames, tokenFor, upload, type TestFile } from '../../test/support/transfers.js';
import { addUser } from '../../test/support/world.js';
import { up as boundSearchKeys } from '../platform/migrations/0019-bounded-search-keys.js';
import { soundCodes } from '../repository/name-forms.js';
import { maxSearchKeyLength, recordSearchKeys } from '../repository/search-keys.js';
import type { FileResult } from './file-result.js';

// Each fixture's own upload verdict is checked by test/real-world-corpus.test.ts; these tests send variants of them.
async function fixture(relative: string): Promise<TestFile> {
  const { file } = realWorldFixture(relative);
  return { name: path.basename(file), bytes: await readFile(file) };
}

const codesOf = (problems: { code: string }[] | undefined) => (problems ?? []).map((p) => p.code);

for (const database of await testDatabases()) {
  describe(`files other systems write, uploaded (${database.name})`, () => {
    const suite = suiteApp(database, { S2S_BLOB_STORE: blobStoreFor(database) });
    let token: string;
    before(async () => {
      token = await tokenFor(
        suite.services,
        (await addUser(suite.services, { role: 'school-user', org: '8232003' })).user,
      );
    });

    it('finds the child of a file with zoned dates by the date of birth', async () => {
      const file = await fixture('xs-date-time-zones/8232003_CTF_XXXXXXX_902.XML');
      const bytes = Buffer.from(file.bytes.toString().replace('Hartley', 'Hartleigh'));
      const response = await upload(suite.app, token, [{ name: file.name.replace(/_\d{3}\./, '_912.'), bytes }]);
      const [result] = response.json().files as FileResult[];
      const row = await suite.services.db
        .selectFrom('repository_records')
        .select([sql<string>`date_of_birth::text`.as('dob'), 'left_on'])
        .where('file_id', '=', result!.id!)
        .executeTakeFirstOrThrow();
      assert.equal(row.dob, '2016-03-04');
      assert.notEqual(row.left_on, null);
    });

    it('refuses an over-long surname inside a zip as a validation error', async () => {
      const file = await fixture('over-long-surname/8232003_CTF_XXXXXXX_905.XML');
      const zip = makeZip([{ name: file.name, data: file.bytes }]);
      const response = await upload(suite.app, token, [{ name: 'fuzzed.zip', bytes: zip }]);
      assert.equal(response.statusCode, 422, response.body.slice(0, 500));
      const [result] = response.json().files as FileResult[];
      assert.deepEqual(codesOf(result!.errors), ['FIELD_TOO_LONG']);
    });

    it('recomputes, in migration 0019, the keys of a record written before keys were bounded', async () => {
      const file = await fixture('xs-date-time-zones/8232003_CTF_XXXXXXX_902.XML');
      // A surname at the longest allowed, whose sound code is longer than a key now keeps.
      const surname = 'Bartholomewskifrankenthalerwinterbottomquigleymacphersonfitzwilliamsonbrackenburythistlethw';
      assert.ok(soundCodes(surname)[0]!.length > 40);
      const bytes = Buffer.from(file.bytes.toString().replace('Hartley', surname));
      const response = await upload(suite.app, token, [{ name: file.name.replace(/_\d{3}\./, '_914.'), bytes }]);
      const id = (response.json().files as FileResult[])[0]!.id!;
      const whole = soundCodes(surname).map((code) => `2016-03-04:s${code}`);
      await suite.services.db
        .updateTable('repository_records')
        .set({ search_keys: whole })
        .where('file_id', '=', id)
        .execute();
      await boundSearchKeys(suite.services.db as unknown as Kysely<unknown>);
      const row = await suite.services.db
        .selectFrom('repository_records')
        .select('search_keys')
        .where('file_id', '=', id)
        .executeTakeFirstOrThrow();
      // The fixture's child has no other names.
      assert.deepEqual(
        row.search_keys,
        recordSearchKeys({ ...noOtherNames, surname, forename: 'Amelia' }, '2016-03-04'),
      );
      assert.ok(row.search_keys.every((key) => key.length <= maxSearchKeyLength));
    });

    it('never tells a zip’s sender what the database said when an entry could not be stored', async () => {
      // A real database refusal, of a kind no valid file meets: the record's row breaks a rule added here.
      await sql`ALTER TABLE repository_records ADD CONSTRAINT refuses_this_child CHECK (surname <> 'Refused')`.execute(
        suite.services.db,
      );
      try {
        const file = await fixture('xs-date-time-zones/8232003_CTF_XXXXXXX_902.XML');
        const bytes = Buffer.from(file.bytes.toString().replace('Hartley', 'Refused'));
        const zip = makeZip([{ name: file.name.replace(/_\d{3}\./, '_913.'), data: bytes }]);
        const response = await upload(suite.app, token, [{ name: 'refused.zip', bytes: zip }]);
        assert.ok(response.statusCode < 500, response.body);
        const [result] = response.json().files as FileResult[];
        assert.deepEqual(codesOf(result!.errors), ['ZIP_ENTRY_NOT_STORED']);
        assert.doesNotMatch(response.body, /refuses_this_child|repository_records|constraint|violates/i);
        assert.match(result!.errors![0]!.message, /problem in s2s, not in the file/);
      } finally {
        await sql`ALTER TABLE repository_records DROP CONSTRAINT refuses_this_child`.execute(suite.services.db);
      }
    });
  });
}
