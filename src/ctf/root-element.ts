/**
 * What a file is by its content: the name of its root element, read from the first bytes of a stream (after a byte
 * order mark, the XML declaration, comments, processing instructions and white space) without parsing the rest.
 * A name can say `MISC` while the content is a CTF; the content decides which engine reads it. A DOCTYPE is never
 * read, only its name (the root it declares) is taken.
 */

import { TextDecoder } from 'node:util';
import { sniffEncoding } from './decode.js';
import { documentTypeOfRoot, localName } from './elements.js';
import type { CtfDocumentType } from './model.js';

/** The kind of document a root element makes, for the two the CTF engine reads. */
export type StructuredRoot = CtfDocumentType;

export type RootElement =
  /** `localName` without any namespace prefix (`ctf:CTfile` → `CTfile`). */
  | { kind: 'element'; localName: string; qualifiedName: string }
  /** Not XML at all (a PDF, a CSV, an empty file), or no root element within the bytes looked at. */
  | { kind: 'none' };

/** How far into a file the root element is looked for: a long comment before the root is allowed, no more. */
export const rootSniffBytes = 64 * 1024;

const nameStart = /[A-Za-z_\u00C0-\uFFFF]/;
const qualifiedName = /^[A-Za-z_\u00C0-\uFFFF][\w.\-:\u00B7\u00C0-\uFFFF]*/;

/** Reads the root element's name from the head of a file; `undecided` when more bytes could still settle it. */
export function rootElementOf(head: Uint8Array, final: boolean): RootElement | 'undecided' {
  if (head.length === 0) return final ? { kind: 'none' } : 'undecided';
  const encoding = sniffEncoding(head);
  if (!encoding.ok) return final || encoding.code !== 'FILE_EMPTY' ? { kind: 'none' } : 'undecided';
  const label = encoding.encoding === 'utf-16le' || encoding.encoding === 'utf-16be' ? encoding.encoding : 'utf-8';
  // Names are ASCII in every CTF; decoding a single-byte file as UTF-8 only blurs text the sniffer skips.
  const text = new TextDecoder(label).decode(head.subarray(encoding.bomLength));
  let i = 0;
  for (;;) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (i >= text.length) return final ? { kind: 'none' } : 'undecided';
    if (text[i] !== '<') return { kind: 'none' };
    const rest = text.slice(i);
    let skipTo: string;
    if (rest.startsWith('<?')) skipTo = '?>';
    else if (rest.startsWith('<!--')) skipTo = '-->';
    else if (/^<!DOCTYPE\s/i.test(rest)) {
      const named = qualifiedName.exec(rest.slice(9).trimStart());
      if (named) return element(named[0]);
      return final || rest.length > 200 ? { kind: 'none' } : 'undecided';
    } else if (rest.length > 1 && nameStart.test(rest[1]!)) {
      const named = qualifiedName.exec(rest.slice(1));
      // The name may run on into the next chunk: only a character after it proves it complete.
      if (named && (named[0].length + 1 < rest.length || final)) return element(named[0]);
      return 'undecided';
    } else if (rest.length < 10 && !final) return 'undecided';
    else return { kind: 'none' };
    const end = text.indexOf(skipTo, i + 2);
    if (end < 0) return final ? { kind: 'none' } : 'undecided';
    i = end + skipTo.length;
  }
}

function element(name: string): RootElement {
  return { kind: 'element', qualifiedName: name, localName: localName(name) };
}

/** `CTF` for a `CTfile` root, `ATF` for `ATfile`, null for anything else. */
export function structuredRootOf(root: RootElement): StructuredRoot | null {
  return root.kind === 'element' ? documentTypeOfRoot(root.localName) : null;
}

export interface SniffedStream {
  root: RootElement;
  /** The whole stream again, from its first byte: what was read to find the root, then the rest. */
  body: AsyncIterable<Uint8Array>;
}

/**
 * Reads just enough of a stream to find its root element, and hands back the stream whole. A read that fails while
 * sniffing is not reported here: the returned body fails the same way at the same point, for its reader to handle.
 */
export async function sniffRootElement(
  source: AsyncIterable<Uint8Array>,
  maxBytes = rootSniffBytes,
): Promise<SniffedStream> {
  const iterator = source[Symbol.asyncIterator]();
  const seen: Uint8Array[] = [];
  let size = 0;
  let failure: { error: unknown } | null = null;
  let done = false;
  let root: RootElement | 'undecided' = 'undecided';
  while (root === 'undecided') {
    let step: IteratorResult<Uint8Array>;
    try {
      step = await iterator.next();
    } catch (error) {
      failure = { error };
      break;
    }
    if (step.done) {
      done = true;
      root = rootElementOf(Buffer.concat(seen), true);
      break;
    }
    seen.push(step.value);
    size += step.value.byteLength;
    const head = Buffer.concat(seen);
    root = rootElementOf(head.subarray(0, maxBytes), size >= maxBytes);
  }
  async function* body(): AsyncGenerator<Uint8Array> {
    yield* seen;
    if (failure) throw failure.error;
    if (done) return;
    try {
      for (;;) {
        const step = await iterator.next();
        if (step.done) return;
        yield step.value;
      }
    } finally {
      // A reader that stops early releases the source, as it would have without the sniffing.
      await iterator.return?.();
    }
  }
  return { root: root === 'undecided' ? { kind: 'none' } : root, body: body() };
}
