import assert from 'node:assert/strict';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { testDatabases } from '../../test/support/databases.js';
import { suiteApp } from '../../test/support/suite-app.js';
import { metricValue } from '../../test/support/metrics.js';
import { ctfFile, tokenFor, upload } from '../../test/support/transfers.js';
import { addUser, csrfFrom, signIn } from '../../test/support/world.js';
import { uploadGateFor } from './upload-support.js';

const [database] = await testDatabases();

/** Starts an upload whose body then trickles (a byte every `everyMs`) until the socket is closed by either side. */
function trickle(port: number, token: string, everyMs: number) {
  const socket = net.connect(port, '127.0.0.1');
  const boundary = 'trickle';
  socket.write(
    `POST /api/v1/files HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\n` +
      `Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: 10000000\r\n\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="8232003_CTF_3304101_001.XML"\r\n` +
      'Content-Type: application/xml\r\n\r\n<?xml version="1.0"?>',
  );
  const timer = setInterval(() => socket.write('<'), everyMs);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => undefined);
  closed.then(
    () => clearInterval(timer),
    () => undefined,
  );
  return {
    closed,
    end: () => {
      clearInterval(timer);
      socket.destroy();
    },
  };
}

async function until(condition: () => boolean, what: string) {
  for (let i = 0; i < 200 && !condition(); i++) await sleep(50);
  assert.ok(condition(), `timed out waiting: ${what}`);
}

describe('uploads trickled by one user', () => {
  const suite = suiteApp(database!, {
    S2S_MAX_CONCURRENT_UPLOADS_PER_USER: '2',
    S2S_MAX_CONCURRENT_UPLOADS_PER_ORG: '3',
    // Judged over an hour, so that only the per-user and per-organisation bounds are under test here.
    S2S_SLOW_BODY_WINDOW_SECONDS: '3600',
  });

  it('hold at most their share of the slots: the same user and organisation get 429, others still send', async () => {
    await suite.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = suite.app.server.address() as AddressInfo;
    const trickler = await addUser(suite.services, { role: 'school-user', org: '8232003' });
    const colleague = await addUser(suite.services, { role: 'school-user', org: '8232003' });
    const elsewhere = await addUser(suite.services, { role: 'school-user', org: '3304101' });
    const token = await tokenFor(suite.services, trickler.user);
    const gate = uploadGateFor(suite.services);
    const held = [trickle(port, token, 500), trickle(port, token, 500)];
    try {
      await until(() => gate.active === 2, 'both trickled uploads to be in progress');
      const third = await upload(suite.app, token, [ctfFile('8232003', '3304101', { seed: 'third' })]);
      assert.equal(third.statusCode, 429, third.body);
      assert.equal(third.json().error.code, 'TOO_MANY_UPLOADS');
      assert.equal(third.headers['retry-after'], '10');
      assert.match(third.json().error.message, /^You already have/);

      const colleagueToken = await tokenFor(suite.services, colleague.user);
      const first = await upload(suite.app, colleagueToken, [ctfFile('8232003', '3304101', { seed: 'colleague' })]);
      assert.equal(first.statusCode, 201, 'a colleague may still send while the organisation has room');
      held.push(trickle(port, colleagueToken, 500));
      await until(() => gate.active === 3, 'the colleague’s trickled upload to be in progress');
      const orgFull = await upload(suite.app, colleagueToken, [ctfFile('8232003', '3304101', { seed: 'org' })]);
      assert.equal(orgFull.statusCode, 429);
      assert.match(orgFull.json().error.message, /^Your organisation already has/);

      const other = await upload(suite.app, await tokenFor(suite.services, elsewhere.user), [
        ctfFile('3304101', '8232003', { seed: 'elsewhere' }),
      ]);
      assert.equal(other.statusCode, 201, 'another school’s upload goes through');
      const refusals = await metricValue(suite.services.metrics, 's2s_refusals_total', { code: 'TOO_MANY_UPLOADS' });
      assert.equal(refusals, 2, 'each 429 is counted for the operator');
    } finally {
      for (const h of held) h.end();
    }
    await until(() => gate.active === 0, 'the slots to be given back when the trickling connections close');
  });
});

describe('a body that trickles', () => {
  const suite = suiteApp(database!, { S2S_MIN_BODY_BYTES_PER_SECOND: '1000', S2S_SLOW_BODY_WINDOW_SECONDS: '2' });

  it('is disconnected, and its slot given back', async () => {
    await suite.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = suite.app.server.address() as AddressInfo;
    const sender = await addUser(suite.services, { role: 'school-user', org: '8232003' });
    const token = await tokenFor(suite.services, sender.user);
    const slow = trickle(port, token, 200);
    const gave = await Promise.race([slow.closed.then(() => 'closed'), sleep(20_000).then(() => 'still open')]);
    slow.end();
    assert.equal(gave, 'closed', 'the service closes a connection whose body arrives at 5 bytes a second');
    assert.equal(await metricValue(suite.services.metrics, 's2s_slow_bodies_disconnected_total'), 1);
    await until(() => uploadGateFor(suite.services).active === 0, 'the slot to be given back');
    const sent = await upload(suite.app, token, [ctfFile('8232003', '3304101', { seed: 'after' })]);
    assert.equal(sent.statusCode, 201, 'a body sent at full speed is untouched');
  });
});

describe('the upload gate', () => {
  const suite = suiteApp(database!, {
    S2S_MAX_CONCURRENT_UPLOADS: '1',
    S2S_SLOW_BODY_WINDOW_SECONDS: '3600',
  });

  it('is one per process: an API upload in progress takes the slot the upload page would use', async () => {
    await suite.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = suite.app.server.address() as AddressInfo;
    const trickler = await addUser(suite.services, { role: 'school-user', org: '8232003' });
    const held = trickle(port, await tokenFor(suite.services, trickler.user), 500);
    try {
      await until(() => uploadGateFor(suite.services).active === 1, 'the API upload to be in progress');
      const browser = await signIn(
        suite.app,
        suite.services,
        await addUser(suite.services, { role: 'la-admin', org: '823' }),
      );
      const file = ctfFile('8232003', '3304101', { seed: 'page-while-api' });
      const boundary = 'page';
      const payload = Buffer.concat([
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${csrfFrom((await browser.get('/send')).body)}\r\n` +
            `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\n\r\n`,
        ),
        file.bytes,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
      const page = await suite.app.inject({
        method: 'POST',
        url: '/send',
        payload,
        headers: {
          'content-type': `multipart/form-data; boundary=${boundary}`,
          cookie: [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        },
      });
      assert.equal(page.statusCode, 503, 'the page finds the one slot taken by the API');
    } finally {
      held.end();
    }
    await until(() => uploadGateFor(suite.services).active === 0, 'the slot to be given back');
  });
});
