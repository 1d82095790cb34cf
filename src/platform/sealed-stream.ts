/**
 * Streaming authenticated encryption for file bodies. The body is cut into 64 KiB segments, each sealed with
 * AES-256-GCM under the file's data key; the nonce and the associated data carry the segment number and a
 * "last segment" flag. A reader therefore verifies every segment before releasing a byte of it, and notices a
 * reordered, dropped, altered or truncated segment (the construction is the STREAM scheme of Hoang et al.).
 */
import crypto from 'node:crypto';
import { IntegrityError } from './keys.js';

const MAGIC = Buffer.from('S2SB1');
export const SEGMENT = 64 * 1024;
const TAG = 16;
export const HEADER_LENGTH = MAGIC.length + 7;

function nonceFor(prefix: Buffer, index: number, last: boolean): Buffer {
  const nonce = Buffer.alloc(12);
  prefix.copy(nonce, 0, 0, 7);
  nonce.writeUInt32BE(index, 7);
  nonce[11] = last ? 1 : 0;
  return nonce;
}

function sealSegment(key: Buffer, prefix: Buffer, index: number, last: boolean, plain: Buffer): Buffer {
  const cipher = crypto.createCipheriv('aes-256-gcm', key, nonceFor(prefix, index, last));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([body, cipher.getAuthTag()]);
}

/** Encrypts a stream of plaintext chunks; yields the sealed format: magic ‖ nonce prefix ‖ segments. */
export async function* sealStream(
  key: Buffer,
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): AsyncGenerator<Buffer> {
  const prefix = crypto.randomBytes(7);
  yield Buffer.concat([MAGIC, prefix]);
  let pending = Buffer.alloc(0);
  let index = 0;
  for await (const chunk of source) {
    pending = pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([pending, chunk]);
    // Hold back at least one byte so that the final segment is always sealed with the last flag.
    while (pending.length > SEGMENT) {
      yield sealSegment(key, prefix, index++, false, pending.subarray(0, SEGMENT));
      pending = pending.subarray(SEGMENT);
    }
  }
  yield sealSegment(key, prefix, index, true, pending);
}

/** Decrypts the sealed format, verifying each segment before yielding it. Throws IntegrityError on tampering. */
export async function* openStream(
  key: Buffer,
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): AsyncGenerator<Buffer> {
  const header = MAGIC.length + 7;
  const sealedSegment = SEGMENT + TAG;
  let pending = Buffer.alloc(0);
  let prefix: Buffer | undefined;
  let index = 0;
  let finished = false;

  const open = (sealed: Buffer, last: boolean): Buffer => {
    if (finished) throw new IntegrityError('file body has data after its last segment');
    if (sealed.length < TAG) throw new IntegrityError(`file body segment ${index} is truncated`);
    const decipher = crypto.createDecipheriv('aes-256-gcm', key, nonceFor(prefix!, index, last));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG));
    try {
      const plain = Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG)), decipher.final()]);
      index++;
      finished = last;
      return plain;
    } catch {
      throw new IntegrityError(`file body segment ${index} failed its integrity check: the stored file was altered`);
    }
  };

  for await (const chunk of source) {
    pending = pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([pending, chunk]);
    if (!prefix) {
      if (pending.length < header) continue;
      if (!pending.subarray(0, MAGIC.length).equals(MAGIC)) throw new IntegrityError('file body is not in s2s format');
      prefix = Buffer.from(pending.subarray(MAGIC.length, header));
      pending = pending.subarray(header);
    }
    // A full segment is final only if nothing follows it, so keep one full segment back until more arrives.
    while (pending.length > sealedSegment) {
      yield open(pending.subarray(0, sealedSegment), false);
      pending = pending.subarray(sealedSegment);
    }
  }
  if (!prefix) throw new IntegrityError('file body is truncated (no header)');
  yield open(pending, true);
}

/** Where segment `index` of a body of `size` plaintext bytes sits in the sealed form, and whether it is the last. */
export function segmentSpan(size: number, index: number): { offset: number; length: number; last: boolean } {
  const count = size === 0 ? 1 : Math.ceil(size / SEGMENT);
  const last = index === count - 1;
  const plain = last ? size - index * SEGMENT : SEGMENT;
  return { offset: HEADER_LENGTH + index * (SEGMENT + TAG), length: plain + TAG, last };
}

/** The nonce prefix from a sealed body's header; throws IntegrityError when the header is not ours. */
export function noncePrefix(header: Buffer): Buffer {
  if (header.length < HEADER_LENGTH || !header.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new IntegrityError('file body is not in s2s format');
  }
  return Buffer.from(header.subarray(MAGIC.length, HEADER_LENGTH));
}

/** Opens one sealed segment on its own, for random access into a body. */
export function openSegment(key: Buffer, prefix: Buffer, index: number, last: boolean, sealed: Buffer): Buffer {
  if (sealed.length < TAG) throw new IntegrityError(`file body segment ${index} is truncated`);
  const decipher = crypto.createDecipheriv('aes-256-gcm', key, nonceFor(prefix, index, last));
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG)), decipher.final()]);
  } catch {
    throw new IntegrityError(`file body segment ${index} failed its integrity check: the stored file was altered`);
  }
}
