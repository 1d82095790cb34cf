import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
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

/** The status and headers of each whole answer in `received`, skipping bodies by their content-length. */
function answersIn(received: Buffer): Array<{ status: number; headers: string }> {
  const answers: Array<{ status: number; headers: string }> = [];
  let at = 0;
  for (;;) {
    const end = received.indexOf('\r\n\r\n', at);
    if (end < 0) return answers;
    const head = received.subarray(at, end).toString('latin1');
    const length = Number(/^content-length: *(\d+)/im.exec(head)?.[1] ?? 0);
    if (received.length < end + 4 + length) return answers;
    answers.push({ status: Number(head.slice(9, 12)), headers: head });
    at = end + 4 + length;
  }
}

/**
 * Sends one request, its body in 64 KB writes each waiting for the socket to take it, then a GET on the same
 * connection, and resolves with both answers. A connection on which nothing moves for 10 s fails, as does one the
 * server closes: the old code stopped reading a refused upload's body, so the client could not finish sending and
 * the next request waited about 70 s for the idle timeout.
 */
function twoOnOneConnection(port: number, head: string, body: Buffer) {
  return new Promise<Array<{ status: number; headers: string }>>((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = Buffer.alloc(0);
    const fail = (problem: string) => {
      socket.destroy();
      const answers = answersIn(received).map((a) => a.status);
      reject(new Error(`${problem} (answers so far: ${answers.join(', ') || 'none'})`));
    };
    socket.setTimeout(10_000, () => fail('nothing moved on the connection for 10 s'));
    socket.on('error', (error) => fail(`the connection failed: ${error.message}`));
    socket.on('close', () => fail('the server closed the connection'));
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      const answers = answersIn(received);
      if (answers.length < 2) return;
      socket.removeAllListeners('close');
      socket.destroy();
      resolve(answers);
    });
    const write = (bytes: Buffer | string) => new Promise<void>((done) => socket.write(bytes, () => done()));
    void (async () => {
      await write(head);
      for (let at = 0; at < body.length && !socket.destroyed; at += 64 * 1024)
        await write(body.subarray(at, at + 64 * 1024));
      if (!socket.destroyed) await write('GET /healthz HTTP/1.1\r\nHost: s2s.test\r\n\r\n');
    })();
  });
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
          // A failure detector, not a measure of speed.
          request.setTimeout(15_000, () => request.destroy(new Error('no answer within 15 s')));
          request.on('error', reject);
          request.on('socket', () => reused.push(request.reusedSocket));
          request.end(body);
        });
      const reused: boolean[] = [];
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
        assert.deepEqual(reused, [false, true], 'the second request went on the same connection');
      } finally {
        agent.destroy();
      }
    });

    it('keeps reading a page upload refused before its files were read, so the connection stays usable', async () => {
      // A wrong CSRF token is refused at the first file, leaving the rest of a 16 MB body unread by the parser.
      const browser = await signIn(
        suite.app,
        suite.services,
        await addUser(suite.services, { role: 'la-admin', org: '823' }),
      );
      const cookie = [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
      if (!suite.app.server.listening) await suite.app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = suite.app.server.address() as AddressInfo;
      const form = (csrf: string, files: TestFile[]) => {
        const { body, contentType } = multipart(files);
        const boundary = contentType.split('boundary=')[1]!;
        const payload = Buffer.concat([
          Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${csrf}\r\n`),
          body,
        ]);
        const head =
          `POST /send HTTP/1.1\r\nHost: s2s.test\r\nCookie: ${cookie}\r\nContent-Type: ${contentType}\r\n` +
          `Content-Length: ${payload.length}\r\n\r\n`;
        return [head, payload] as const;
      };
      const big = { name: '8232003_CTF_3304101_001.XML', bytes: Buffer.alloc(16 * 1024 * 1024, 'x') };
      const [forged, next] = await twoOnOneConnection(port, ...form('x'.repeat(43), [big]));
      assert.equal(forged!.status, 403);
      assert.doesNotMatch(forged!.headers, /^connection: close/im);
      assert.equal(next!.status, 200);

      const csrf = csrfFrom((await browser.get('/send')).body);
      const many = Array.from({ length: 150 }, (_, i) => ({
        ...big,
        name: `8232003_CTF_3304101_${i}.XML`,
        bytes: Buffer.alloc(100_000, 'x'),
      }));
      const [tooMany, after] = await twoOnOneConnection(port, ...form(csrf, many));
      assert.equal(tooMany!.status, 413);
      assert.equal(after!.status, 200);
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
