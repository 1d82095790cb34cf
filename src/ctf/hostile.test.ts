import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCtf } from './parse.js';
import { codes, validCtf } from './test-support.js';

async function only(
  input: Parameters<typeof parseCtf>[0],
  options: Parameters<typeof parseCtf>[1] = {},
): Promise<string[]> {
  return codes((await parseCtf(input, options)).errors);
}

const head = '<?xml version="1.0" encoding="UTF-8"?>\n';

describe('hostile corpus', () => {
  it('rejects an external entity without reading or printing what it points to', async () => {
    const xml = `${head}<!DOCTYPE CTfile [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<CTfile>&xxe;</CTfile>`;
    const r = await parseCtf(Buffer.from(xml));
    assert.deepEqual(codes(r.errors), ['DOCTYPE_FORBIDDEN']);
    assert.equal(r.errors[0]?.line, 2);
    assert.doesNotMatch(JSON.stringify(r), /passwd|file:/);
  });

  it('rejects billion laughs', async () => {
    const ents = ['<!ENTITY lol "lol">'];
    for (let i = 1; i <= 9; i++) ents.push(`<!ENTITY lol${i} "${`&lol${i === 1 ? '' : i - 1};`.repeat(10)}">`);
    const xml = `${head}<!DOCTYPE lolz [${ents.join('')}]><CTfile>&lol9;</CTfile>`;
    assert.deepEqual(await only(Buffer.from(xml)), ['DOCTYPE_FORBIDDEN']);
  });

  it('rejects quadratic blow-up, with or without a DOCTYPE', async () => {
    const big = 'a'.repeat(50_000);
    const xml = `${head}<!DOCTYPE kaboom [<!ENTITY a "${big}">]><CTfile>${'&a;'.repeat(50_000)}</CTfile>`;
    assert.deepEqual(await only(Buffer.from(xml)), ['DOCTYPE_FORBIDDEN']);
    // Without a DOCTYPE the entity is simply undefined.
    assert.deepEqual(await only(Buffer.from(`${head}<CTfile>${'&a;'.repeat(50_000)}</CTfile>`)), [
      'XML_NOT_WELL_FORMED',
    ]);
  });

  it('rejects a DOCTYPE split across chunks', async () => {
    const xml = Buffer.from(`${head}<!DOCTYPE CTfile><CTfile/>`);
    const at = xml.indexOf('DOCTYPE') - 1;
    assert.deepEqual(await only([xml.subarray(0, at), xml.subarray(at)]), ['DOCTYPE_FORBIDDEN']);
  });

  it('rejects deep nesting', async () => {
    const xml = `${head}<CTfile>${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}</CTfile>`;
    const r = await parseCtf(Buffer.from(xml));
    assert.deepEqual(codes(r.errors), ['DEPTH_LIMIT_EXCEEDED']);
    assert.equal(r.stoppedEarly, true);
  });

  it('rejects a 100 MB text node streamed in, with bounded memory and without reading it all', async () => {
    let chunksRead = 0;
    const mb = Buffer.alloc(1024 * 1024, 'A');
    async function* huge(): AsyncGenerator<Buffer> {
      yield Buffer.from(`${head}<CTfile><Header><DataDescriptor>`);
      for (let i = 0; i < 100; i++) {
        chunksRead++;
        yield mb;
      }
      yield Buffer.from('</DataDescriptor></Header></CTfile>');
    }
    global.gc?.();
    const before = process.memoryUsage().heapUsed;
    const r = await parseCtf(huge());
    const growth = process.memoryUsage().heapUsed - before;
    assert.deepEqual(codes(r.errors), ['TEXT_LIMIT_EXCEEDED']);
    assert.ok(chunksRead < 5, `read ${chunksRead} MB`);
    assert.ok(growth < 64 * 1024 * 1024, `heap grew ${growth} bytes`);
  });

  it('bounds a text node even when it is not captured, and huge comments and tags', async () => {
    const text = `${head}<CTfile><Unknown>${'x'.repeat(3_000_000)}</Unknown></CTfile>`;
    assert.deepEqual(await only(Buffer.from(text)), ['TEXT_LIMIT_EXCEEDED']);
    const comment = `${head}<CTfile><!--${'x'.repeat(3_000_000)}--></CTfile>`;
    assert.deepEqual(await only(Buffer.from(comment)), ['TEXT_LIMIT_EXCEEDED']);
    const attrs = `${head}<CTfile ${Array.from({ length: 200_000 }, (_, i) => `a${i}=""`).join(' ')}></CTfile>`;
    assert.deepEqual(await only(Buffer.from(attrs)), ['TEXT_LIMIT_EXCEEDED']);
  });

  it('rejects NUL bytes', async () => {
    const xml = validCtf().replace('<Surname>', '<Surname>\u0000');
    const r = await parseCtf(Buffer.from(xml));
    assert.deepEqual(codes(r.errors), ['XML_INVALID_CHARACTER']);
    assert.ok((r.errors[0]?.line ?? 0) > 1);
  });

  it('rejects invalid UTF-8 and names the byte offset', async () => {
    const good = Buffer.from(validCtf());
    const at = good.indexOf('Siobh') + 2;
    const bad = Buffer.from(good);
    bad[at] = 0xff;
    const r = await parseCtf(bad);
    assert.deepEqual(codes(r.errors), ['ENCODING_INVALID']);
    assert.match(r.errors[0]?.message ?? '', new RegExp(`offset ${at}\\b`));
    // Across chunk boundaries too: a lone lead byte split from nothing.
    const cut = Buffer.from(good);
    cut[at] = 0xc3;
    cut[at + 1] = 0x41;
    const streamed = await parseCtf([cut.subarray(0, at + 1), cut.subarray(at + 1)]);
    assert.match(streamed.errors[0]?.message ?? '', new RegExp(`offset ${at}\\b`));
  });

  it('rejects a file cut in the middle of a character or a tag', async () => {
    const good = Buffer.from(validCtf());
    const inChar = good.indexOf('á') + 1;
    assert.deepEqual(await only(good.subarray(0, inChar)), ['ENCODING_INVALID']);
    assert.deepEqual(await only(good.subarray(0, good.length - 20)), ['XML_NOT_WELL_FORMED']);
  });

  it('rejects a PDF renamed .xml', async () => {
    const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1'), Buffer.alloc(5000, 0x8f)]);
    const r = await parseCtf(pdf);
    assert.deepEqual(codes(r.errors), ['NOT_XML']);
    assert.match(r.errors[0]?.message ?? '', /PDF/);
  });

  it('rejects an empty file and a file of white space', async () => {
    assert.deepEqual(await only(Buffer.alloc(0)), ['FILE_EMPTY']);
    assert.deepEqual(await only(Buffer.from('  \n\t ')), ['FILE_EMPTY']);
    assert.deepEqual(await only([]), ['FILE_EMPTY']);
  });

  it('enforces the size and element limits', async () => {
    assert.deepEqual(await only(Buffer.from(validCtf()), { limits: { maxBytes: 100 } }), ['SIZE_LIMIT_EXCEEDED']);
    assert.deepEqual(await only(Buffer.from(validCtf()), { limits: { maxElements: 10 } }), ['ELEMENT_LIMIT_EXCEEDED']);
  });

  it('rejects the wrong root, undecodable declarations and mismatched encodings', async () => {
    assert.deepEqual(await only(Buffer.from(`${head}<html><body/></html>`)), ['ROOT_ELEMENT_INVALID']);
    assert.deepEqual(await only(Buffer.from('<?xml version="1.0" encoding="EBCDIC-US"?><CTfile/>')), [
      'ENCODING_UNSUPPORTED',
    ]);
    assert.deepEqual(await only(Buffer.from('<?xml version="1.0" encoding="UTF-16"?><CTfile/>')), [
      'ENCODING_MISMATCH',
    ]);
    const bomLatin = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><CTfile/>'),
    ]);
    assert.deepEqual(await only(bomLatin), ['ENCODING_MISMATCH']);
  });

  it('turns a failing input stream into an error value', async () => {
    async function* broken(): AsyncGenerator<Buffer> {
      yield Buffer.from(head);
      throw new Error('disk on fire');
    }
    assert.deepEqual(await only(broken()), ['INPUT_UNREADABLE']);
  });

  it('never throws on random bytes', async () => {
    for (let seed = 1; seed <= 200; seed++) {
      const bytes = Buffer.alloc(seed * 7);
      let x = seed;
      for (let i = 0; i < bytes.length; i++) {
        x = (x * 1103515245 + 12345) & 0x7fffffff;
        bytes[i] = i === 0 ? 0x3c : x & 0xff;
      }
      const r = await parseCtf(bytes);
      assert.equal(r.valid, false);
    }
  });
});
