/**
 * Limits that bound the work and memory one file can cost. Every limit is configurable; the defaults are
 * generous for real CTFs (a large secondary school's full CTF is tens of megabytes, a few levels deep).
 */

export interface CtfLimits {
  /** Bytes in the file. */
  maxBytes: number;
  /** Element nesting depth (a CTF is about eight deep). */
  maxDepth: number;
  /** Elements in the file. */
  maxElements: number;
  /**
   * Characters in one text node, comment or tag (a tag's attributes included, which also bounds how many
   * attributes an element can have).
   */
  maxTextLength: number;
  /** Parsing stops after this many errors. */
  maxErrors: number;
  /** Warnings beyond this many are not recorded. */
  maxWarnings: number;
}

export const defaultLimits: Readonly<CtfLimits> = Object.freeze({
  maxBytes: 256 * 1024 * 1024,
  maxDepth: 32,
  maxElements: 10_000_000,
  maxTextLength: 1024 * 1024,
  maxErrors: 1000,
  maxWarnings: 1000,
});
