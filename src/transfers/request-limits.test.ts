import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { before, describe, it } from 'node:test';
import { buildFileName } from '../ctf/index.js';
import { generateCtfChunks } from '../ctf/generate.js';
import { openSampleEstablishments } from '../establishments/sample-register.js';
import { blobStoreFor, testDatabases } from '../../test/support/databases.js';
import { suiteApp } from '../../test/support/suite-app.js';
import { ctfFile, multipart, tokenFor, upload, type TestFile } from '../../test/support/transfers.js';
import { addUser, csrfFrom, signIn } from '../../test/support/world.js';

const establishments = openSampleEstablishments();

function largeCtf(pupils: number, sequence: number): TestFile {
  const source = establishments.find((e) => e.laestab === '8232003')!;
  const target = establishments.find((e) => e.laestab === '3304101')!;
  const xml = [...generateCtfChunks({ seed: `large-${pupils}`, establishments: [source, target], pupils })].join('');
  return {
    name: buildFileName({ source: '8232003', label: 'CTF', destination: '3304101', sequence }),
    bytes: Buffer.from(xml),
  };
}

function manyFiles(count: number): TestFile[] {
  return Array.from({ length: count }, (_, i) => ctfFile('8232003', '3304101', { seed: `many-${i}`, pupils: 1 }));
}

function assertSecurityHeaders(headers: Record<string, unknown>) {
  assert.match(String(headers['content-security-policy']), /default-src 'self'/);
  assert.equal(headers['x-content-type-options'], 'nosniff');
}

for (const database of await testDatabases()) {
  describe(`request limits (${database.name})`, () => {
    const suite = suiteApp(database, { S2S_BLOB_STORE: blobStoreFor(database) });
    let token: string;

    async function stored() {
      const count = async (table: 'transfer_files' | 'repository_records' | 'ctf_pupils_sent' | 'blob_keys') =>
        Number(
          (
            await suite.services.db
              .selectFrom(table)
              .select((eb) => eb.fn.countAll().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      return {
        files: await count('transfer_files'),
        records: await count('repository_records'),
        sent: await count('ctf_pupils_sent'),
        blobs: await count('blob_keys'),
      };
    }

    before(async () => {
      token = await tokenFor(
        suite.services,
        (await addUser(suite.services, { role: 'school-user', org: '8232003' })).user,
      );
    });

    it('refuses 150 files in one API request with 413 and stores and delivers none of them', async () => {
      const before = await stored();
      const response = await upload(suite.app, token, manyFiles(150));
      assert.equal(response.statusCode, 413);
      assert.equal(response.json().error.code, 'TOO_MANY_FILES');
      assert.match(response.json().error.message, /more than 100 files, so none of them was sent/);
      assert.deepEqual(await stored(), before);
    });

    it('refuses 150 files from the "Send files" form with 413 and stores none of them', async () => {
      const browser = await signIn(
        suite.app,
        suite.services,
        await addUser(suite.services, { role: 'la-admin', org: '823' }),
      );
      const csrf = csrfFrom((await browser.get('/send')).body);
      const { body, contentType } = multipart(manyFiles(150));
      const boundary = contentType.split('boundary=')[1]!;
      const payload = Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${csrf}\r\n`),
        body,
      ]);
      const before = await stored();
      const response = await suite.app.inject({
        method: 'POST',
        url: '/send',
        payload,
        headers: {
          'content-type': contentType,
          cookie: [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        },
      });
      assert.equal(response.statusCode, 413);
      assert.match(response.body, /more than 100 files, so none of them was sent/);
      assertSecurityHeaders(response.headers);
      assert.deepEqual(await stored(), before);
    });

    it('answers the next request on the same keep-alive connection after an over-limit upload', async () => {
      await suite.app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = suite.app.server.address() as AddressInfo;
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      const send = (method: string, path: string, headers: Record<string, string>, body?: Buffer) =>
        new Promise<number>((resolve, reject) => {
          const request = http.request({ host: '127.0.0.1', port, method, path, headers, agent }, (response) => {
            response.resume();
            response.on('end', () => resolve(response.statusCode!));
          });
          // A failure detector, not a measure of speed: the old code left this request waiting about 70 s.
          request.setTimeout(15_000, () => request.destroy(new Error('no answer within 15 s')));
          request.on('error', reject);
          request.end(body);
        });
      try {
        const { body, contentType } = multipart(manyFiles(150));
        const refused = await send(
          'POST',
          '/api/v1/files',
          { authorization: `Bearer ${token}`, 'content-type': contentType, 'content-length': String(body.length) },
          body,
        );
        assert.equal(refused, 413);
        assert.equal(await send('GET', '/healthz', {}), 200);
      } finally {
        agent.destroy();
      }
    });

    it('refuses a 20,000-pupil CTF with 422 naming the limit and its setting, and stores nothing', async () => {
      const before = await stored();
      const response = await upload(suite.app, token, [largeCtf(20_000, 901)]);
      assert.equal(response.statusCode, 422, response.body);
      const [result] = response.json().files;
      assert.equal(result.errors[0].code, 'TOO_MANY_PUPILS');
      assert.match(result.errors[0].message, /20000 pupils, more than the limit of 15000 .*S2S_MAX_PUPILS_PER_FILE/);
      assert.deepEqual(await stored(), before);
    });

    it('stores a 14,000-pupil CTF in full, past the old bind-value ceiling', async () => {
      const before = await stored();
      const response = await upload(suite.app, token, [largeCtf(14_000, 902)]);
      assert.equal(response.statusCode, 201, response.body);
      assert.equal(response.json().files[0].pupils, 14_000);
      const after = await stored();
      assert.equal(after.files, before.files + 1);
      assert.equal(after.sent, before.sent + 14_000);
    });

    it('answers malformed multipart with 400 and the service headers, storing nothing', async () => {
      const before = await stored();
      const { body, contentType } = multipart(manyFiles(1));
      const truncated = await suite.app.inject({
        method: 'POST',
        url: '/api/v1/files',
        payload: body.subarray(0, body.length - 60),
        headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
      });
      assert.equal(truncated.statusCode, 400, truncated.body);
      assert.equal(truncated.json().error.code, 'MALFORMED_UPLOAD');
      assertSecurityHeaders(truncated.headers);
      const badBoundary = await suite.app.inject({
        method: 'POST',
        url: '/api/v1/files',
        payload: body,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'multipart/form-data; boundary=other' },
      });
      assert.equal(badBoundary.statusCode, 400, badBoundary.body);
      assertSecurityHeaders(badBoundary.headers);
      assert.deepEqual(await stored(), before);
    });

    it('answers invalid percent-encoding in the path and query with 400 and the service headers', async () => {
      for (const url of ['/files/%E0%A4%A', '/repository/search?q=%']) {
        const response = await suite.app.inject({ method: 'GET', url });
        assert.equal(response.statusCode, 400, url);
        assert.match(response.body, /Sorry, there is a problem with your request/);
        assertSecurityHeaders(response.headers);
      }
      const api = await suite.app.inject({
        method: 'GET',
        url: '/api/v1/files/%E0%A4%A',
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(api.statusCode, 400);
      assert.equal(api.json().error.code, 'BAD_ADDRESS');
      assertSecurityHeaders(api.headers);
    });
  });
}
