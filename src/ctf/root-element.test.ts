import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rootElementOf, sniffRootElement, structuredRootOf } from './root-element.js';

const rootOf = (text: string | Buffer) => {
  const found = rootElementOf(typeof text === 'string' ? Buffer.from(text) : text, true);
  return found === 'undecided' ? found : found.kind === 'element' ? found.localName : null;
};

async function* chunksOf(bytes: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

describe('the root element of a file', () => {
  it('is found after a BOM, the declaration, comments, processing instructions and white space', () => {
    assert.equal(rootOf('<CTfile><Header/></CTfile>'), 'CTfile');
    assert.equal(
      rootOf('\uFEFF<?xml version="1.0" encoding="UTF-8"?>\r\n<!-- written by an MIS -->\n<?pi x?>\n  <ATfile>'),
      'ATfile',
    );
    assert.equal(rootOf('<ctf:CTfile xmlns:ctf="urn:example">'), 'CTfile', 'a namespace prefix is not part of it');
    assert.equal(rootOf('<!DOCTYPE CTfile SYSTEM "http://example.invalid/x.dtd"><CTfile/>'), 'CTfile');
  });
  it('is read from UTF-16 in either byte order', () => {
    const text = '<?xml version="1.0" encoding="UTF-16"?><CTfile/>';
    assert.equal(rootOf(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])), 'CTfile');
    const be = Buffer.from(text, 'utf16le').swap16();
    assert.equal(rootOf(Buffer.concat([Buffer.from([0xfe, 0xff]), be])), 'CTfile');
  });
  it('is none for what is not XML', () => {
    assert.equal(rootOf('URN,LA (code)\r\n'), null);
    assert.equal(rootOf('%PDF-1.7'), null);
    assert.equal(rootOf(''), null);
    assert.equal(structuredRootOf({ kind: 'none' }), null);
    assert.equal(structuredRootOf({ kind: 'element', localName: 'CTfile', qualifiedName: 'x:CTfile' }), 'CTF');
    assert.equal(structuredRootOf({ kind: 'element', localName: 'CTfileX', qualifiedName: 'CTfileX' }), null);
  });
  it('waits for more bytes when a name or a comment is cut off', () => {
    assert.equal(rootElementOf(Buffer.from('<?xml version="1.0"?><CTf'), false), 'undecided');
    assert.equal(rootElementOf(Buffer.from('<!-- a long'), false), 'undecided');
    assert.equal(rootElementOf(Buffer.from('<'), false), 'undecided');
  });
  it('is sniffed from a stream one byte at a time, and the stream comes back whole', async () => {
    const bytes = Buffer.from(`<?xml version="1.0"?>\n<!-- ${'x'.repeat(3000)} -->\n<CTfile><Header/></CTfile>`);
    const sniffed = await sniffRootElement(chunksOf(bytes, 1));
    assert.deepEqual(sniffed.root, { kind: 'element', localName: 'CTfile', qualifiedName: 'CTfile' });
    const back: Uint8Array[] = [];
    for await (const chunk of sniffed.body) back.push(chunk);
    assert.deepEqual(Buffer.concat(back), bytes);
  });
  it('gives up after its limit, and a read that fails while sniffing fails the body at the same point', async () => {
    const long = Buffer.from(`<!-- ${'x'.repeat(100_000)} --><CTfile/>`);
    assert.deepEqual((await sniffRootElement(chunksOf(long, 4096))).root, { kind: 'none' });
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('<?xml version="1.0"?>');
      throw new Error('connection reset');
    }
    const sniffed = await sniffRootElement(failing());
    assert.deepEqual(sniffed.root, { kind: 'none' });
    const read: Uint8Array[] = [];
    await assert.rejects(async () => {
      for await (const chunk of sniffed.body) read.push(chunk);
    }, /connection reset/);
    assert.equal(Buffer.concat(read).toString(), '<?xml version="1.0"?>');
  });
});
