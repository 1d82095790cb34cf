import assert from 'node:assert/strict';
import net, { type AddressInfo } from 'node:net';
import { before, describe, it } from 'node:test';
import { createRandom } from '../ctf/random.js';
import { testDatabases } from '../../test/support/databases.js';
import { suiteApp } from '../../test/support/suite-app.js';
import { ctfFile, tokenFor } from '../../test/support/transfers.js';
import { addUser } from '../../test/support/world.js';

const boundary = 'fuzz-boundary';
const ctf = ctfFile('8232003', '3304101', { seed: 'fuzz', pupils: 1 });

/** A part with the given header lines and body, in a body with the usual boundary. */
function part(headers: string[], body: Buffer | string = ctf.bytes): Buffer {
  return Buffer.concat([Buffer.from(`--${boundary}\r\n${headers.join('\r\n')}\r\n\r\n`), Buffer.from(body)]);
}
const closing = Buffer.from(`\r\n--${boundary}--\r\n`);
const fileHeader = (name: string, filename: string) =>
  `Content-Disposition: form-data; name="${name}"; filename="${filename}"`;

/**
 * Malformed multipart bodies of the kinds a fuzzer (or a broken client library) sends. Each must be answered with a
 * 4xx whose message says what is wrong, or judged file by file; never a 5xx.
 */
