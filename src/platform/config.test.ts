import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, configReference, loadConfig } from './config.js';

describe('configuration', () => {
  it('defaults to the embedded database in ./data on port 3000', () => {
    const config = loadConfig({});
    assert.equal(config.port, 3000);
    assert.equal(config.databaseUrl, undefined);
    assert.equal(config.dataDir, path.resolve('./data'));
    assert.equal(config.blobStore, 'fs');
    assert.equal(config.publicUrl, 'http://localhost:3000');
  });

  it('names every wrong variable at once', () => {
    assert.throws(
      () => loadConfig({ PORT: 'eighty', S2S_BLOB_STORE: 's3', DATABASE_URL: 'mysql://x', S2S_MASTER_KEY: 'short' }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        for (const name of ['PORT', 'S2S_BLOB_STORE', 'DATABASE_URL', 'S2S_MASTER_KEY'])
          assert.match(error.message, new RegExp(name));
        return true;
      },
    );
  });

  it('keeps finished bulk jobs at least the week their senders are shown', () => {
    assert.deepEqual(
      [loadConfig({}).jobRetentionDays, loadConfig({}).jobMaxAttempts, loadConfig({}).jobPollSeconds],
      [30, 5, 5],
    );
    assert.throws(() => loadConfig({ S2S_JOB_RETENTION_DAYS: '3' }), /S2S_JOB_RETENTION_DAYS: must be at least 7/);
    assert.equal(loadConfig({ S2S_JOB_RETENTION_DAYS: '7' }).jobRetentionDays, 7);
  });

  it('runs several serving processes only on PostgreSQL', () => {
    assert.throws(() => loadConfig({ S2S_WORKERS: '2' }), /S2S_WORKERS: more than one process needs DATABASE_URL/);
    assert.equal(loadConfig({ S2S_WORKERS: '2', DATABASE_URL: 'postgres://localhost/s2s' }).workers, 2);
    assert.equal(loadConfig({}).workers, 1);
  });

  it('takes a metrics token only long enough not to be guessed, and none by default', () => {
    assert.equal(loadConfig({}).metricsToken, undefined);
    assert.throws(
      () => loadConfig({ S2S_METRICS_TOKEN: 'secret' }),
      /S2S_METRICS_TOKEN: must be at least 32 characters/,
    );
    assert.equal(loadConfig({ S2S_METRICS_TOKEN: 'f'.repeat(64) }).metricsToken, 'f'.repeat(64));
  });

  it('accepts a master key as hex or base64', () => {
    assert.doesNotThrow(() => loadConfig({ S2S_MASTER_KEY: 'ab'.repeat(32) }));
    assert.doesNotThrow(() => loadConfig({ S2S_MASTER_KEY: Buffer.alloc(32, 7).toString('base64') }));
  });

  it('documents every setting with its default', () => {
    const variables = configReference().map((s) => s.variable);
    for (const name of ['PORT', 'S2S_DATA_DIR', 'DATABASE_URL', 'S2S_MASTER_KEY', 'S2S_BLOB_STORE'])
      assert.ok(variables.includes(name), name);
    for (const s of configReference()) assert.ok(s.doc.length > 10 && s.defaultText.length > 0, s.variable);
  });
});

describe('listening address and demo seeding defaults', () => {
  it('listens on 127.0.0.1 unless HOST says otherwise', () => {
    assert.equal(loadConfig({}).host, '127.0.0.1');
    assert.equal(loadConfig({ HOST: '0.0.0.0' }).host, '0.0.0.0');
    assert.equal(loadConfig({ HOST: '::' }).host, '::');
  });

  it('seeds the demo on the embedded database only, unless S2S_DEMO says otherwise', () => {
    assert.equal(loadConfig({}).seedDemo, true);
    assert.equal(loadConfig({ DATABASE_URL: 'postgres://localhost/s2s' }).seedDemo, false);
    assert.equal(loadConfig({ DATABASE_URL: 'postgres://localhost/s2s', S2S_DEMO: 'true' }).seedDemo, true);
    assert.equal(loadConfig({ S2S_DEMO: 'false' }).seedDemo, false);
  });
});

describe('production profile', () => {
  const good = {
    S2S_ENV: 'production',
    DATABASE_URL: 'postgres://localhost/s2s',
    S2S_MASTER_KEY: 'ab'.repeat(32),
    S2S_PUBLIC_URL: 'https://s2s.example.gov.uk',
  };
  const refusal = (variable: string) => (error: unknown) => {
    assert.ok(error instanceof ConfigError);
    assert.match(error.message, new RegExp(`${variable}: .*S2S_ENV is production|${variable}: .*generates`));
    return true;
  };

  it('starts with every production setting good', () => {
    const config = loadConfig(good);
    assert.equal(config.environment, 'production');
    assert.equal(config.seedDemo, false);
    assert.doesNotThrow(() => loadConfig({ ...good, S2S_MASTER_KEY: undefined, S2S_MASTER_KEY_FILE: '/etc/s2s/key' }));
  });

  it('refuses demo seeding, asked for or by the embedded default', () => {
    assert.throws(() => loadConfig({ ...good, S2S_DEMO: 'true' }), refusal('S2S_DEMO'));
    assert.throws(() => loadConfig({ ...good, DATABASE_URL: undefined }), refusal('S2S_DEMO'));
  });

  it('refuses to run without a master key or with the generated key file', () => {
    assert.throws(() => loadConfig({ ...good, S2S_MASTER_KEY: undefined }), refusal('S2S_MASTER_KEY'));
    const dataDir = path.resolve('/var/lib/s2s');
    assert.throws(
      () =>
        loadConfig({
          ...good,
          S2S_MASTER_KEY: undefined,
          S2S_DATA_DIR: dataDir,
          S2S_MASTER_KEY_FILE: path.join(dataDir, 'master.key'),
        }),
      refusal('S2S_MASTER_KEY_FILE'),
    );
  });

  it('refuses a public address that is not https, or none', () => {
    assert.throws(
      () => loadConfig({ ...good, S2S_PUBLIC_URL: 'http://s2s.example.gov.uk' }),
      refusal('S2S_PUBLIC_URL'),
    );
    assert.throws(() => loadConfig({ ...good, S2S_PUBLIC_URL: undefined }), refusal('S2S_PUBLIC_URL'));
  });
});

describe('configuration documentation', () => {
  it('lists every variable in docs/configuration.md', async () => {
    const fs = await import('node:fs');
    const { projectRoot } = await import('./web/project-root.js');
    const doc = fs.readFileSync(path.join(projectRoot, 'docs', 'configuration.md'), 'utf8');
    for (const { variable } of configReference())
      assert.ok(doc.includes(`\`${variable}\``), `${variable} is not documented`);
  });
});
