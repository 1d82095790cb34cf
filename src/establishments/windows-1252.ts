/**
 * Windows-1252, the encoding of DfE's GIAS extracts. Written out here because Node 20's TextDecoder, outside
 * stream mode, treats the label as ISO-8859-1 and turns bytes 0x80–0x9F (’ “ ” – € …) into control characters;
 * a table is also simpler to trust than that distinction.
 */

// Bytes 0x80–0x9F; the five bytes Windows-1252 leaves undefined map to the same code point, as WHATWG does.
const high = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

const toChar: string[] = Array.from({ length: 256 }, (_, byte) =>
  String.fromCharCode(byte >= 0x80 && byte <= 0x9f ? high[byte - 0x80]! : byte),
);
const toByte = new Map(toChar.map((ch, byte) => [ch, byte]));

export function decodeWindows1252(bytes: Uint8Array): string {
  let out = '';
  // Build in slices: string concatenation per character is slow for a 60 MB extract.
  const slice = 8192;
  for (let start = 0; start < bytes.length; start += slice) {
    const end = Math.min(bytes.length, start + slice);
    const chars = new Array<string>(end - start);
    for (let i = start; i < end; i++) chars[i - start] = toChar[bytes[i]!]!;
    out += chars.join('');
  }
  return out;
}

/** Encodes text as Windows-1252; throws on characters it cannot hold. */
export function encodeWindows1252(text: string): Buffer {
  const out = Buffer.alloc(text.length);
  let i = 0;
  for (const ch of text) {
    const byte = toByte.get(ch);
    if (byte === undefined) throw new Error(`“${ch}” cannot be written in Windows-1252`);
    out[i++] = byte;
  }
  return out.subarray(0, i);
}
