/**
 * Works out which encoding a GIAS extract is in and reads it as text. DfE documents its extracts as Windows-1252,
 * but has shipped them as UTF-8 too, with and without a byte order mark: a file that is valid UTF-8 and holds any
 * character beyond ASCII is read as UTF-8, anything else as Windows-1252 (where every byte is a character).
 */
import fs from 'node:fs';
import { TextDecoder } from 'node:util';
import { RegisterRefusedError } from './register-refused.js';
import { decodeWindows1252 } from './windows-1252.js';

export type RegisterEncoding = 'UTF-8 with byte order mark' | 'UTF-8' | 'Windows-1252';

const bom = [0xef, 0xbb, 0xbf];

/** Decides the encoding from the bytes; reads every byte, since one accented name near the end settles it. */
export async function detectRegisterEncoding(chunks: AsyncIterable<Uint8Array>): Promise<RegisterEncoding> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let first = true;
  let beyondAscii = false;
  try {
    for await (const chunk of chunks) {
      if (first && bom.every((b, i) => chunk[i] === b)) return 'UTF-8 with byte order mark';
      first = false;
      if (!beyondAscii) beyondAscii = chunk.some((b) => b >= 0x80);
      decoder.decode(chunk, { stream: true });
    }
    decoder.decode();
  } catch {
    return 'Windows-1252';
  }
  return beyondAscii ? 'UTF-8' : 'Windows-1252';
}

function readBytes(file: string): AsyncIterable<Buffer> {
  return fs.createReadStream(file, { highWaterMark: 1 << 20 });
}

/** The file as text in the encoding found, without its byte order mark. */
export async function* readRegisterText(file: string, encoding: RegisterEncoding): AsyncGenerator<string> {
  if (encoding === 'Windows-1252') {
    // A single-byte encoding: every chunk decodes on its own, with no character split across chunks.
    for await (const chunk of readBytes(file)) yield decodeWindows1252(chunk);
    return;
  }
  // The byte order mark is dropped by the decoder. A character split between chunks waits for the next chunk.
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let offset = 0;
  for await (const chunk of readBytes(file)) {
    try {
      yield decoder.decode(chunk, { stream: true });
    } catch {
      throw new RegisterRefusedError(
        `The GIAS extract starts with a UTF-8 byte order mark but is not UTF-8 within bytes ${offset}–${offset + chunk.length}: save it again as UTF-8 or as Windows-1252 (“CSV” in Excel)`,
      );
    }
    offset += chunk.length;
  }
  yield decoder.decode();
}

/** Opens an extract on disk as text, with the encoding it was found to be in. */
export async function openRegisterFile(
  file: string,
): Promise<{ encoding: RegisterEncoding; text: AsyncIterable<string> }> {
  const encoding = await detectRegisterEncoding(readBytes(file));
  return { encoding, text: readRegisterText(file, encoding) };
}
