/**
 * Turns the bytes of a file into text for the XML parser: works out the encoding from the byte order mark and
 * the XML declaration (UTF-8, UTF-16 LE/BE, Latin-1/Windows-1252, Latin-9), decodes chunk by chunk, and keeps
 * count of which bytes each piece of text came from so the parser can report byte ranges. Bytes that are not
 * valid in the encoding are reported with their offset, never replaced.
 */

import { TextDecoder } from 'node:util';
import type { CtfIssueCode } from './issues.js';

export type CtfEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252' | 'iso-8859-15';

export interface SniffedEncoding {
  ok: true;
  encoding: CtfEncoding;
  bomLength: number;
  /** The encoding named in the XML declaration, as written; null when there is none. */
  declared: string | null;
}

export interface EncodingProblem {
  ok: false;
  code: CtfIssueCode;
  message: string;
}

/** How many bytes to look at before deciding on the encoding (enough for any sensible XML declaration). */
export const sniffLength = 1024;

const magic: { bytes: number[]; what: string }[] = [
  { bytes: [0x25, 0x50, 0x44, 0x46], what: 'a PDF document' },
  { bytes: [0x50, 0x4b, 0x03, 0x04], what: 'a ZIP archive (such as a Word or Excel file)' },
  { bytes: [0xd0, 0xcf, 0x11, 0xe0], what: 'an older Microsoft Office document' },
  { bytes: [0x89, 0x50, 0x4e, 0x47], what: 'a PNG image' },
  { bytes: [0xff, 0xd8, 0xff], what: 'a JPEG image' },
  { bytes: [0x1f, 0x8b], what: 'a gzip archive' },
];

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  return prefix.every((b, i) => bytes[i] === b);
}

function declaredFamily(label: string): CtfEncoding | 'utf-16' | null {
  switch (label.toLowerCase()) {
    case 'utf-8':
    case 'utf8':
    case 'us-ascii':
    case 'ascii':
      return 'utf-8';
    case 'utf-16':
    case 'utf-16le':
    case 'utf-16be':
    case 'ucs-2':
    case 'unicode':
      return 'utf-16';
    case 'iso-8859-1':
    case 'iso_8859-1':
    case 'latin1':
    case 'latin-1':
    case 'l1':
    case 'windows-1252':
    case 'cp1252':
      return 'windows-1252';
    case 'iso-8859-15':
    case 'latin9':
    case 'latin-9':
      return 'iso-8859-15';
    default:
      return null;
  }
}

/**
 * Decides the encoding from the first bytes of a file (`head`: up to `sniffLength` bytes, or the whole file).
 * Also rejects what is plainly not XML (an empty file, a PDF renamed `.xml`) before any decoding.
 */
