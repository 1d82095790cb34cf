/**
 * A .zip whose unpacking outlives its upload request: the request waits S2S_ZIP_WAIT_SECONDS, then answers 202
 * with the job to follow (and whatever its plain files got), on the API and on the upload page. The bulk workers
 * are held back while a zip is sent, so the zip is certain to be still waiting when the request answers.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { testDatabases } from '../../test/support/databases.js';
import { suiteApp } from '../../test/support/suite-app.js';
import { ctfFile, makeZip, multipart, tokenFor, upload } from '../../test/support/transfers.js';
import { addUser, csrfFrom, signIn, type Browser } from '../../test/support/world.js';
import type { FileResult } from './file-result.js';
import type { ZipJobAnswer } from './send-files.js';

const [database] = await testDatabases();

describe('zips that outlive their upload request', () => {
  const suite = suiteApp(database!, { S2S_ZIP_WAIT_SECONDS: '1' });
  let token: string;
  let page: Browser;

  before(async () => {
    const account = await addUser(suite.services, { role: 'school-user', org: '8232003' });
    token = await tokenFor(suite.services, account.user);
    page = await signIn(suite.app, suite.services, account);
  });

  const zipOf = (seed: string, destinations: string[]) =>
    makeZip(
      destinations.map((to, i) => {
        const file = ctfFile('8232003', to, { pupils: 1, seed: `${seed}-${i}` });
        return { name: file.name, data: file.bytes };
      }),
    );

  /** Sends with the bulk workers stopped, then starts them again. */
  async function whileWorkersStopped<T>(send: () => Promise<T>): Promise<T> {
    await suite.services.jobs.stop();
    try {
      return await send();
    } finally {
      suite.services.jobs.start(suite.services.config.bulkWorkers);
    }
  }

  async function whenDone(jobId: string): Promise<{ state: string; files: FileResult[] }> {
    const finished = await suite.services.jobs.waitFor(jobId, 60_000);
    assert.equal(finished.state, 'done');
    const answer = await suite.app.inject({
      url: `/api/v1/jobs/${jobId}`,
      headers: { authorization: `Bearer ${token}` },
    });
    return answer.json() as { state: string; files: FileResult[] };
  }

  it(
    'answers 202 with the job, its status address and the plain files’ results, and replays it',
    { timeout: 60_000 },
    async () => {
      const plain = ctfFile('8232003', '9404301', { pupils: 2, seed: 'beside-the-zip' });
      const zip = { name: 'slow.zip', bytes: zipOf('slow', ['3304101', '9092201', '823LLLL']) };
      const key = { 'idempotency-key': 'slow-zip-1' };
      const sent = await whileWorkersStopped(() => upload(suite.app, token, [zip, plain], key));
      assert.equal(sent.statusCode, 202, sent.body);
      const { files, jobs } = sent.json() as { files: FileResult[]; jobs: ZipJobAnswer[] };
      assert.equal(jobs.length, 1);
      const job = jobs[0]!;
      assert.deepEqual(job, { id: job.id, zipName: 'slow.zip', state: 'waiting', statusUrl: `/api/v1/jobs/${job.id}` });
      assert.equal(sent.headers.location, job.statusUrl);
      assert.deepEqual(
        files.map((f) => [f.fileName, f.status]),
        [[plain.name, 'delivered']],
        'the plain file is judged at once; the zip’s files are at its status address',
      );

      const done = await whenDone(job.id);
      assert.equal(done.state, 'done');
      assert.deepEqual(
        done.files.map((f) => f.status),
        ['delivered', 'delivered', 'delivered'],
      );

      const retried = await upload(suite.app, token, [zip, plain], key);
      assert.equal(retried.statusCode, 202, 'a retry gets the first answer, and does not send the zip again');
      assert.equal(retried.headers['idempotent-replayed'], 'true');
      assert.equal(retried.headers.location, job.statusUrl);
      assert.deepEqual(retried.json(), sent.json());
      const zipJobs = await suite.services.db
        .selectFrom('jobs')
        .select('id')
        .where('kind', '=', 'unpack-zip')
        .execute();
      assert.deepEqual(
        zipJobs.map((j) => j.id),
        [job.id],
      );
    },
  );

  it('answers 202 for a request of only a zip still unpacking, with no files yet', { timeout: 60_000 }, async () => {
    const zip = { name: 'alone.zip', bytes: zipOf('alone', ['3304101']) };
    const sent = await whileWorkersStopped(() => upload(suite.app, token, [zip]));
    assert.equal(sent.statusCode, 202, sent.body);
    assert.deepEqual(sent.json().files, []);
    const [job] = sent.json().jobs as ZipJobAnswer[];
    assert.equal((await whenDone(job!.id)).files[0]!.status, 'delivered');
  });

  it(
    'tells the upload page’s user the zip is still being unpacked, and where to follow it',
    { timeout: 60_000 },
    async () => {
      const zip = { name: 'from-the-page.zip', bytes: zipOf('page', ['3304101', '9092201']) };
      const form = multipart([zip], { _csrf: csrfFrom((await page.get('/send')).body) });
      const cookie = [...page.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
      const sent = await whileWorkersStopped(() =>
        suite.app.inject({
          method: 'POST',
          url: '/send',
          payload: form.body,
          headers: { 'content-type': form.contentType, cookie },
        }),
      );
      assert.equal(sent.statusCode, 200, sent.body.slice(0, 500));
      assert.match(sent.body, /<h1 class="govuk-heading-l">Still unpacking<\/h1>/);
      assert.match(sent.body, /<strong>from-the-page\.zip<\/strong> is still being unpacked/);
      const link = /href="\/zips\/([0-9a-f-]{36})"/.exec(sent.body);
      assert.ok(link, 'a link to the zip’s progress');
      const jobId = link[1]!;

      const waiting = await page.get(`/zips/${jobId}`);
      assert.equal(waiting.statusCode, 200);
      assert.match(waiting.body, /still working on this \.zip/);
      const listed = await page.get('/zips');
      assert.match(listed.body, new RegExp(`href="/zips/${jobId}">from-the-page\\.zip</a>`));

      await whenDone(jobId);
      const done = await page.get(`/zips/${jobId}`);
      assert.match(done.body, /Done/);
      assert.equal((done.body.match(/govuk-tag--green">\s*Delivered/g) ?? []).length, 2, done.body);

      const other = await signIn(
        suite.app,
        suite.services,
        await addUser(suite.services, { role: 'school-user', org: '3304101' }),
      );
      assert.equal((await other.get(`/zips/${jobId}`)).statusCode, 404, 'only the sending organisation sees it');
    },
  );
});
