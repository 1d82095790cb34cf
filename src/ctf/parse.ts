/**
 * The streaming CTF/ATF parser: reads a file as a Buffer or as chunks (an upload being stored as it arrives),
 * with memory that does not grow with the file, and produces the header, each pupil's identity fields and the
 * byte range of each pupil's XML, checking limits, well-formedness and the CTF rules as it goes. It never throws
 * on bad input: problems come back as values.
 */

import { SaxesParser } from 'saxes';
import { ByteDecoder, sniffEncoding, sniffLength, type CtfEncoding } from './decode.js';
import { issue, noPlace, type CtfIssue, type IssuePlace } from './issues.js';
import { defaultLimits, type CtfLimits } from './limits.js';
import type { CtfDocumentType, CtfHeader, CtfLayout, CtfParseResult, CtfPupil } from './model.js';
import {
  checkFileName,
  checkHeader,
  checkPupil,
  defaultRuleOptions,
  emptyMeansAbsent,
  headerFromDraft,
  headerPath,
  knownBasicDetailsElements,
  knownHeaderElements,
  knownPupilElements,
  pupilIdentityFromDraft,
  pupilPath,
  type Field,
  type HeaderDraft,
  type PupilDraft,
  type RuleOptions,
} from './validate.js';

export type CtfInput = Uint8Array | string | AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

export interface ParseOptions {
  /** The file's name as uploaded; when given, its source, destination and type are checked against the header. */
  fileName?: string;
  limits?: Partial<CtfLimits>;
  /** Keep every pupil in the result (default true). Set false with `onPupil` to consume pupils one at a time. */
  retainPupils?: boolean;
  /** Called with each pupil as soon as it has been read and checked, in order; awaited when it returns a promise. */
  onPupil?: (pupil: CtfPupil) => void | Promise<void>;
  /**
   * After parsing stops early (a fatal error or a limit), keep reading the input to its end without parsing it, so a
   * caller storing the same stream sees every byte. Default false: reading stops and the input is released.
   */
  consumeAll?: boolean;
  /** Version and plausible-age rules. */
  rules?: Partial<RuleOptions>;
  /** Date (YYYY-MM-DD) the plausible age range is measured on; default the header's DateTime, else today. */
  referenceDate?: string;
}

/** Bytes handed to the decoder and the XML parser at a time: bounds the work between limit checks. */
const pieceSize = 64 * 1024;
const maxHeaderOther = 100;
const doctypeMessage =
  'The file has a DOCTYPE declaration. A CTF never has one, and s2s does not read DTDs or entities.';
const maxOtherText = 1000;

const singleValuedPupilKeys: ReadonlySet<string> = new Set([
  'UPN',
  'UniqueLearnerNumber',
  'Surname',
  'Forename',
  'DOB',
  'Gender',
  'Sex',
  'ApplicationReference',
]);
const pupilTopCaptures: ReadonlySet<string> = new Set([
  'UPN',
  'UniqueLearnerNumber',
  'Surname',
  'Forename',
  'DOB',
  'Gender',
  'Sex',
  'ApplicationReference',
  'FormerUPN',
  'MiddleNames',
  'PreferredSurname',
  'PreferredForename',
  'FormerSurname',
  'FormerForename',
]);
const basicDetailsCaptures: ReadonlySet<string> = new Set([
  'FormerUPN',
  'PreferredSurname',
  'PreferredForename',
  'FormerSurname',
  'FormerForename',
  'MiddleNames',
  'Sex',
  'Gender',
]);
const schoolCaptures: ReadonlySet<string> = new Set([
  'LEA',
  'Estab',
  'URN',
  'SchoolName',
  'EntryDate',
  'LeavingDate',
  'LeavingReason',
]);

/**
 * A copy of a string that does not point into the parser's input. V8 represents a substring as a view of its parent,
 * so keeping a 13-character UPN from a 64 kB piece of text would keep the whole piece alive: over a large file,
 * memory would grow with the file. Every string the model keeps goes through here.
 */