export function sniffEncoding(head: Uint8Array): SniffedEncoding | EncodingProblem {
  if (head.length === 0) return { ok: false, code: 'FILE_EMPTY', message: 'The file is empty.' };
  let family: CtfEncoding;
  let bomLength = 0;
  if (startsWith(head, [0xef, 0xbb, 0xbf])) {
    family = 'utf-8';
    bomLength = 3;
  } else if (startsWith(head, [0xff, 0xfe])) {
    family = 'utf-16le';
    bomLength = 2;
  } else if (startsWith(head, [0xfe, 0xff])) {
    family = 'utf-16be';
    bomLength = 2;
  } else if (head[0] === 0x3c && head[1] === 0x00) family = 'utf-16le';
  else if (head[0] === 0x00 && head[1] === 0x3c) family = 'utf-16be';
  else family = 'utf-8';

  const unit = family === 'utf-16le' || family === 'utf-16be' ? 2 : 1;
  const low = family === 'utf-16be' ? 1 : 0;
  let i = bomLength;
  for (; i + unit <= head.length; i += unit) {
    const b = head[i + low];
    const other = unit === 2 ? head[i + 1 - low] : 0;
    if (other !== 0 || (b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d)) break;
  }
  if (i + unit > head.length) {
    return { ok: false, code: 'FILE_EMPTY', message: 'The file holds no XML: it is empty or only white space.' };
  }
  if (head[i + low] !== 0x3c || (unit === 2 && head[i + 1 - low] !== 0)) {
    const known = magic.find((m) => startsWith(head, m.bytes));
    return {
      ok: false,
      code: 'NOT_XML',
      message: known
        ? `The file is not XML: it looks like ${known.what}.`
        : 'The file is not XML: it does not start with "<" (after any byte order mark and white space).',
    };
  }

  const headText = new TextDecoder(unit === 2 ? family : 'latin1').decode(head.subarray(bomLength));
  const m = /^\s*<\?xml\s[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]{1,40})["']/.exec(headText);
  const declared = m ? (m[1] ?? null) : null;
  if (declared === null) return { ok: true, encoding: family, bomLength, declared };

  const named = declaredFamily(declared);
  if (named === null) {
    return {
      ok: false,
      code: 'ENCODING_UNSUPPORTED',
      message: `The XML declaration names the encoding "${declared}"; s2s reads UTF-8, UTF-16 and Latin-1/Windows-1252.`,
    };
  }
  if (unit === 2) {
    if (named !== 'utf-16') {
      return {
        ok: false,
        code: 'ENCODING_MISMATCH',
        message: `The file is written in UTF-16 but its XML declaration says "${declared}".`,
      };
    }
    return { ok: true, encoding: family, bomLength, declared };
  }
  if (named === 'utf-16') {
    return {
      ok: false,
      code: 'ENCODING_MISMATCH',
      message: `The XML declaration says "${declared}" but the file is not written in UTF-16 (no byte order mark, single-byte characters).`,
    };
  }
  if (bomLength === 3 && named !== 'utf-8') {
    return {
      ok: false,
      code: 'ENCODING_MISMATCH',
      message: `The file starts with a UTF-8 byte order mark but its XML declaration says "${declared}".`,
    };
  }
  return { ok: true, encoding: named, bomLength, declared };
}

/** The offset of the first byte that does not start a valid UTF-8 sequence; `final` treats a cut-off sequence as invalid. */
export function findInvalidUtf8(bytes: Uint8Array, final: boolean): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i] ?? 0;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      if (i + k >= n) return final ? i : -1;
      const c = bytes[i + k] ?? 0;
      if (k === 1 ? c < lo || c > hi : c < 0x80 || c > 0xbf) return i;
    }
    i += need + 1;
  }
  return -1;
}

