import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { realWorldFixture } from '../../test/support/real-world-corpus.js';
import { TEST_MASTER_KEY } from '../../test/support/services.js';
import { auditRecorder } from '../platform/audit/record-audit.js';
import { main } from './cli.js';
import { sampleRegisterFile } from '../demo/seed-demo.js';
import { openPGlite } from '../platform/database.js';
import { derivedServiceKeys } from '../platform/keys.js';

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += String(d)));
  stderr.on('data', (d) => (err += String(d)));
  const code = await main(argv, { stdout, stderr });
  return { code, out, err };
}

describe('s2s command line on the embedded database', () => {
  let dataDir: string;
  before(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 's2s-cli-'));
    process.env.S2S_DATA_DIR = dataDir;
    process.env.S2S_MASTER_KEY = TEST_MASTER_KEY;
    delete process.env.DATABASE_URL;
  });
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('imports the sample register, then finds everything unchanged', async () => {
    const first = await run('establishments', 'import', sampleRegisterFile);
    assert.equal(first.code, 0, first.err);
    assert.match(first.out, /^read as Windows-1252: added 27, updated 0, unchanged 0, rejected 0/);
    const second = await run('establishments', 'import', sampleRegisterFile);
    assert.match(second.out, /^read as Windows-1252: added 0, updated 0, unchanged 27, rejected 0/);
  });

  it('prints each rejected row with its file and line', async () => {
    const file = path.join(dataDir, 'bad.csv');
    const lines = fs.readFileSync(sampleRegisterFile, 'latin1').split('\r\n');
    fs.writeFileSync(file, [lines[0], lines[1], lines[2]!.replace(',823,', ',8x3,')].join('\r\n'), 'latin1');
    const result = await run('establishments', 'import', file);
    assert.equal(result.code, 0);
    assert.match(result.out, /unchanged 1, rejected 1/);
    assert.ok(
      result.out.includes(`${file}:3: rejected: LA (code) “8x3” is not a 3-digit local authority code`),
      result.out,
    );
  });

  it('refuses an extract whose quote never closes with exit code 1, naming the line and column', async () => {
    const { file } = realWorldFixture('gias-extract/edubasealldata20261106.csv');
    const result = await run('establishments', 'import', file);
    assert.equal(result.code, 1);
    assert.match(result.err, /^s2s: Line 3, EstablishmentName: the quote that opens this field is never closed/);
  });

  it('adds users with a set-up link, and creates tokens shown once', async () => {
    const added = await run(
      'users',
      'add',
      '--email',
      'Head@Hollins.example',
      '--name',
      'Pat Head',
      '--org',
      '8232003',
      '--role',
      'school-user',
    );
    assert.equal(added.code, 0, added.err);
    assert.match(
      added.out,
      /Set-up link \(works once, for 7 days\): http:\/\/localhost:3000\/set-up\/[A-Za-z0-9_-]{43}/,
    );
    const wrongRole = await run(
      'users',
      'add',
      '--email',
      'a@b.example',
      '--name',
      'A',
      '--org',
      '823',
      '--role',
      'superuser',
    );
    assert.equal(wrongRole.code, 2);
    assert.match(wrongRole.err, /--role must be one of/);
    const wrongOrg = await run(
      'users',
      'add',
      '--email',
      'a@b.example',
      '--name',
      'A',
      '--org',
      '999',
      '--role',
      'la-user',
    );
    assert.equal(wrongOrg.code, 1);
    assert.match(wrongOrg.err, /no local authority with code 999/);
    const token = await run('tokens', 'create', '--email', 'head@hollins.example', '--name', 'MIS');
    assert.equal(token.code, 0, token.err);
    assert.match(token.out, /^s2s_[A-Za-z0-9_-]{43}\n$/);
  });

  it('lists a user’s tokens without the tokens themselves, and revokes one or all, audited', async () => {
    const first = (await run('tokens', 'create', '--email', 'head@hollins.example', '--name', 'Office MIS')).out.trim();
    const second = (await run('tokens', 'create', '--email', 'head@hollins.example', '--name', 'Spare')).out.trim();
    const listed = await run('tokens', 'list', '--email', 'Head@Hollins.example');
    assert.equal(listed.code, 0, listed.err);
    const [header, ...rows] = listed.out.trimEnd().split('\n');
    assert.equal(header, 'id\tname\tstarts with\tcreated\tlast used\trevoked');
    assert.equal(rows.length, 3, listed.out);
    for (const token of [first, second])
      assert.equal(listed.out.includes(token), false, 'a token is never shown again');
    const row = (name: string) => rows.map((r) => r.split('\t')).find((r) => r[1] === name)!;
    assert.match(row('Office MIS')[0]!, /^[0-9a-f-]{36}$/);
    assert.equal(row('Office MIS')[2], `${first.slice(0, 10)}…`);
    assert.deepEqual(row('Office MIS').slice(4), ['never', 'live']);

    const one = await run('tokens', 'revoke', '--email', 'head@hollins.example', '--id', row('Office MIS')[0]!);
    assert.equal(one.code, 0, one.err);
    assert.equal(one.out, 'revoked 1 API token of head@hollins.example\n');
    const again = await run('tokens', 'revoke', '--email', 'head@hollins.example', '--id', row('Office MIS')[0]!);
    assert.equal(again.code, 1, 'a revoked token cannot be revoked again');
    assert.match(again.err, /no live API token with id/);
    const after = (await run('tokens', 'list', '--email', 'head@hollins.example')).out;
    assert.match(after, /\tOffice MIS\t.*\t\d{4}-\d\d-\d\dT[^\t]+\n/, 'the revoked token shows when it was revoked');

    const all = await run('tokens', 'revoke', '--email', 'head@hollins.example', '--all');
    assert.equal(all.code, 0, all.err);
    assert.equal(all.out, 'revoked 2 API tokens of head@hollins.example\n');
    assert.doesNotMatch((await run('tokens', 'list', '--email', 'head@hollins.example')).out, /\tlive\n/);

    const opened = await openPGlite(dataDir, 'test');
    const audited = await opened.db
      .selectFrom('audit_events')
      .select(['actor_user_id', 'details'])
      .where('action', '=', 'token.revoked')
      .execute();
    await opened.close();
    assert.equal(audited.length, 3, 'each revocation is audited');
    for (const event of audited) {
      assert.equal(event.actor_user_id, null);
      const details = (typeof event.details === 'string' ? JSON.parse(event.details) : event.details) as object;
      assert.deepEqual(Object.keys(details).sort(), ['by', 'owner']);
      assert.equal((details as { by: string }).by, 'operator');
    }

    assert.equal((await run('tokens', 'revoke', '--email', 'head@hollins.example')).code, 2, '--id or --all');
    assert.equal((await run('tokens', 'revoke', '--email', 'head@hollins.example', '--id', 'x', '--all')).code, 2);
    assert.equal((await run('tokens', 'list', '--email', 'nobody@hollins.example')).code, 1);
    assert.equal((await run('tokens', 'list')).code, 2);
  });

  it('verifies the audit trail, and names the row someone altered', async () => {
    const intact = await run('audit', 'verify');
    assert.equal(intact.code, 0, intact.err);
    assert.match(intact.out, /audit trail intact: [1-9]\d* rows/);
    const opened = await openPGlite(dataDir, 'test');
    await sql`UPDATE audit_events SET action = 'nothing-to-see' WHERE seq = 2`.execute(opened.db);
    await opened.close();
    const broken = await run('audit', 'verify');
    assert.equal(broken.code, 1);
    assert.match(broken.out, /audit trail BROKEN at row 2: row 2 was altered/);
  });

  it('says plainly when the running service holds the data directory', async () => {
    const holder = spawn('sleep', ['30']);
    try {
      fs.writeFileSync(path.join(dataDir, 's2s.lock'), JSON.stringify({ pid: holder.pid, purpose: 's2s serve' }));
      const result = await run('audit', 'verify');
      assert.equal(result.code, 1);
      assert.match(result.err, /in use by another s2s process \(pid \d+, s2s serve\).*stop the service first/);
    } finally {
      holder.kill();
      fs.rmSync(path.join(dataDir, 's2s.lock'), { force: true });
    }
  });

  it('prints an anchor, and verify --anchor finds the rows removed after it', async () => {
    // The test before left row 2 altered: start from a fresh trail of five rows.
    const fresh = await openPGlite(dataDir, 'test');
    await sql`DELETE FROM audit_events`.execute(fresh.db);
    const record = auditRecorder(
      fresh.db,
      derivedServiceKeys(Buffer.from(TEST_MASTER_KEY, 'hex')).auditKey,
      () => new Date(),
    );
    for (let i = 0; i < 5; i++) await record({ action: 'sign-in' });
    await fresh.close();
    const anchored = await run('audit', 'anchor');
    assert.equal(anchored.code, 0, anchored.err);
    const match = /^s2s-audit-anchor seq=(\d+) hash=[0-9a-f]{64} at=\S+\n$/.exec(anchored.out);
    assert.ok(match, anchored.out);
    const head = Number(match[1]);
    const file = path.join(dataDir, 'anchors.log');
    fs.writeFileSync(file, anchored.out);
    assert.equal((await run('audit', 'verify', '--anchor', file)).code, 0);
    const opened = await openPGlite(dataDir, 'test');
    await sql`DELETE FROM audit_events WHERE seq > ${head - 2}`.execute(opened.db);
    await opened.close();
    assert.equal((await run('audit', 'verify')).code, 0);
    const cut = await run('audit', 'verify', '--anchor', anchored.out.trim());
    assert.equal(cut.code, 1);
    assert.match(cut.out, new RegExp(`FAILS its anchor: .*rows ${head - 1}–${head} missing`));
    assert.equal((await run('audit', 'verify', '--anchor', 'not-an-anchor')).code, 2);
  });

  it('reports a repository repair, and a dry run changes nothing', async () => {
    const dry = await run('repository', 'repair', '--dry-run');
    assert.equal(dry.code, 0, dry.err);
    assert.match(
      dry.out,
      /^0 repository files without records checked: 0 can be repaired, .*\(dry run: nothing changed\)/m,
    );
    const real = await run('repository', 'repair');
    assert.match(real.out, /^0 repository files without records checked: 0 repaired, 0 not CTFs or without pupils$/m);
  });

  it('answers usage errors with exit code 2', async () => {
    assert.equal((await run('frobnicate')).code, 2);
    assert.equal((await run('establishments', 'import')).code, 2);
    assert.equal((await run('audit')).code, 2);
    assert.equal((await run('repository', 'repair', '--now')).code, 2);
  });
});

