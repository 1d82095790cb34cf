/**
 * Where the parser is in a file: the path of the open elements, the line and column of an element's start tag for
 * issues, and the byte offset of a character position, for each pupil's byte range. Only the piece of text being
 * parsed and the one before it are kept, so memory does not grow with the file.
 */

import type { SaxesParser } from 'saxes';
import type { IssuePlace } from './issues.js';

/** Line, column and character position of the `<` of a start tag. */
export interface StartTagPlace {
  line: number;
  column: number;
  startPos: number;
}

export class DocumentPosition {
  /** The names of the open elements, the root first, without namespace prefixes. */
  readonly stack: string[] = [];
  // The text being parsed, and how its characters map to bytes.
  private pieceText = '';
  private pieceCharStart = 0;
  private pieceByteStart = 0;
  /** One byte per character in this piece. */
  private pieceSimple = true;
  /** Bytes per UTF-16 code unit when fixed (2 for UTF-16), else 1 for ASCII runs. */
  private unitBytes = 1;
  private cursorRel = 0;
  private cursorBytes = 0;
  private prevText = '';
  private prevCharStart = 0;

  /** `pupilIndex` gives the index of the pupil being read (null between pupils), numbered in paths. */
  constructor(
    private readonly parser: SaxesParser,
    private readonly pupilIndex: () => number | null,
  ) {}

  /** The text starts at `firstByte` (after a byte order mark), `unitBytes` bytes a code unit when fixed. */
  startText(unitBytes: number, firstByte: number): void {
    this.unitBytes = unitBytes;
    this.pieceByteStart = firstByte;
  }

  /** The next piece of text is about to be parsed: `byteLength` bytes of the file from `byteStart`. */
  nextPiece(text: string, byteStart: number, byteLength: number): void {
    this.prevText = this.pieceText;
    this.prevCharStart = this.pieceCharStart;
    this.pieceCharStart += this.pieceText.length;
    this.pieceText = text;
    this.pieceByteStart = byteStart;
    this.pieceSimple = this.unitBytes === 2 || byteLength === text.length;
    this.cursorRel = 0;
    this.cursorBytes = 0;
  }

  /** The UTF-16 code unit at a position in the text parsed so far (current or previous piece), or -1. */
  charCodeAt(pos: number): number {
    if (pos >= this.pieceCharStart)
      return pos - this.pieceCharStart < this.pieceText.length
        ? this.pieceText.charCodeAt(pos - this.pieceCharStart)
        : -1;
    if (pos >= this.prevCharStart) return this.prevText.charCodeAt(pos - this.prevCharStart);
    return -1;
  }

  byteOffsetAt(pos: number): number {
    const rel = pos - this.pieceCharStart;
    // Before the current piece only the ASCII characters of a tag can be asked for.
    if (rel <= 0 || this.pieceSimple) return this.pieceByteStart + rel * this.unitBytes;
    if (rel < this.cursorRel) {
      this.cursorRel = 0;
      this.cursorBytes = 0;
    }
    this.cursorBytes += Buffer.byteLength(this.pieceText.slice(this.cursorRel, rel), 'utf8');
    this.cursorRel = rel;
    return this.pieceByteStart + this.cursorBytes;
  }

  /** The path of the open elements, the pupil numbered (`/CTfile/CTFpupilData/Pupil[2]/UPN`). */
  path(): string {
    const parts = this.stack.slice();
    const index = this.pupilIndex();
    if (index !== null && parts.length >= 3) parts[2] = `Pupil[${index + 1}]`;
    return `/${parts.join('/')}`;
  }

  /** Where the parser is now. */
  here(): IssuePlace {
    return { line: this.parser.line, column: this.parser.column, path: this.path() };
  }

  /** Where the start tag just read began; `name` as written, `pos` the parser's position after it. */
  placeOfStart(name: string, pos: number): StartTagPlace {
    // The parser has read `<`, the name and one terminator (two for CR LF).
    const last = this.charCodeAt(pos - 1);
    const terminator = last === 10 && this.charCodeAt(pos - 2) === 13 ? 2 : 1;
    const startPos = pos - terminator - name.length - 1;
    if (last !== 10 && last !== 13) {
      return { line: this.parser.line, column: this.parser.column - name.length - 1, startPos };
    }
    let column = 1;
    for (let k = startPos - 1; k >= startPos - 10_000 && k >= this.prevCharStart; k--) {
      const c = this.charCodeAt(k);
      if (c === 10 || c === 13 || c < 0) break;
      column++;
    }
    return { line: this.parser.line - 1, column, startPos };
  }

  /** Where the start tag just read began, with the path of the open elements. */
  placeHere(name: string, pos: number): IssuePlace {
    const { line, column } = this.placeOfStart(name, pos);
    return { line, column, path: this.path() };
  }
}
