/**
 * Fault tests: a real `s2s serve` node is killed with SIGKILL (as a power cut or the OOM killer stops it) while
 * uploads and a zip are in flight, and started again. Every upload that was answered 201 is collected byte for
 * byte; every upload retried with its Idempotency-Key succeeds once the dead request's lease has run out; the zip
 * finishes exactly once, with no entry reported a duplicate of itself. On a PostgreSQL cluster the test starts
 * itself, and on the embedded database (whose data-directory lock the killed node leaves behind).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ownPostgresUnavailable, startOwnPostgres, type OwnPostgres } from '../../test/support/own-postgres.js';
import { startServeNode, type ServeNode } from '../../test/support/serve-processes.js';
import { waitFor } from '../../test/support/wait-for.js';
import { testServices } from '../../test/support/services.js';
import { ctfFile, makeZip, tokenFor, type TestFile } from '../../test/support/transfers.js';
import { addUser, seedRegister } from '../../test/support/world.js';
import { openPGlite, openPostgres, type OpenedDatabase } from '../platform/database.js';
import type { FileResult } from './file-result.js';
import type { ZipJobAnswer } from './send-files.js';
import type { ZipJob } from './zip-jobs.js';

const unavailable = ownPostgresUnavailable();
if (unavailable && process.env.CI) throw new Error(`CI needs a PostgreSQL cluster of the test's own: ${unavailable}`);

interface Answer {
  /** 0 when no answer came: the connection broke. */
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

interface Deployment {
  name: string;
  skip: string | false;
  /** Opens the node's database for the test's own set-up (users, tokens), before the node runs. */
  open(): Promise<OpenedDatabase>;
  env(): Record<string, string>;
  destroy(): Promise<void>;
}

const deployments: Deployment[] = [
  (() => {
    let cluster: OwnPostgres | undefined;
    let url = '';
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 's2s-killed-pg-'));
    return {
      name: 'PostgreSQL',
      skip: unavailable ? `no PostgreSQL cluster of its own: ${unavailable}` : false,
      async open() {
        cluster = await startOwnPostgres();
        url = await cluster.createDatabase('s2s_killed');
        return openPostgres(url, 2);
      },
      env: () => ({ DATABASE_URL: url, S2S_DATA_DIR: dataDir, S2S_BLOB_STORE: 'postgres' }),
      async destroy() {
        await cluster?.destroy();
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  })(),
  (() => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 's2s-killed-embedded-'));
    return {
      name: 'embedded',
      skip: false,
      open: () => openPGlite(dataDir, 'test set-up'),
      env: () => ({ S2S_DATA_DIR: dataDir }),
      async destroy() {
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  })(),
];