/** The offset of the first UTF-16 code unit that is an unpaired surrogate (or a dangling odd byte when final). */
export function findInvalidUtf16(bytes: Uint8Array, bigEndian: boolean, final: boolean): number {
  const n = bytes.length - (bytes.length % 2);
  for (let i = 0; i < n; i += 2) {
    const u = bigEndian ? ((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0) : ((bytes[i + 1] ?? 0) << 8) | (bytes[i] ?? 0);
    if (u >= 0xdc00 && u <= 0xdfff) return i;
    if (u >= 0xd800 && u <= 0xdbff) {
      if (i + 2 >= n) return final ? i : -1;
      const v = bigEndian
        ? ((bytes[i + 2] ?? 0) << 8) | (bytes[i + 3] ?? 0)
        : ((bytes[i + 3] ?? 0) << 8) | (bytes[i + 2] ?? 0);
      if (v < 0xdc00 || v > 0xdfff) return i;
      i += 2;
    }
  }
  return final && bytes.length % 2 === 1 ? bytes.length - 1 : -1;
}

export type DecodeStep =
  { ok: true; text: string; byteStart: number; byteLength: number } | { ok: false; offset: number };

/**
 * A streaming decoder that reports, for each piece of text, the byte offset it starts at and how many bytes it
 * covers. `push` the file's bytes in order (including the byte order mark), then `end`. Decoding is fatal: invalid
 * bytes are reported with their offset, never replaced. UTF-8 is decoded in whole characters (a character cut at
 * the end of a chunk waits for the next), so each piece's byte count is exact without re-encoding it.
 */
export class ByteDecoder {
  private readonly decoder: TextDecoder;
  private accounted: number;
  private fed = 0;
  private bomToSkip: number;
  /** UTF-8: the bytes of a character cut off at the end of the last chunk. */
  private pending: Buffer = Buffer.alloc(0);
  /** The last few bytes fed, to locate an invalid sequence that started in an earlier chunk. */
  private tail: Uint8Array = new Uint8Array(0);

  constructor(
    readonly encoding: CtfEncoding,
    bomLength: number,
  ) {
    // For UTF-8 the BOM is skipped here, so the decoder must keep any U+FEFF it meets later.
    this.decoder = new TextDecoder(encoding, { fatal: true, ignoreBOM: encoding === 'utf-8' });
    this.accounted = bomLength;
    this.bomToSkip = encoding === 'utf-8' ? bomLength : 0;
  }

  private lengthOf(text: string): number {
    if (this.encoding === 'utf-16le' || this.encoding === 'utf-16be') return text.length * 2;
    return text.length;
  }

  private locate(chunk: Uint8Array, final: boolean): number {
    // Bytes fed but not yet turned into text (an incomplete character) sit at the end of `tail`.
    const pending = Math.max(0, Math.min(this.tail.length, this.fed - chunk.length - this.accounted));
    const bytes = Buffer.concat([this.tail.subarray(this.tail.length - pending), chunk]);
    const relative =
      this.encoding === 'utf-8'
        ? findInvalidUtf8(bytes, final)
        : findInvalidUtf16(bytes, this.encoding === 'utf-16be', final);
    return this.accounted + Math.max(0, relative);
  }

  push(chunk: Uint8Array): DecodeStep {
    if (this.encoding === 'utf-8') return this.pushUtf8(chunk);
    this.fed += chunk.length;
    let text: string;
    try {
      // Always in stream mode: Node 20 decodes a one-shot "windows-1252" call as ISO-8859-1 (0x92 → U+0092).
      text = this.decoder.decode(chunk, { stream: true });
    } catch {
      return { ok: false, offset: this.locate(chunk, false) };
    }
    this.rememberTail(chunk);
    return this.account(text, this.lengthOf(text));
  }

  private pushUtf8(chunk: Uint8Array): DecodeStep {
    let bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    if (this.bomToSkip > 0) {
      const skip = Math.min(this.bomToSkip, bytes.length);
      bytes = bytes.subarray(skip);
      this.bomToSkip -= skip;
    }
    if (this.pending.length > 0) bytes = Buffer.concat([this.pending, bytes]);
    // Keep back a character cut off at the end of the chunk.
    let end = bytes.length;
    for (let k = 1; k <= 3 && k <= bytes.length; k++) {
      const b = bytes[bytes.length - k] ?? 0;
      if ((b & 0xc0) === 0x80) continue;
      if (b >= 0xc0 && k < (b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2)) end = bytes.length - k;
      break;
    }
    const body = bytes.subarray(0, end);
    let text: string;
    try {
      // Whole characters only, so each call stands alone and the byte count is exact.
      text = this.decoder.decode(body);
    } catch {
      return { ok: false, offset: this.accounted + Math.max(0, findInvalidUtf8(body, false)) };
    }
    this.pending = Buffer.from(bytes.subarray(end));
    return this.account(text, body.length);
  }

  end(): DecodeStep {
    if (this.encoding === 'utf-8') {
      if (this.pending.length > 0) return { ok: false, offset: this.accounted };
      return this.account('', 0);
    }
    let text: string;
    try {
      text = this.decoder.decode();
    } catch {
      return { ok: false, offset: this.locate(new Uint8Array(0), true) };
    }
    return this.account(text, this.lengthOf(text));
  }

  private rememberTail(chunk: Uint8Array): void {
    if (chunk.length >= 4) this.tail = chunk.subarray(chunk.length - 4);
    else {
      const joined = Buffer.concat([this.tail, chunk]);
      this.tail = joined.subarray(Math.max(0, joined.length - 4));
    }
  }

  private account(text: string, byteLength: number): DecodeStep {
    const byteStart = this.accounted;
    this.accounted += byteLength;
    return { ok: true, text, byteStart, byteLength };
  }
}
