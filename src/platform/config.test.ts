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

  it('runs several serving processes only on PostgreSQL', () => {
    assert.throws(() => loadConfig({ S2S_WORKERS: '2' }), /S2S_WORKERS: more than one process needs DATABASE_URL/);
    assert.equal(loadConfig({ S2S_WORKERS: '2', DATABASE_URL: 'postgres://localhost/s2s' }).workers, 2);
    assert.equal(loadConfig({}).workers, 1);
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

describe('configuration documentation', () => {
  it('lists every variable in docs/configuration.md', async () => {
    const fs = await import('node:fs');
    const { projectRoot } = await import('./web/project-root.js');
    const doc = fs.readFileSync(path.join(projectRoot, 'docs', 'configuration.md'), 'utf8');
    for (const { variable } of configReference())
      assert.ok(doc.includes(`\`${variable}\``), `${variable} is not documented`);
  });
});