function detach(text: string): string {
  return text.length === 0 ? '' : Buffer.from(text, 'utf8').toString('utf8');
}

/**
 * An element's name without its namespace prefix. Some suppliers' serialisers write `<ctf:CTfile xmlns:ctf="…">`
 * and prefix every element; the prefix only stands for a namespace, so `ctf:Pupil` is read as `Pupil`, as a file
 * with a default namespace (`<CTfile xmlns="…">`) always was. s2s checks names, not namespaces.
 */
function localName(qualified: string): string {
  const colon = qualified.indexOf(':');
  return colon < 0 ? qualified : qualified.slice(colon + 1);
}

function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

async function* piecesOf(input: CtfInput): AsyncGenerator<Uint8Array> {
  if (typeof input === 'string') input = Buffer.from(input, 'utf8');
  if (input instanceof Uint8Array) {
    for (let i = 0; i < input.length; i += pieceSize) yield input.subarray(i, i + pieceSize);
    return;
  }
  for await (const chunk of input) {
    for (let i = 0; i < chunk.length; i += pieceSize) yield chunk.subarray(i, i + pieceSize);
  }
}

interface Capture {
  kind: 'header' | 'pupil' | 'school';
  depth: number;
  key: string;
  line: number;
  column: number;
  text: string;
}