describe('s2s keys on the embedded database', () => {
  const oldKey = 'b'.repeat(64);
  const newKey = 'c'.repeat(64);
  let dataDir: string;
  const saved = { ...process.env };
  before(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 's2s-keys-'));
    process.env.S2S_DATA_DIR = dataDir;
    process.env.S2S_MASTER_KEY = oldKey;
    delete process.env.S2S_READ_ONLY_MASTER_KEY;
    delete process.env.DATABASE_URL;
  });
  after(() => {
    process.env = saved;
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('rotates to a new master key, after which the old one is refused and the new one alone serves', async () => {
    assert.equal(
      (await run('users', 'add', '--email', 'k@example.org', '--name', 'K', '--org', 'DFE', '--role', 'dfe-admin'))
        .code,
      0,
    );
    const before = await run('keys', 'status');
    assert.equal(before.code, 0, before.err);
    assert.match(before.out, /^master key [0-9a-f]{16} — current: 0 file keys, 0 two-factor secrets, 3 service keys$/m);

    process.env.S2S_MASTER_KEY = newKey;
    const refused = await run('audit', 'verify');
    assert.equal(refused.code, 1);
    assert.match(
      refused.err,
      /wrapped under master key [0-9a-f]{16}, which this node does not hold.*S2S_READ_ONLY_MASTER_KEY/,
    );

    process.env.S2S_READ_ONLY_MASTER_KEY = oldKey;
    const rotated = await run('keys', 'rotate');
    assert.equal(rotated.code, 0, rotated.err);
    assert.match(
      rotated.out,
      /re-wrapped 0 file keys, 0 two-factor secrets, 0 enrolments in progress and 3 service keys/,
    );
    assert.match(rotated.out, /Nothing is wrapped under any other key: a read-only master key can be retired\./);

    delete process.env.S2S_READ_ONLY_MASTER_KEY;
    const verified = await run('audit', 'verify');
    assert.equal(verified.code, 0, verified.err);
    assert.match(verified.out, /^audit trail intact/);
    assert.equal((await run('keys', 'rotate', '--batch', 'many')).code, 2);
  });
});

