import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { apiActor, apiGet, type Actor } from '../../test/support/api.js';
import { testDatabases } from '../../test/support/databases.js';
import { testServices } from '../../test/support/services.js';
import { ctfFile, upload } from '../../test/support/transfers.js';
import { addUser, seedRegister, signIn, type Browser, type TestServices } from '../../test/support/world.js';
import { buildApp } from '../app/app.js';
import { makeUpn } from '../ctf/upn.js';
import type { FileResult } from '../transfers/file-result.js';
import { identityCaution, identityDigest, normalisedSurname } from './pupil-identities.js';

const WARNING =
  'One pupil in this file has a UPN that s2s has seen before with a different name or date of birth. Check the pupil’s identity before importing.';

// Hand-made UPNs (serials from 700) that no generated pupil of these schools has.
const ada = {
  forename: 'Ada',
  surname: 'Quill',
  dateOfBirth: '2016-05-17',
  sex: 'F' as const,
  upn: makeUpn('823200316700'),
};
const ben = {
  forename: 'Ben',
  surname: 'Rowntree',
  dateOfBirth: '2015-01-09',
  sex: 'M' as const,
  upn: makeUpn('823200316701'),
};

interface InboxEntry {
  id: string;
  cautions: Array<{ code: string; message: string }>;
}

describe('a pupil’s identity digest', () => {
  const key = Buffer.alloc(32, 7);
  it('is the same for the same surname however an MIS writes it, and differs for another surname or birthday', () => {
    assert.equal(normalisedSurname(' O’Brien-Smith '), 'OBRIENSMITH');
    assert.equal(normalisedSurname('Nováková'), 'NOVAKOVA');
    const digest = identityDigest(key, 'O’Brien-Smith', '2015-01-09');
    assert.ok(digest.equals(identityDigest(key, "o'brien smith", '2015-01-09')));
    assert.ok(!digest.equals(identityDigest(key, 'OBrien', '2015-01-09')));
    assert.ok(!digest.equals(identityDigest(key, 'O’Brien-Smith', '2015-01-10')));
    assert.ok(!digest.equals(identityDigest(Buffer.alloc(32, 8), 'O’Brien-Smith', '2015-01-09')), 'keyed');
  });

  it('is warned of with a count when more than one pupil is', () => {
    assert.equal(
      identityCaution(3).message,
      '3 pupils in this file have UPNs that s2s has seen before with a different name or date of birth. Check these pupils’ identities before importing.',
    );
  });
});

