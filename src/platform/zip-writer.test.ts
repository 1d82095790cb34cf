import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { describe, it } from 'node:test';
import yauzl from 'yauzl';
import { writeZip } from './zip-writer.js';

/** Each entry's name and bytes, as an ordinary unzip reads them. */
function unzip(zip: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true, validateEntrySizes: true }, (error, archive) => {
      if (error) return reject(error);
      const entries = new Map<string, Buffer>();
      archive.on('error', reject);
      archive.on('end', () => resolve(entries));
      archive.on('entry', (entry: yauzl.Entry) => {
        archive.openReadStream(entry, (openError, stream) => {
          if (openError) return reject(openError);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            entries.set(entry.fileName, Buffer.concat(chunks));
            archive.readEntry();
          });
        });
      });
      archive.readEntry();
    });
  });
}

describe('writing a .zip as a stream', () => {
  it('gives back every entry’s exact bytes, in chunks of any size', async () => {
    const big = crypto.randomBytes(300_000);
    const small = Buffer.from('<CTfile>é</CTfile>');
    const chunks = async function* (bytes: Buffer) {
      for (let i = 0; i < bytes.length; i += 7_001) yield bytes.subarray(i, i + 7_001);
    };
    const parts: Buffer[] = [];
    for await (const part of writeZip([
      {
        name: '8232003_CTF_8232002_001.XML',
        modified: new Date('2026-11-02T09:00:00Z'),
        open: async () => chunks(big),
      },
      {
        name: '3304101_CTF_8232002_002.XML',
        modified: new Date('2026-11-02T09:00:00Z'),
        open: async () => chunks(small),
      },
    ]))
      parts.push(part);
    const entries = await unzip(Buffer.concat(parts));
    assert.deepEqual([...entries.keys()], ['8232003_CTF_8232002_001.XML', '3304101_CTF_8232002_002.XML']);
    assert.ok(entries.get('8232003_CTF_8232002_001.XML')!.equals(big));
    assert.ok(entries.get('3304101_CTF_8232002_002.XML')!.equals(small));
  });
});