const cases: { name: string; contentType: string; body: Buffer }[] = [
  {
    name: 'no boundary',
    contentType: 'multipart/form-data',
    body: Buffer.concat([part([fileHeader('file', ctf.name)]), closing]),
  },
  { name: 'an empty boundary', contentType: 'multipart/form-data; boundary=', body: Buffer.from('--\r\n\r\n--') },
  {
    name: 'a boundary of 5,000 characters',
    contentType: `multipart/form-data; boundary=${'b'.repeat(5000)}`,
    body: Buffer.from(
      `--${'b'.repeat(5000)}\r\n${fileHeader('file', ctf.name)}\r\n\r\nx\r\n--${'b'.repeat(5000)}--\r\n`,
    ),
  },
  {
    name: 'a body that is not multipart',
    contentType: `multipart/form-data; boundary=${boundary}`,
    body: Buffer.from('just some text'),
  },
  { name: 'an empty body', contentType: `multipart/form-data; boundary=${boundary}`, body: Buffer.alloc(0) },
  {
    name: 'no closing boundary',
    contentType: `multipart/form-data; boundary=${boundary}`,
    body: part([fileHeader('file', ctf.name)]),
  },
  {
    name: 'a part cut off in its headers',
    contentType: `multipart/form-data; boundary=${boundary}`,
    body: Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filena`),
  },
  {
    name: 'a part without Content-Disposition',
    contentType: `multipart/form-data; boundary=${boundary}`,
    body: Buffer.concat([part(['Content-Type: application/xml']), closing]),
  },
  {
    name: 'a field name of 100,000 characters',
    contentType: `multipart/form-data; boundary=${boundary}`,
    body: Buffer.concat([part([fileHeader('f'.repeat(100_000), ctf.name)]), closing]),
  },
  {
    name: 'a file name of 100,000 characters',
    contentType: `multipart/form-data; boundary=${boundary}`,
    body: Buffer.concat([part([fileHeader('file', `${'n'.repeat(100_000)}.XML`)]), closing]),
  },
  {
    name: 'a part header line of 1 MB',
    contentType: `multipart/form-data; boundary=${boundary}`,
    body: Buffer.concat([part([fileHeader('file', ctf.name), `X-Padding: ${'p'.repeat(1024 * 1024)}`]), closing]),
  },
  {
    name: '5,000 part headers',
    contentType: `multipart/form-data; boundary=${boundary}`,
    body: Buffer.concat([
      part([fileHeader('file', ctf.name), ...Array.from({ length: 5000 }, (_, i) => `X-H${i}: v`)]),
      closing,
    ]),
  },
  {
    name: 'a file name with control characters and a path',
    contentType: `multipart/form-data; boundary=${boundary}`,
    body: Buffer.concat([part([fileHeader('file', `..\\..\\etc/\u0000\u0007${ctf.name}`)]), closing]),
  },
  {
    name: 'an empty file name',
    contentType: `multipart/form-data; boundary=${boundary}`,
    body: Buffer.concat([part([fileHeader('file', '')]), closing]),
  },
  {
    name: 'a badly encoded filename*',
    contentType: `multipart/form-data; boundary=${boundary}`,
    body: Buffer.concat([
      part([`Content-Disposition: form-data; name="file"; filename*=UTF-8''%E0%A4%A%ZZ.XML`]),
      closing,
    ]),
  },
  {
    name: 'only a text field, no file',
    contentType: `multipart/form-data; boundary=${boundary}`,
    body: Buffer.concat([part(['Content-Disposition: form-data; name="note"'], 'hello'), closing]),
  },
  {
    name: 'a text field of 5 MB',
    contentType: `multipart/form-data; boundary=${boundary}`,
    body: Buffer.concat([part(['Content-Disposition: form-data; name="note"'], 'x'.repeat(5 * 1024 * 1024)), closing]),
  },
  {
    name: '2,000 empty parts',
    contentType: `multipart/form-data; boundary=${boundary}`,
    body: Buffer.concat([...Array.from({ length: 2000 }, () => part([fileHeader('file', 'a.XML')], '')), closing]),
  },
  {
    name: 'a content type with junk parameters',
    contentType: `multipart/form-data; boundary="${boundary}"; charset=%%%; ${'x=y; '.repeat(2000)}`,
    body: Buffer.concat([part([fileHeader('file', ctf.name)]), closing]),
  },
];

/** Seeded mutations of a well-formed upload: bytes changed, cut, repeated, or boundary and header pieces spliced in. */
function* mutations(seed: string, count: number): Generator<{ name: string; body: Buffer }> {
  const random = createRandom(seed);
  const valid = Buffer.concat([part([fileHeader('file', ctf.name), 'Content-Type: application/xml']), closing]);
  const pieces = [
    '\r\n',
    `--${boundary}`,
    `--${boundary}--`,
    '\r\n\r\n',
    'Content-Disposition: form-data',
    '"',
    ';',
    '\u0000',
  ];
  for (let i = 0; i < count; i++) {
    let body = Buffer.from(valid);
    const steps: string[] = [];
    for (let k = 1 + random.int(3); k > 0; k--) {
      const at = random.int(body.length + 1);
      const kind = random.pick(['flip', 'cut', 'splice', 'repeat'] as const);
      steps.push(`${kind}@${at}`);
      if (kind === 'flip' && at < body.length) body[at] = random.int(256);
      else if (kind === 'cut') body = body.subarray(0, at);
      else if (kind === 'splice')
        body = Buffer.concat([body.subarray(0, at), Buffer.from(random.pick(pieces)), body.subarray(at)]);
      else
        body = Buffer.concat([body.subarray(0, at), body.subarray(at, at + 200 + random.int(2000)), body.subarray(at)]);
    }
    yield { name: steps.join(' '), body };
  }
}

const [database] = await testDatabases();

describe(`malformed multipart uploads (${database!.name})`, () => {
  const suite = suiteApp(database!, {});
  let token: string;
  before(async () => {
    token = await tokenFor(
      suite.services,
      (await addUser(suite.services, { role: 'school-user', org: '8232003' })).user,
    );
  });

  for (const c of cases) {
    it(`answers ${c.name} without a server error, saying what is wrong`, async () => {
      const response = await suite.app.inject({
        method: 'POST',
        url: '/api/v1/files',
        payload: c.body,
        headers: { authorization: `Bearer ${token}`, 'content-type': c.contentType },
      });
      assert.ok(response.statusCode < 500, `${response.statusCode}: ${response.body.slice(0, 300)}`);
      if (response.statusCode < 400 && response.statusCode !== 207) return;
      const answer = response.json() as {
        error?: { code: string; message: string };
        files?: { errors?: { code: string; message: string }[] }[];
      };
      const messages = answer.error
        ? [answer.error.message]
        : (answer.files ?? []).flatMap((f) => (f.errors ?? []).map((e) => e.message));
      assert.ok(messages.length > 0, response.body.slice(0, 300));
      for (const message of messages) {
        assert.ok(message.length > 10 && message.length < 600, message);
        assert.doesNotMatch(message, /\bat [\w.]+ \(|node_modules|TypeError|undefined/);
      }
    });
  }

  /** Sends raw bytes on a real connection (the HTTP parser's own limits apply there) and reads the whole answer. */
  const sendRaw = async (request: Buffer): Promise<{ status: number; body: string }> => {
    if (!suite.app.server.listening) await suite.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = suite.app.server.address() as AddressInfo;
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1');
      let received = '';
      socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
      socket.on('close', () => resolve(received));
      socket.on('error', (error) => (received ? resolve(received) : reject(error)));
      // A failure detector, not a measure of speed.
      socket.setTimeout(15_000, () => socket.destroy(new Error('no answer within 15 s')));
      socket.end(request);
    });
    return { status: Number(answer.slice(9, 12)), body: answer.slice(answer.indexOf('\r\n\r\n') + 4) };
  };
  const unreadable = [
    { name: 'headers of 200 KB', padding: `X-Padding: ${'h'.repeat(200_000)}`, status: 431, code: 'HEADERS_TOO_LARGE' },
    { name: 'a malformed header line', padding: 'Not a header line', status: 400, code: 'MALFORMED_REQUEST' },
  ];
  for (const u of unreadable) {
    it(`answers ${u.name}, which HTTP cannot read, with ${u.status} in the API's error shape`, async () => {
      const body = Buffer.concat([part([fileHeader('file', ctf.name)]), closing]);
      const head = [
        'POST /api/v1/files HTTP/1.1',
        'Host: 127.0.0.1',
        `Authorization: Bearer ${token}`,
        `Content-Type: multipart/form-data; boundary=${boundary}`,
        `Content-Length: ${body.length}`,
        u.padding,
      ].join('\r\n');
      const answer = await sendRaw(Buffer.concat([Buffer.from(`${head}\r\n\r\n`), body]));
      assert.equal(answer.status, u.status, answer.body);
      const { error } = JSON.parse(answer.body) as { error: { code: string; message: string } };
      assert.equal(error.code, u.code);
      assert.ok(error.message.length > 20, error.message);
    });
  }

  it('answers 300 seeded mutations of a well-formed upload without a server error', async () => {
    const statuses = new Map<number, number>();
    for (const mutated of mutations('multipart-fuzz', 300)) {
      const response = await suite.app.inject({
        method: 'POST',
        url: '/api/v1/files',
        payload: mutated.body,
        headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
      });
      assert.ok(response.statusCode < 500, `${mutated.name}: ${response.statusCode} ${response.body.slice(0, 300)}`);
      statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
    }
    // Some mutations must have been refused, or the fuzzing tried nothing.
    assert.ok(
      [...statuses.keys()].some((status) => status >= 400),
      JSON.stringify([...statuses]),
    );
  });
});
