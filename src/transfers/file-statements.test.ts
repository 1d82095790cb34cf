/**
 * What a file's changes ask of the database: a school's CTF to an inbox, carrying one of the school's leavers, is
 * written in one statement however many capabilities take part (its body, the leaver marked sent, the file); a file
 * for the repository writes the jobs of its effects in its own transaction, never after it; and what contributors
 * write with a collection or a removal is part of it, so that one failing undoes the change.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { KyselyPlugin, RootOperationNode } from 'kysely';
import { apiActor, apiPost, type Actor } from '../../test/support/api.js';
import { blobStoreFor, testDatabases } from '../../test/support/databases.js';
import { testServices } from '../../test/support/services.js';
import { ctfFile, noOtherNames } from '../../test/support/transfers.js';
import { seedRegister, type TestServices } from '../../test/support/world.js';
import type { FastifyInstance } from 'fastify';
import { makeUpn } from '../ctf/upn.js';
import { buildApp } from '../app/app.js';
import { extension, extensionsOf } from '../platform/extensions.js';
import { capabilities } from '../app/capabilities.js';
import { acceptFile } from './accept-file.js';
import { downloadFile, removeFile } from './collect-files.js';
import { transferContributors } from './file-events.js';

/** Notes the kind of every statement run through the database handle it is added to. */
function statementsSeen(): KyselyPlugin & { kinds: string[] } {
  const kinds: string[] = [];
  return {
    kinds,
    transformQuery({ node }): RootOperationNode {
      kinds.push(node.kind);
      return node;
    },
    transformResult: async ({ result }) => result,
  };
}

for (const database of await testDatabases()) {
  describe(`the statements of an accepted file (${database.name})`, () => {
    let services: TestServices & { close(): Promise<void> };
    let app: FastifyInstance;
    let school: Actor;

    before(async () => {
      services = await testServices(await database.open(), { env: { S2S_BLOB_STORE: blobStoreFor(database) } });
      await seedRegister(services);
      app = await buildApp(services);
      school = await apiActor(services, 'school-user', '8232003');
    });
    after(async () => {
      await app.close();
      await services.close();
    });

    const accept = async (file: { name: string; bytes: Uint8Array }) => {
      const seen = statementsSeen();
      const result = await acceptFile(
        { ...services, db: services.db.withPlugin(seen) },
        school.account.user,
        file.name,
        Readable.from([Buffer.from(file.bytes)]),
        null,
      );
      return { result, writes: seen.kinds.filter((kind) => kind !== 'SelectQueryNode') };
    };

    it('writes a one-row CTF, its leaver marked sent, in one statement', async () => {
      const upn = makeUpn('823200319001');
      const leaver = await apiPost(app, school, '/api/v1/leavers', {
        forename: 'Ivy',
        surname: 'Marsh',
        dateOfBirth: '2016-05-17',
        upn,
        leftOn: '2026-10-30',
        destination: 'school',
        destinationLAEstab: '3304101',
      });
      assert.equal(leaver.statusCode, 201, leaver.body);
      const { result, writes } = await accept(
        ctfFile('8232003', '3304101', { people: [{ ...noOtherNames, forename: 'Ivy', surname: 'Marsh', upn }] }),
      );
      assert.equal(result.status, 'delivered');
      assert.deepEqual(writes, ['InsertQueryNode'], 'one round trip writes the file');
      const marked = await services.db
        .selectFrom('leavers')
        .select(['ctf_file_id', 'ctf_sent_to'])
        .where('id', '=', leaver.json().id)
        .executeTakeFirstOrThrow();
      assert.deepEqual(marked, { ctf_file_id: result.id, ctf_sent_to: '3304101' });
      assert.deepEqual(await services.db.selectFrom('jobs').select('kind').execute(), [], 'no effect follows it');
    });

    it('queues a repository file’s effects in the statement that writes the file', async () => {
      const { result, writes } = await accept(ctfFile('8232003', 'XXXXXXX', { seed: 'statements' }));
      assert.equal(result.status, 'in-repository');
      assert.deepEqual(writes, ['InsertQueryNode', 'InsertQueryNode'], 'the file (with its jobs), then its records');
      const jobs = await services.db.selectFrom('jobs').select(['kind', 'org_code', 'payload', 'state']).execute();
      assert.deepEqual(jobs, [
        {
          kind: 'enquiry-alerts',
          org_code: '8232003',
          payload: { event: 'file.accepted', fileId: result.id },
          state: 'queued',
        },
      ]);
    });

    it('collects or removes a file only together with what its contributors write', async () => {
      const { result } = await accept(ctfFile('8232003', '3304101', { seed: 'refused-contributor' }));
      const receiver = await apiActor(services, 'school-user', '3304101');
      // Every capability's contributors, and one whose writes fail.
      const refusing = extension(transferContributors, {
        name: 'refusing',
        collected: async () => {
          throw new Error('cannot follow the collection');
        },
        removed: async () => {
          throw new Error('cannot follow the removal');
        },
      });
      const failing = {
        ...services,
        extensions: extensionsOf([...capabilities.flatMap((c) => c.extensions ?? []), refusing]),
      };
      const state = () =>
        services.db
          .selectFrom('transfer_files')
          .select(['status', 'collected_at'])
          .where('id', '=', result.id!)
          .executeTakeFirstOrThrow();
      await assert.rejects(downloadFile(failing, receiver.account.user, result.id!, null), /the collection/);
      await assert.rejects(removeFile(failing, school.account.user, result.id!, null), /the removal/);
      assert.deepEqual(await state(), { status: 'delivered', collected_at: null }, 'neither change was kept');
      assert.equal(await removeFile(services, school.account.user, result.id!, null), 'removed');
      assert.equal((await state()).status, 'removed');
    });
  });
}
