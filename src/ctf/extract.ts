/**
 * Extracts one pupil from a CTF as a CTF of its own: the original bytes before the first pupil (XML declaration,
 * header, pupil-data start tag), that pupil's bytes exactly as they came, and the original bytes after the last
 * pupil. Because it copies byte ranges, it works for any encoding the parser accepts (UTF-8, UTF-16 with its BOM,
 * Latin-1): the result is in the same encoding as the original, with the same declaration.
 */

import type { ByteRange, CtfLayout } from './model.js';

/** Reads bytes `[start, end)` of the stored original (from a blob store, a file, …). */
export type ReadRange = (start: number, end: number) => Promise<Uint8Array>;

function checkRange(layout: CtfLayout, range: ByteRange): void {
  const ok =
    range.start >= layout.pupilsStart &&
    range.end <= layout.pupilsEnd &&
    range.start < range.end &&
    layout.pupilsEnd <= layout.byteLength;
  if (!ok) throw new RangeError('extractPupil: the pupil is not inside this layout');
}

/** One pupil as a CTF, from the whole original in memory. Throws RangeError when the range does not belong to the layout. */
export function extractPupil(original: Uint8Array, layout: CtfLayout, pupil: { byteRange: ByteRange }): Buffer {
  checkRange(layout, pupil.byteRange);
  return Buffer.concat([
    original.subarray(0, layout.pupilsStart),
    original.subarray(pupil.byteRange.start, pupil.byteRange.end),
    original.subarray(layout.pupilsEnd, layout.byteLength),
  ]);
}

/** One pupil as a CTF, reading only the three byte ranges it needs from the stored original. */
export async function extractPupilFrom(
  read: ReadRange,
  layout: CtfLayout,
  pupil: { byteRange: ByteRange },
): Promise<Buffer> {
  checkRange(layout, pupil.byteRange);
  const parts = await Promise.all([
    read(0, layout.pupilsStart),
    read(pupil.byteRange.start, pupil.byteRange.end),
    read(layout.pupilsEnd, layout.byteLength),
  ]);
  return Buffer.concat(parts);
}