for (const deployment of deployments) {
  describe(`a node killed mid-work (${deployment.name})`, { skip: deployment.skip }, () => {
    let node: ServeNode;
    let env: Record<string, string>;
    const tokens = { school: '', la: '', receiver: '' };

    before(async () => {
      const services = await testServices(await deployment.open());
      try {
        await seedRegister(services);
        const school = await addUser(services, { role: 'school-user', org: '8232003' });
        const la = await addUser(services, { role: 'la-user', org: '823' });
        const receiver = await addUser(services, { role: 'school-user', org: '3304101' });
        tokens.school = await tokenFor(services, school.user);
        tokens.la = await tokenFor(services, la.user);
        tokens.receiver = await tokenFor(services, receiver.user);
      } finally {
        await services.close();
      }
      env = {
        ...deployment.env(),
        S2S_RESERVED_SPACE_MB: '0',
        S2S_ZIP_WAIT_SECONDS: '1',
        // The uploads all come from one user at once, on a machine shared with other tests: none must be shed.
        S2S_MAX_CONCURRENT_UPLOADS: '100',
        S2S_MAX_CONCURRENT_UPLOADS_PER_USER: '100',
        S2S_MAX_CONCURRENT_UPLOADS_PER_ORG: '100',
        S2S_MAX_EVENT_LOOP_DELAY_MS: '60000',
      };
      node = await startServeNode(env);
    });

    after(async () => {
      await node?.kill();
      await deployment.destroy();
    });

    async function call(token: string, url: string, init: RequestInit = {}): Promise<Answer> {
      try {
        const response = await fetch(`${node.url}${url}`, {
          ...init,
          headers: { authorization: `Bearer ${token}`, ...init.headers },
          signal: AbortSignal.timeout(60_000),
        });
        const text = await response.text();
        return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : {} };
      } catch {
        return { status: 0, headers: new Headers(), body: {} };
      }
    }

    function send(token: string, files: TestFile[], key: string): Promise<Answer> {
      const form = new FormData();
      for (const file of files) form.append('file', new Blob([file.bytes]), file.name);
      return call(token, '/api/v1/files', { method: 'POST', body: form, headers: { 'idempotency-key': key } });
    }

    /** Retries as a supplier's MIS does: again after Retry-After while the key is held, until it is answered. */
    async function retry(token: string, files: TestFile[], key: string): Promise<Answer> {
      return waitFor(
        `an answer to the retry of ${key}`,
        async () => {
          const answer = await send(token, files, key);
          assert.ok(answer.status < 500, `no 5xx after recovery: ${answer.status} ${JSON.stringify(answer.body)}`);
          if (answer.status !== 409) return answer;
          await sleep(Number(answer.headers.get('retry-after') ?? 1) * 1000);
          return undefined;
        },
        60,
      );
    }

    async function restart(): Promise<void> {
      await node.kill();
      node = await startServeNode(env, { port: node.port });
    }

    async function sentNames(token: string): Promise<string[]> {
      const sent = await call(token, '/api/v1/sent');
      return (sent.body.files as Array<{ fileName: string }>).map((f) => f.fileName);
    }

    it('keeps every answered upload, and lets every upload be retried with its key', { timeout: 240_000 }, async () => {
      const files = Array.from({ length: 24 }, (_, i) =>
        ctfFile('8232003', '3304101', { pupils: 150, seed: `killed-upload-${i}` }),
      );
      const key = (i: number) => `killed-upload-${i}`;
      // Killed the moment the second answer arrives, with the other uploads still being read and stored.
      let answered = 0;
      let killed: Promise<void> | undefined;
      const first = await Promise.all(
        files.map((file, i) =>
          send(tokens.school, [file], key(i)).then((answer) => {
            if (answer.status !== 0 && ++answered === 2) killed = node.kill();
            return answer;
          }),
        ),
      );
      await killed;
      const cut = first.filter((a) => a.status === 0).length;
      assert.ok(cut > 0, `some uploads were still in flight when the node was killed: ${first.map((a) => a.status)}`);
      for (const answer of first) assert.ok([0, 201].includes(answer.status), `answered ${answer.status}`);

      node = await startServeNode(env, { port: node.port });
      for (const [i, answer] of first.entries()) {
        if (answer.status !== 201) continue;
        const [result] = answer.body.files as FileResult[];
        const content = await fetch(`${node.url}/api/v1/files/${result!.id}/content`, {
          headers: { authorization: `Bearer ${tokens.receiver}` },
        });
        assert.equal(content.status, 200);
        assert.ok(Buffer.from(await content.arrayBuffer()).equals(files[i]!.bytes), 'collected byte for byte');
      }

      const retried = await Promise.all(files.map((file, i) => retry(tokens.school, [file], key(i))));
      for (const [i, answer] of retried.entries()) {
        assert.equal(answer.status, 201, `the retry of upload ${i}: ${JSON.stringify(answer.body)}`);
        if (first[i]!.status === 201) assert.deepEqual(answer.body, first[i]!.body, 'the first answer, replayed');
        else assert.equal((answer.body.files as FileResult[])[0]!.status, 'delivered');
      }
      const names = await sentNames(tokens.school);
      for (const file of files) assert.equal(names.filter((n) => n === file.name).length, 1, 'stored once');
      console.log(`# ${deployment.name}: ${24 - cut} of 24 uploads answered before the kill, ${cut} cut off`);
    });

    it(
      'finishes a zip it was unpacking exactly once, no entry a duplicate of itself',
      { timeout: 240_000 },
      async () => {
        const destinations = ['3304101', '9092201', '823LLLL', '9404301'];
        const entries = Array.from({ length: 400 }, (_, i) =>
          ctfFile('8232003', destinations[i % destinations.length]!, { pupils: 1, seed: `killed-zip-${i}` }),
        );
        const zip = { name: 'killed.zip', bytes: makeZip(entries.map((e) => ({ name: e.name, data: e.bytes }))) };
        const sent = await send(tokens.la, [zip], 'killed-zip');
        assert.equal(sent.status, 202, JSON.stringify(sent.body));
        const { id } = (sent.body.jobs as ZipJobAnswer[])[0]!;
        const job = async () => (await call(tokens.la, `/api/v1/jobs/${id}`)).body as unknown as ZipJob;
        const partWay = await waitFor(
          'the zip to be part-way',
          async () => {
            const now = await job();
            return now.filesJudged >= 40 && now;
          },
          120,
        );
        await restart();
        assert.equal(partWay.state, 'unpacking');
        assert.ok(partWay.filesJudged < entries.length, 'killed while the zip was part-way');

        const killedAt = Date.now();
        const done = await waitFor('the zip to finish', async () => {
          const now = await job();
          return now.state === 'done' && now;
        });
        const files = done.files;
        assert.equal(files.length, entries.length);
        assert.deepEqual(
          files.map((f) => f.fileName),
          entries.map((e) => `killed.zip/${e.name}`),
        );
        const refused = files.filter((f) => f.status === 'rejected');
        assert.deepEqual(
          refused.map((f) => f.errors),
          [],
          'no entry refused, none as a duplicate',
        );
        assert.ok(
          files.filter((f) => f.duplicateOf).length <= 1,
          'at most the entry in flight, stored before the kill',
        );
        const names = await sentNames(tokens.la);
        for (const entry of entries) assert.equal(names.filter((n) => n === entry.name).length, 1, 'stored once');
        console.log(
          `# ${deployment.name}: zip killed after ${partWay.filesJudged} of ${entries.length} entries, done ` +
            `${((Date.now() - killedAt) / 1000).toFixed(1)} s after the restart`,
        );
      },
    );
  });
}