/** Parses and checks a CTF or ATF. Never throws for bad input; a throwing `onPupil` callback propagates. */
export async function parseCtf(input: CtfInput, options: ParseOptions = {}): Promise<CtfParseResult> {
  const limits: CtfLimits = { ...defaultLimits, ...options.limits };
  const rules: RuleOptions = { ...defaultRuleOptions, ...options.rules };
  const retain = options.retainPupils ?? true;

  const errors: CtfIssue[] = [];
  const warnings: CtfIssue[] = [];
  const pupils: CtfPupil[] = [];
  const ready: CtfPupil[] = [];
  let stopped = false as boolean;
  let errorLimitHit = false;

  let documentType = null as CtfDocumentType | null;
  let pupilDataName = '';
  let encoding = null as CtfEncoding | null;
  let header = null as CtfHeader | null;
  let headerDraft: HeaderDraft | null = null;
  let headerSeen = false;
  let pupilDataSeen = false;
  let pupilCount = 0;
  let pupil: PupilDraft | null = null;
  let pupilIssues: CtfIssue[] = [];
  let pupilStartByte = 0;
  let pupilStartElements = 0;
  let school: Map<string, Field> | null = null;
  let pupilsStart = -1;
  let pupilsEnd = -1;
  let pupilDataContentStart = -1;
  let secondPupilPlace: IssuePlace | null = null;
  const upnsSeen = new Set<string>();
  const unknownSeen = new Set<string>();
  let referenceDate = options.referenceDate ?? null;

  const report = (found: CtfIssue): void => {
    if (found.severity === 'warning') {
      if (warnings.length < limits.maxWarnings) warnings.push(found);
      if (pupil) pupilIssues.push(found);
      return;
    }
    if (errorLimitHit) return;
    if (errors.length >= limits.maxErrors) {
      errorLimitHit = true;
      errors.push(issue('ERROR_LIMIT_REACHED', 'error', `Stopped after ${limits.maxErrors} errors.`, noPlace));
      stopped = true;
      return;
    }
    errors.push(found);
    if (pupil) pupilIssues.push(found);
  };
  const fatal = (found: CtfIssue): void => {
    report(found);
    stopped = true;
  };

  // ---- the text being parsed, and how its characters map to bytes ----
  let pieceText = '';
  let pieceCharStart = 0;
  let pieceByteStart = 0;
  let pieceSimple = true; // one byte per character in this piece
  let unitBytes = 1; // bytes per UTF-16 code unit when fixed (2 for UTF-16), else 1 for ASCII runs
  let cursorRel = 0;
  let cursorBytes = 0;
  let prevText = '';
  let prevCharStart = 0;
  let doctypeProbe = '';

  /** The UTF-16 code unit at a position in the text parsed so far (current or previous piece), or -1. */
  const charCodeAt = (pos: number): number => {
    if (pos >= pieceCharStart)
      return pos - pieceCharStart < pieceText.length ? pieceText.charCodeAt(pos - pieceCharStart) : -1;
    if (pos >= prevCharStart) return prevText.charCodeAt(pos - prevCharStart);
    return -1;
  };
  const byteOffsetAt = (pos: number): number => {
    const rel = pos - pieceCharStart;
    // Before the current piece only the ASCII characters of a tag can be asked for.
    if (rel <= 0 || pieceSimple) return pieceByteStart + rel * unitBytes;
    if (rel < cursorRel) {
      cursorRel = 0;
      cursorBytes = 0;
    }
    cursorBytes += Buffer.byteLength(pieceText.slice(cursorRel, rel), 'utf8');
    cursorRel = rel;
    return pieceByteStart + cursorBytes;
  };

  const parser = new SaxesParser({ position: true });
  const stack: string[] = [];
  let elementCount = 0;
  let lastEventPos = 0;
  let capture: Capture | null = null;

  const pathOfStack = (): string => {
    const parts = stack.slice();
    if (pupil && parts.length >= 3) parts[2] = `Pupil[${pupil.index + 1}]`;
    return `/${parts.join('/')}`;
  };
  const hereFromParser = (): IssuePlace => ({ line: parser.line, column: parser.column, path: pathOfStack() });

  const onText = (text: string): void => {
    lastEventPos = parser.position;
    if (capture && stack.length === capture.depth) {
      capture.text += text;
      if (capture.text.length > limits.maxTextLength) tooLong();
    }
  };
  const beginCapture = (kind: Capture['kind'], depth: number, key: string, name: string, pos: number): void => {
    const { line, column } = placeOfStart(name, pos);
    capture = { kind, depth, key, line, column, text: '' };
    parser.on('text', onText);
  };
  const stopCapture = (): void => {
    capture = null;
    parser.off('text');
  };
  const tooLong = (): void => {
    fatal(
      issue(
        'TEXT_LIMIT_EXCEEDED',
        'error',
        `A single piece of text, attribute, comment or tag is longer than the limit of ${limits.maxTextLength} characters.`,
        hereFromParser(),
      ),
    );
  };

  const warnUnknown = (key: string, place: IssuePlace): void => {
    if (unknownSeen.has(key)) return;
    unknownSeen.add(key);
    report(
      issue('ELEMENT_UNKNOWN', 'warning', `The element ${key} is not one s2s knows; it is kept as it came.`, place),
    );
  };

  const finishHeader = (): void => {
    if (!headerDraft || !documentType) return;
    for (const found of checkHeader(headerDraft, documentType, rules)) report(found);
    header = headerFromDraft(headerDraft, documentType);
    if (referenceDate === null && header.dateTime && /^[0-9]{4}-[0-9]{2}-[0-9]{2}T/.test(header.dateTime)) {
      referenceDate = header.dateTime.slice(0, 10);
    }
    if (options.fileName !== undefined) {
      for (const found of checkFileName(options.fileName, header, documentType, headerDraft.place)) report(found);
    }
    headerDraft = null;
  };

  const finishPupil = (endPos: number): void => {
    const draft = pupil;
    if (!draft || !documentType) return;
    const endByte = byteOffsetAt(endPos);
    for (const found of checkPupil(draft, documentType, rules, referenceDate ?? todayUtc())) report(found);
    const upn = draft.fields.get('UPN');
    if (upn && upn.text !== '') {
      if (upnsSeen.has(upn.text)) {
        report(
          issue(
            'UPN_DUPLICATE',
            'error',
            `Pupil ${draft.index + 1} has the same UPN as an earlier pupil in this file.`,
            {
              line: upn.line,
              column: upn.column,
              path: pupilPath(documentType, draft.index, 'UPN'),
            },
          ),
        );
      } else upnsSeen.add(upn.text);
    }
    pupilsEnd = endByte;
    pupil = null;
    school = null;
    // Building the pupil object costs as much as checking it: only build it for a caller that wants it.
    if (!retain && !options.onPupil) {
      pupilIssues = [];
      return;
    }
    const done: CtfPupil = Object.assign(pupilIdentityFromDraft(draft), {
      index: draft.index,
      byteRange: { start: pupilStartByte, end: endByte },
      line: draft.place.line,
      column: draft.place.column,
      elementCount: elementCount - pupilStartElements,
      errors: pupilIssues.filter((x) => x.severity === 'error'),
      warnings: pupilIssues.filter((x) => x.severity === 'warning'),
    });
    pupilIssues = [];
    if (retain) pupils.push(done);
    if (options.onPupil) ready.push(done);
  };

  // Only five handlers, registered in the same order for every parser: saxes stores handlers as properties, and
  // more than about eight of them puts the parser object into V8's slow dictionary mode (a fivefold slow-down).
  parser.on('error', (err: Error) => {
    if (stopped) return;
    const detail = err.message.replace(/^[^:]*:?\d+:\d+: /, '');
    // A DOCTYPE before the root is refused before the parser sees it; one after the root start ends up here.
    if (/doctype/i.test(detail)) {
      fatal(
        issue('DOCTYPE_FORBIDDEN', 'error', doctypeMessage, {
          line: parser.line,
          column: parser.column,
          path: pathOfStack(),
        }),
      );
      return;
    }
    const code = /disallowed character/.test(detail) ? 'XML_INVALID_CHARACTER' : 'XML_NOT_WELL_FORMED';
    const what =
      code === 'XML_INVALID_CHARACTER'
        ? 'The file holds a character XML does not allow (such as a NUL byte)'
        : 'The file is not well-formed XML';
    fatal(
      issue(code, 'error', `${what}: ${detail}`, { line: parser.line, column: parser.column, path: pathOfStack() }),
    );
  });
  parser.on('cdata', (data) => {
    lastEventPos = parser.position;
    if (capture && stack.length === capture.depth) onText(data);
  });
  parser.on('text', onText);
  parser.off('text');

  /** The line, column and character position of the `<` of the element whose start tag was just read. */
  const placeOfStart = (name: string, pos: number): { line: number; column: number; startPos: number } => {
    // The parser has read `<`, the name and one terminator (two for CR LF).
    const last = charCodeAt(pos - 1);
    const terminator = last === 10 && charCodeAt(pos - 2) === 13 ? 2 : 1;
    const startPos = pos - terminator - name.length - 1;
    if (last !== 10 && last !== 13) return { line: parser.line, column: parser.column - name.length - 1, startPos };
    let column = 1;
    for (let k = startPos - 1; k >= startPos - 10_000 && k >= prevCharStart; k--) {
      const c = charCodeAt(k);
      if (c === 10 || c === 13 || c < 0) break;
      column++;
    }
    return { line: parser.line - 1, column, startPos };
  };
  const placeHere = (name: string, pos: number): IssuePlace => {
    const { line, column } = placeOfStart(name, pos);
    return { line, column, path: pathOfStack() };
  };

  parser.on('opentagstart', (tag) => {
    const pos = parser.position;
    lastEventPos = pos;
    if (stopped) return;
    // Positions are measured on the name as written; everything else reads the name without its prefix.
    const written = tag.name;
    const name = localName(written);
    elementCount++;
    if (capture) stopCapture();
    const depth = stack.push(name);
    if (elementCount > limits.maxElements) {
      fatal(
        issue(
          'ELEMENT_LIMIT_EXCEEDED',
          'error',
          `The file has more than ${limits.maxElements} elements.`,
          placeHere(written, pos),
        ),
      );
      return;
    }
    if (depth > limits.maxDepth) {
      fatal(
        issue(
          'DEPTH_LIMIT_EXCEEDED',
          'error',
          `Elements are nested more than ${limits.maxDepth} deep.`,
          placeHere(written, pos),
        ),
      );
      return;
    }
    // The common case first: an element inside a pupil.
    if (pupil !== null && depth > 3) {
      const rel = depth - 3;
      if (rel === 1) {
        if (!knownPupilElements.has(name)) warnUnknown(`Pupil/${name}`, placeHere(written, pos));
        if (pupilTopCaptures.has(name)) beginCapture('pupil', depth, name, written, pos);
      } else if (rel === 2) {
        const parent = stack[3];
        if (parent === 'BasicDetails') {
          if (!knownBasicDetailsElements.has(name)) warnUnknown(`Pupil/BasicDetails/${name}`, placeHere(written, pos));
          if (basicDetailsCaptures.has(name)) beginCapture('pupil', depth, `BasicDetails/${name}`, written, pos);
        } else if (parent === 'Address') {
          if (name === 'PostCode') beginCapture('pupil', depth, 'Address/PostCode', written, pos);
        } else if (parent === 'SchoolHistory' && name === 'School') {
          school = new Map();
          pupil.schools.push(school);
        }
      } else if (rel === 3 && school !== null && stack[4] === 'School' && stack[3] === 'SchoolHistory') {
        if (schoolCaptures.has(name)) beginCapture('school', depth, name, written, pos);
      }
      return;
    }
    if (depth === 1) {
      if (name === 'CTfile') documentType = 'CTF';
      else if (name === 'ATfile') documentType = 'ATF';
      else {
        const { line, column } = placeOfStart(written, pos);
        fatal(
          issue('ROOT_ELEMENT_INVALID', 'error', 'The root element must be CTfile (a CTF) or ATfile (an ATF).', {
            line,
            column,
            path: `/${written}`,
          }),
        );
        return;
      }
      pupilDataName = `${documentType}pupilData`;
      return;
    }
    if (!documentType) return;
    if (depth === 2) {
      const { line, column } = placeOfStart(written, pos);
      if (name === 'Header') {
        if (headerSeen)
          report(
            issue('ELEMENT_REPEATED', 'error', 'The file has more than one Header.', {
              line,
              column,
              path: pathOfStack(),
            }),
          );
        headerSeen = true;
        headerDraft = { place: { line, column, path: headerPath(documentType) }, fields: new Map(), other: [] };
      } else if (name === pupilDataName) {
        // The start tag ends here when it has no attributes (the usual case); only used when there is no pupil.
        pupilDataContentStart = byteOffsetAt(charCodeAt(pos - 1) === 62 ? pos : pos - 1);
        if (!headerSeen)
          report(
            issue('HEADER_MISSING', 'error', 'The pupil data comes before any Header.', {
              line,
              column,
              path: pathOfStack(),
            }),
          );
        pupilDataSeen = true;
      } else warnUnknown(name, { line, column, path: pathOfStack() });
      return;
    }
    const section = stack[1];
    if (section === 'Header' && headerDraft) {
      const key = stack.slice(2).join('/');
      const parent = stack[2] ?? '';
      const checked = depth === 3 || (depth === 4 && (parent === 'SourceSchool' || parent === 'DestSchool'));
      if (checked && !knownHeaderElements.has(key)) warnUnknown(`Header/${key}`, placeHere(written, pos));
      beginCapture('header', depth, key, written, pos);
      return;
    }
    if (section !== pupilDataName || depth !== 3) return;
    if (name !== 'Pupil') {
      warnUnknown(`${section}/${name}`, placeHere(written, pos));
      return;
    }
    const { line, column, startPos } = placeOfStart(written, pos);
    const index = pupilCount++;
    pupilStartByte = byteOffsetAt(startPos);
    if (pupilsStart < 0) pupilsStart = pupilStartByte;
    pupilStartElements = elementCount - 1;
    pupil = {
      index,
      place: { line, column, path: pupilPath(documentType, index) },
      fields: new Map(),
      repeated: [],
      formerUpns: [],
      schools: [],
    };
    pupilIssues = [];
    if (index === 1) {
      secondPupilPlace = pupil.place;
      if (header?.destination.kind === 'unknown') reportUnknownDestinationPupils();
    }
  });

  const reportUnknownDestinationPupils = (): void => {
    if (!secondPupilPlace) return;
    report(
      issue(
        'UNKNOWN_DESTINATION_MULTIPLE_PUPILS',
        'error',
        'The destination is unknown (XXXXXXX), so the file must hold exactly one pupil; it holds more.',
        secondPupilPlace,
      ),
    );
    secondPupilPlace = null;
  };

  parser.on('closetag', (tag) => {
    lastEventPos = parser.position;
    if (stopped) return;
    const depth = stack.length;
    const c = capture as Capture | null;
    if (c && c.depth === depth) {
      stopCapture();
      const field: Field = { key: c.key, text: detach(c.text.trim()), line: c.line, column: c.column };
      if (field.text === '' && documentType && emptyMeansAbsent(documentType, c.kind, c.key)) {
        // An optional element written empty is read as if it were left out.
      } else if (c.kind === 'header' && headerDraft) {
        if (knownHeaderElements.has(c.key)) headerDraft.fields.set(c.key, field);
        else if (field.text !== '' && headerDraft.other.length < maxHeaderOther) {
          headerDraft.other.push({ path: c.key, text: field.text.slice(0, maxOtherText) });
        }
      } else if (c.kind === 'pupil' && pupil) {
        if (c.key === 'FormerUPN' || c.key === 'BasicDetails/FormerUPN') pupil.formerUpns.push(field);
        else if (pupil.fields.has(c.key)) {
          if (singleValuedPupilKeys.has(c.key)) pupil.repeated.push(field);
        } else pupil.fields.set(c.key, field);
      } else if (c.kind === 'school' && school && pupil) {
        const index = pupil.schools.length;
        school.set(c.key, { ...field, key: `SchoolHistory/School[${index}]/${c.key}` });
      }
    }
    stack.pop();
    const closed = depth <= 3 ? localName(tag.name) : '';
    if (depth === 3 && pupil && closed === 'Pupil') finishPupil(parser.position);
    else if (depth === 2 && closed === 'Header') finishHeader();
  });

  // ---- feeding bytes through the decoder into the parser ----
  let bytesRead = 0;
  let decoder = null as ByteDecoder | null;
  let head: Uint8Array[] = [];
  let headLength = 0;

  const feedText = (text: string, byteStart: number, byteLength: number): void => {
    if (text.length === 0 || stopped) return;
    // A DOCTYPE is refused before the parser sees it, so nothing it declares is ever read. Searching the piece
    // itself (and only its first characters joined to the previous piece's last ones) avoids copying the piece.
    let at = documentType === null && !stopped ? text.indexOf('<!DOCTYPE') : -1;
    if (at < 0 && doctypeProbe !== '' && documentType === null) {
      const seam = (doctypeProbe + text.slice(0, 8)).indexOf('<!DOCTYPE');
      if (seam >= 0) at = seam - doctypeProbe.length;
    }
    if (at >= 0) {
      if (at > 0) parser.write(text.slice(0, at));
      fatal(
        issue('DOCTYPE_FORBIDDEN', 'error', doctypeMessage, {
          line: parser.line,
          column: parser.column + 1,
          path: pathOfStack(),
        }),
      );
      return;
    }
    doctypeProbe = text.slice(-8);
    prevText = pieceText;
    prevCharStart = pieceCharStart;
    pieceCharStart += pieceText.length;
    pieceText = text;
    pieceByteStart = byteStart;
    pieceSimple = unitBytes === 2 || byteLength === text.length;
    cursorRel = 0;
    cursorBytes = 0;
    parser.write(text);
    if (!stopped && parser.position - lastEventPos > limits.maxTextLength) tooLong();
  };

  const pushBytes = (chunk: Uint8Array): void => {
    if (!decoder) return;
    const step = decoder.push(chunk);
    if (!step.ok) {
      fatal(
        issue(
          'ENCODING_INVALID',
          'error',
          `The file is not valid ${decoder.encoding}: the bytes at offset ${step.offset} cannot be decoded.`,
          noPlace,
        ),
      );
      return;
    }
    feedText(step.text, step.byteStart, step.byteLength);
  };

  const startDecoding = (): void => {
    const all = Buffer.concat(head);
    head = [];
    const sniffed = sniffEncoding(all.subarray(0, sniffLength));
    if (!sniffed.ok) {
      fatal(issue(sniffed.code, 'error', sniffed.message, noPlace));
      return;
    }
    encoding = sniffed.encoding;
    unitBytes = encoding === 'utf-16le' || encoding === 'utf-16be' ? 2 : 1;
    decoder = new ByteDecoder(encoding, sniffed.bomLength);
    pieceByteStart = sniffed.bomLength;
    for (let i = 0; i < all.length && !stopped; i += pieceSize) pushBytes(all.subarray(i, i + pieceSize));
  };

  const deliver = async (): Promise<void> => {
    while (ready.length > 0) {
      const next = ready.shift();
      if (next && options.onPupil) {
        const result = options.onPupil(next);
        if (result) await result;
      }
    }
  };

  const iterator = piecesOf(input)[Symbol.asyncIterator]();
  try {
    for (;;) {
      let next: IteratorResult<Uint8Array>;
      try {
        next = await iterator.next();
      } catch {
        fatal(issue('INPUT_UNREADABLE', 'error', 'The file could not be read to the end.', noPlace));
        break;
      }
      if (next.done) break;
      const chunk = next.value;
      bytesRead += chunk.length;
      if (stopped) continue; // only reached with consumeAll
      if (bytesRead > limits.maxBytes) {
        fatal(
          issue(
            'SIZE_LIMIT_EXCEEDED',
            'error',
            `The file is larger than the limit of ${limits.maxBytes} bytes.`,
            noPlace,
          ),
        );
      } else if (!decoder) {
        head.push(chunk);
        headLength += chunk.length;
        if (headLength >= sniffLength) startDecoding();
      } else pushBytes(chunk);
      await deliver();
      if (stopped && !options.consumeAll) break;
    }
  } finally {
    // Releases the input (closes a file stream) after an early stop or a throwing onPupil; a no-op at the end.
    await iterator.return?.(undefined);
  }

  if (!stopped && !decoder) startDecoding();
  if (!stopped && decoder) {
    const step = decoder.end();
    if (!step.ok) {
      fatal(
        issue(
          'ENCODING_INVALID',
          'error',
          `The file is not valid ${decoder.encoding}: it ends in the middle of a character (offset ${step.offset}).`,
          noPlace,
        ),
      );
    } else feedText(step.text, step.byteStart, step.byteLength);
  }
  if (!stopped) {
    parser.close();
    await deliver();
  }

  let layout: CtfLayout | null = null;
  if (!stopped && documentType && encoding) {
    if (!headerSeen)
      report(
        issue('HEADER_MISSING', 'error', 'The file has no Header.', {
          line: 0,
          column: 0,
          path: headerPath(documentType),
        }),
      );
    if (!pupilDataSeen) {
      report(
        issue('PUPIL_DATA_MISSING', 'error', `The file has no ${documentType}pupilData element.`, {
          line: 0,
          column: 0,
          path: `/${documentType === 'CTF' ? 'CTfile' : 'ATfile'}`,
        }),
      );
    } else if (pupilCount === 0) {
      report(
        issue('NO_PUPILS', 'error', 'The file holds no pupils.', {
          line: 0,
          column: 0,
          path: pupilPath(documentType, 0).replace(/\/Pupil\[1\]$/, ''),
        }),
      );
    }
    if (header && header.destination.kind === 'unknown') reportUnknownDestinationPupils();
    const start = pupilsStart >= 0 ? pupilsStart : pupilDataContentStart;
    layout = {
      encoding,
      byteLength: bytesRead,
      pupilsStart: start,
      pupilsEnd: pupilsEnd >= 0 ? pupilsEnd : start,
    };
  }

  return {
    valid: errors.length === 0,
    documentType,
    encoding,
    header,
    pupils,
    pupilCount,
    upns: [...upnsSeen],
    errors,
    warnings,
    stoppedEarly: stopped,
    bytesRead,
    layout: errors.some((e) => e.code === 'XML_NOT_WELL_FORMED') ? null : layout,
  };
}