for (const database of await testDatabases()) {
  describe(`a UPN seen before with another identity (${database.name})`, () => {
    let services: TestServices & { close(): Promise<void> };
    let app: FastifyInstance;
    let hollins: Actor; // 8232003
    let brackenford: Actor; // 3304101
    let receiver: Browser; // an office at 3304101, signed in

    const send = async (who: Actor, source: string, destination: string, people: Array<Record<string, string>>) => {
      const response = await upload(app, who.token, [ctfFile(source, destination, { people })]);
      assert.equal(response.statusCode, 201, response.body);
      return (response.json().files as FileResult[])[0]!;
    };
    const cautionCodes = (r: FileResult) => (r.cautions ?? []).map((w) => w.code);

    before(async () => {
      services = await testServices(await database.open());
      await seedRegister(services);
      app = await buildApp(services);
      hollins = await apiActor(services, 'school-user', '8232003');
      brackenford = await apiActor(services, 'school-user', '3304101');
      receiver = await signIn(app, services, await addUser(services, { role: 'school-user', org: '3304101' }));
    });
    after(async () => {
      await app.close();
      await services.close();
    });

    it('says nothing of a UPN seen first, or seen again with the same surname and date of birth', async () => {
      const first = await send(hollins, '8232003', '8232004', [ada, ben]);
      assert.deepEqual(cautionCodes(first), []);
      // Case, accents and hyphens are not a different name.
      const again = await send(hollins, '8232003', '3304101', [{ ...ada, surname: 'QUÍLL', forename: 'Adaline' }]);
      assert.deepEqual(cautionCodes(again), []);
      const inbox = (await apiGet(app, brackenford, '/api/v1/inbox')).json().files as InboxEntry[];
      assert.deepEqual(inbox.find((f) => f.id === again.id)?.cautions, []);
      const page = await receiver.get(`/files/${again.id}`);
      assert.equal(page.statusCode, 200);
      assert.ok(!page.body.includes('has seen before'));
    });

    it('warns the sender and the receiving school when the UPN comes with another name or date of birth', async () => {
      const otherName = await send(hollins, '8232003', '3304101', [{ ...ada, surname: 'Marsh' }]);
      assert.deepEqual(otherName.cautions, [{ code: 'UPN_SEEN_WITH_OTHER_IDENTITY', message: WARNING }]);
      const otherBirthday = await send(hollins, '8232003', '3304101', [ada, { ...ben, dateOfBirth: '2015-01-10' }]);
      assert.deepEqual(cautionCodes(otherBirthday), ['UPN_SEEN_WITH_OTHER_IDENTITY']);

      const inbox = (await apiGet(app, brackenford, '/api/v1/inbox')).json().files as InboxEntry[];
      assert.deepEqual(
        inbox.find((f) => f.id === otherName.id)?.cautions.map((c) => c.message),
        [WARNING],
      );
      const listing = await receiver.get('/inbox');
      assert.ok(listing.body.includes(WARNING), 'the inbox shows it');
      const page = await receiver.get(`/files/${otherName.id}`);
      assert.ok(page.body.includes(WARNING), 'the file’s page shows it');
      const office = await signIn(app, services, await addUser(services, { role: 'school-user', org: '8232003' }));
      const sentList = await office.get('/sent');
      assert.ok(sentList.body.includes(WARNING), 'the sender’s list of sent files shows it');
      // Never the other name, nor where it was seen.
      assert.ok(!page.body.includes('Quill') && !page.body.includes('8232004'));
    });

    it('holds nothing against a file of a CTF its sender removed', async () => {
      const cara = {
        forename: 'Cara',
        surname: 'Spindle',
        dateOfBirth: '2014-03-02',
        sex: 'F',
        upn: makeUpn('823200316702'),
      };
      const mistaken = await send(hollins, '8232003', '3304101', [{ ...cara, surname: 'Spindel' }]);
      const removed = await app.inject({
        method: 'DELETE',
        url: `/api/v1/files/${mistaken.id}`,
        headers: { authorization: `Bearer ${hollins.token}` },
      });
      assert.equal(removed.statusCode, 204, removed.body);
      assert.deepEqual(cautionCodes(await send(hollins, '8232003', '3304101', [cara])), []);
      // While the one before it stands, the correction is flagged.
      const dan = {
        forename: 'Dan',
        surname: 'Tolley',
        dateOfBirth: '2014-04-02',
        sex: 'M',
        upn: makeUpn('823200316703'),
      };
      await send(hollins, '8232003', '3304101', [{ ...dan, surname: 'Tolly' }]);
      assert.deepEqual(cautionCodes(await send(hollins, '8232003', '3304101', [dan])), [
        'UPN_SEEN_WITH_OTHER_IDENTITY',
      ]);
    });

    it('keeps only keyed digests of who each pupil was', async () => {
      const rows = await services.db.selectFrom('ctf_pupils_sent').select('identity_digest').execute();
      assert.ok(rows.length > 0 && rows.every((r) => r.identity_digest?.length === 32));
      const adaDigest = identityDigest(services.keys.pupilIndexKey, ada.surname, ada.dateOfBirth);
      assert.ok(rows.some((r) => r.identity_digest!.equals(adaDigest)));
      assert.ok(!rows.some((r) => r.identity_digest!.includes(Buffer.from('QUILL'))));
    });
  });
}
