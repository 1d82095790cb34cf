/**
 * An enquiry alert is owed from the moment a matching record's upload commits: the alert's job is written in the
 * upload's own transaction, so a process killed (kill -9) between the commit and the alert leaves the job queued,
 * and the next process delivers it, once, however often the job is run again.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { freshPostgresDatabase } from '../../test/support/databases.js';
import { holdInChild } from '../../test/support/hold-in-child.js';
import { TEST_MASTER_KEY } from '../../test/support/services.js';
import { ctfFile, noOtherNames } from '../../test/support/transfers.js';
import { addUser, seedRegister } from '../../test/support/world.js';
import { loadConfig } from '../platform/config.js';
import { buildApp } from '../app/app.js';
import { composeServices } from '../app/services.js';
import { ENQUIRY_ALERT_JOB } from './enquiry-alert-effect.js';

const postgres = await freshPostgresDatabase();
const dataDirs: string[] = [];

const deployments = [
  { name: 'embedded', skip: false, env: (): Record<string, string> => ({}) },
  {
    name: 'PostgreSQL',
    skip: postgres ? false : 'PostgreSQL does not answer',
    env: (): Record<string, string> => ({ DATABASE_URL: postgres!.url, S2S_BLOB_STORE: 'postgres' }),
  },
];

after(async () => {
  await postgres?.drop();
  for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
});

for (const deployment of deployments) {
  describe(`an enquiry alert owed when a node is killed (${deployment.name})`, { skip: deployment.skip }, () => {
    it('is delivered by the next node, exactly once', { timeout: 180_000 }, async () => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 's2s-alert-kill-'));
      dataDirs.push(dataDir);
      const env = {
        ...deployment.env(),
        S2S_DATA_DIR: dataDir,
        S2S_MASTER_KEY: TEST_MASTER_KEY,
        S2S_RESERVED_SPACE_MB: '0',
        LOG_LEVEL: 'silent',
      };
      const open = () => composeServices(loadConfig(env), { purpose: 'test' });

      // An officer looking for Tola, and the school she left.
      let services = await open();
      await seedRegister(services);
      const school = await addUser(services, { role: 'school-user', org: '3302101' });
      const officer = await addUser(services, { role: 'la-user', org: '823' });
      const enquiryId = crypto.randomUUID();
      await services.db
        .insertInto('enquiries')
        .values({
          id: enquiryId,
          la_code: '823',
          officer_id: officer.user.id,
          surname: 'Adeyemi',
          forename: 'Tola',
          date_of_birth: '2013-08-09',
          sex: 'F',
          upn: null,
          last_address: '3 Bell Yard, Ashdown Vale',
          concern: 'Not seen since half term.',
          state: 'sent',
          created_at: services.now(),
          sent_at: services.now(),
        })
        .execute();
      await services.close();

      // A node takes her record into the repository, its workers never started, and is killed straight after.
      const file = ctfFile('3302101', 'XXXXXXX', {
        people: [{ ...noOtherNames, surname: 'Adeyemi', forename: 'Tola', dateOfBirth: '2013-08-09', sex: 'F' }],
      });
      const module = (relative: string) => JSON.stringify(new URL(relative, import.meta.url).href);
      const child = await holdInChild(
        `const { Readable } = await import('node:stream');
         const { loadConfig } = await import(${module('../platform/config.ts')});
         const { composeServices } = await import(${module('../app/services.ts')});
         const { getUser } = await import(${module('../identity/accounts.ts')});
         const { acceptFile } = await import(${module('../transfers/accept-file.ts')});
         const services = await composeServices(loadConfig(${JSON.stringify(env)}), { purpose: 'test upload' });
         const sender = await getUser(services.db, ${JSON.stringify(school.user.id)});
         const bytes = Buffer.from(${JSON.stringify(Buffer.from(file.bytes).toString('base64'))}, 'base64');
         const result = await acceptFile(services, sender, ${JSON.stringify(file.name)}, Readable.from([bytes]), null);
         if (result.status !== 'in-repository') throw new Error(JSON.stringify(result));`,
        'uploaded',
      );
      child.kill('SIGKILL');
      await once(child, 'exit');

      services = await open();
      try {
        const owed = await services.db.selectFrom('jobs').select(['kind', 'state']).execute();
        assert.deepEqual(owed, [{ kind: ENQUIRY_ALERT_JOB, state: 'queued' }], 'the alert is owed, not yet done');
        const matches = () =>
          services.db.selectFrom('enquiry_matches').select('kind').where('enquiry_id', '=', enquiryId).execute();
        const alerts = () =>
          services.db
            .selectFrom('notifications')
            .select('link')
            .where('user_id', '=', officer.user.id)
            .where('kind', '=', 'enquiry-match')
            .execute();
        assert.deepEqual(await matches(), []);

        const app = await buildApp(services);
        try {
          assert.equal(await services.jobs.runQueued(), 1);
          assert.deepEqual(await matches(), [{ kind: 'repository' }]);
          assert.deepEqual(await alerts(), [{ link: `/enquiries/${enquiryId}` }]);

          // As if the node had died after the alert committed but before its job was marked done.
          await services.db.updateTable('jobs').set({ state: 'queued', lease_until: null }).execute();
          assert.equal(await services.jobs.runQueued(), 1);
          assert.deepEqual(await alerts(), [{ link: `/enquiries/${enquiryId}` }], 'the officer is told once');
          assert.equal((await services.db.selectFrom('jobs').select('state').executeTakeFirstOrThrow()).state, 'done');
        } finally {
          await app.close();
        }
      } finally {
        await services.close();
      }
    });
  });
}