describe('s2s serve without its master key', () => {
  let dataDir: string;
  const saved = { ...process.env };
  before(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 's2s-cli-key-'));
  });
  after(() => {
    process.env = saved;
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  function withEnv(env: Record<string, string | undefined>) {
    for (const name of ['S2S_MASTER_KEY', 'S2S_MASTER_KEY_FILE', 'DATABASE_URL']) delete process.env[name];
    process.env.S2S_DATA_DIR = dataDir;
    Object.assign(process.env, env);
  }

  it('prints one line when the key file is missing', async () => {
    withEnv({ S2S_MASTER_KEY_FILE: path.join(dataDir, 'no-such.key') });
    const result = await run('serve');
    assert.equal(result.code, 1);
    assert.equal(result.err, `s2s: S2S_MASTER_KEY_FILE: ${path.join(dataDir, 'no-such.key')} does not exist\n`);
  });

  it('prints one line when PostgreSQL is used with no key', async () => {
    withEnv({ DATABASE_URL: 'postgres://s2s@127.0.0.1:1/s2s' });
    const result = await run('serve');
    assert.equal(result.code, 1);
    assert.match(
      result.err,
      /^s2s: S2S_MASTER_KEY or S2S_MASTER_KEY_FILE must be set when DATABASE_URL is set[^\n]*\n$/,
    );
  });

  it('says in one line that the database cannot be reached, for a command run while it is away', async () => {
    // Port 1: nothing listens there, so the connection is refused at once.
    withEnv({ DATABASE_URL: 'postgres://s2s@127.0.0.1:1/s2s', S2S_MASTER_KEY: 'b'.repeat(64) });
    const result = await run('purge');
    assert.equal(result.code, 1);
    assert.match(
      result.err,
      /^s2s: the database cannot be reached \(connect ECONNREFUSED 127\.0\.0\.1:1\)\. Check DATABASE_URL/,
    );
    assert.equal(result.err.split('\n').filter(Boolean).length, 1, result.err);
  });

  it('names the setting, without a stack trace, when the key is not a key', async () => {
    withEnv({ S2S_MASTER_KEY: 'not-a-key' });
    const result = await run('serve');
    assert.equal(result.code, 1);
    assert.match(result.err, /^s2s: .*S2S_MASTER_KEY: must be 32 bytes/s);
    assert.doesNotMatch(result.err, /^\s+at /m);
  });
});
