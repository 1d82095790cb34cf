/**
 * The XML events of a CTF or ATF, as saxes reports them: each start tag is placed (root, header, pupil data, a
 * pupil, an element inside one) and counted against the limits, the text of the elements s2s reads is collected
 * and handed to the assembly at their end tags, and a DOCTYPE is refused before the parser sees it, so nothing it
 * declares is ever read. Problems go to the issue log; none is thrown.
 */

import { SaxesParser } from 'saxes';
import type { DocumentAssembly } from './assembly.js';
import {
  addressCaptures,
  basicDetailsCaptures,
  documentNames,
  documentTypeOfRoot,
  headerSchoolElements,
  knownBasicDetailsElements,
  knownHeaderElements,
  knownPupilElements,
  localName,
  pupilTopCaptures,
  schoolCaptures,
  type CaptureKind,
} from './elements.js';
import { issue } from './issues.js';
import type { IssueLog } from './issue-log.js';
import type { CtfLimits } from './limits.js';
import { DocumentPosition } from './position.js';

const doctypeMessage =
  'The file has a DOCTYPE declaration. A CTF never has one, and s2s does not read DTDs or entities.';

interface Capture {
  kind: CaptureKind;
  depth: number;
  key: string;
  line: number;
  column: number;
  text: string;
}

/** Text decoded from the file goes in; events come out to the assembly. */
export interface CtfEventReader {
  /** The text starts at `firstByte` (after a byte order mark), `unitBytes` bytes a code unit when fixed. */
  startText(unitBytes: number, firstByte: number): void;
  /** Parses the next piece of text: `byteLength` bytes of the file from `byteStart`. */
  write(text: string, byteStart: number, byteLength: number): void;
  /** The text has ended. */
  close(): void;
  readonly headerSeen: boolean;
  readonly pupilDataSeen: boolean;
  /** Byte offset of the end of the pupil-data start tag, or -1 before one. */
  readonly pupilDataContentStart: number;
}

export function ctfEventReader(log: IssueLog, limits: CtfLimits, assembly: DocumentAssembly): CtfEventReader {
  const parser = new SaxesParser({ position: true });
  const position = new DocumentPosition(parser, () => assembly.pupilIndex);
  const stack = position.stack;
  let pupilDataName = '';
  let headerSeen = false;
  let pupilDataSeen = false;
  let pupilDataContentStart = -1;
  let elementCount = 0;
  let lastEventPos = 0;
  let capture: Capture | null = null;
  let doctypeProbe = '';

  const onText = (text: string): void => {
    lastEventPos = parser.position;
    if (capture && stack.length === capture.depth) {
      capture.text += text;
      if (capture.text.length > limits.maxTextLength) tooLong();
    }
  };
  const beginCapture = (kind: CaptureKind, depth: number, key: string, name: string, pos: number): void => {
    const { line, column } = position.placeOfStart(name, pos);
    capture = { kind, depth, key, line, column, text: '' };
    parser.on('text', onText);
  };
  const stopCapture = (): void => {
    capture = null;
    parser.off('text');
  };
  const tooLong = (): void => {
    log.fatal(
      issue(
        'TEXT_LIMIT_EXCEEDED',
        'error',
        `A single piece of text, attribute, comment or tag is longer than the limit of ${limits.maxTextLength} characters.`,
        position.here(),
      ),
    );
  };

  const stopAtLimit = (
    code: 'ELEMENT_LIMIT_EXCEEDED' | 'DEPTH_LIMIT_EXCEEDED',
    message: string,
    name: string,
    pos: number,
  ): void => {
    log.fatal(issue(code, 'error', message, position.placeHere(name, pos)));
  };

  const unknownSeen = new Set<string>();
  const warnUnknown = (key: string, name: string, pos: number): void => {
    if (unknownSeen.has(key)) return;
    unknownSeen.add(key);
    log.report(
      issue(
        'ELEMENT_UNKNOWN',
        'warning',
        `The element ${key} is not one s2s knows; it is kept as it came.`,
        position.placeHere(name, pos),
      ),
    );
  };

  // Only five handlers, registered in the same order for every parser: saxes stores handlers as properties, and
  // more than about eight of them puts the parser object into V8's slow dictionary mode (a fivefold slow-down).
  parser.on('error', (err: Error) => {
    if (log.stopped) return;
    const detail = err.message.replace(/^[^:]*:?\d+:\d+: /, '');
    // A DOCTYPE before the root is refused before the parser sees it; one after the root start ends up here.
    if (/doctype/i.test(detail)) {
      log.fatal(issue('DOCTYPE_FORBIDDEN', 'error', doctypeMessage, position.here()));
      return;
    }
    const code = /disallowed character/.test(detail) ? 'XML_INVALID_CHARACTER' : 'XML_NOT_WELL_FORMED';
    const what =
      code === 'XML_INVALID_CHARACTER'
        ? 'The file holds a character XML does not allow (such as a NUL byte)'
        : 'The file is not well-formed XML';
    log.fatal(issue(code, 'error', `${what}: ${detail}`, position.here()));
  });
  parser.on('cdata', (data) => {
    lastEventPos = parser.position;
    if (capture && stack.length === capture.depth) onText(data);
  });
  parser.on('text', onText);
  parser.off('text');

  parser.on('opentagstart', (tag) => {
    const pos = parser.position;
    lastEventPos = pos;
    if (log.stopped) return;
    // Positions are measured on the name as written; everything else reads the name without its prefix.
    const written = tag.name;
    const name = localName(written);
    elementCount++;
    if (capture) stopCapture();
    const depth = stack.push(name);
    if (elementCount > limits.maxElements) {
      stopAtLimit('ELEMENT_LIMIT_EXCEEDED', `The file has more than ${limits.maxElements} elements.`, written, pos);
      return;
    }
    if (depth > limits.maxDepth) {
      stopAtLimit('DEPTH_LIMIT_EXCEEDED', `Elements are nested more than ${limits.maxDepth} deep.`, written, pos);
      return;
    }
    // The common case first: an element inside a pupil.
    if (assembly.pupilOpen && depth > 3) {
      const rel = depth - 3;
      if (rel === 1) {
        if (!knownPupilElements.has(name)) warnUnknown(`Pupil/${name}`, written, pos);
        if (pupilTopCaptures.has(name)) beginCapture('pupil', depth, name, written, pos);
      } else if (rel === 2) {
        const parent = stack[3];
        if (parent === 'BasicDetails') {
          if (!knownBasicDetailsElements.has(name)) warnUnknown(`Pupil/BasicDetails/${name}`, written, pos);
          if (basicDetailsCaptures.has(name)) beginCapture('pupil', depth, `BasicDetails/${name}`, written, pos);
        } else if (parent === 'Address') {
          if (addressCaptures.has(name)) beginCapture('pupil', depth, `Address/${name}`, written, pos);
        } else if (parent === 'SchoolHistory' && name === 'School') {
          assembly.openSchool();
        }
      } else if (rel === 3 && assembly.schoolOpen && stack[4] === 'School' && stack[3] === 'SchoolHistory') {
        if (schoolCaptures.has(name)) beginCapture('school', depth, name, written, pos);
      }
      return;
    }
    if (depth === 1) {
      const type = documentTypeOfRoot(name);
      if (!type) {
        const { line, column } = position.placeOfStart(written, pos);
        log.fatal(
          issue('ROOT_ELEMENT_INVALID', 'error', 'The root element must be CTfile (a CTF) or ATfile (an ATF).', {
            line,
            column,
            path: `/${written}`,
          }),
        );
        return;
      }
      assembly.documentType = type;
      pupilDataName = documentNames[type].pupilData;
      return;
    }
    const documentType = assembly.documentType;
    if (!documentType) return;
    if (depth === 2) {
      const place = position.placeHere(written, pos);
      if (name === 'Header') {
        if (headerSeen) log.report(issue('ELEMENT_REPEATED', 'error', 'The file has more than one Header.', place));
        headerSeen = true;
        assembly.openHeader(documentType, place.line, place.column);
      } else if (name === pupilDataName) {
        // The start tag ends here when it has no attributes (the usual case); only used when there is no pupil.
        pupilDataContentStart = position.byteOffsetAt(position.charCodeAt(pos - 1) === 62 ? pos : pos - 1);
        if (!headerSeen) log.report(issue('HEADER_MISSING', 'error', 'The pupil data comes before any Header.', place));
        pupilDataSeen = true;
      } else warnUnknown(name, written, pos);
      return;
    }
    const section = stack[1];
    if (section === 'Header' && assembly.headerOpen) {
      const key = stack.slice(2).join('/');
      const parent = stack[2] ?? '';
      const checked = depth === 3 || (depth === 4 && headerSchoolElements.has(parent));
      if (checked && !knownHeaderElements.has(key)) warnUnknown(`Header/${key}`, written, pos);
      beginCapture('header', depth, key, written, pos);
      return;
    }
    if (section !== pupilDataName || depth !== 3) return;
    if (name !== 'Pupil') {
      warnUnknown(`${section}/${name}`, written, pos);
      return;
    }
    const { line, column, startPos } = position.placeOfStart(written, pos);
    assembly.openPupil(documentType, line, column, position.byteOffsetAt(startPos), elementCount - 1);
  });

  parser.on('closetag', (tag) => {
    lastEventPos = parser.position;
    if (log.stopped) return;
    const depth = stack.length;
    const c = capture as Capture | null;
    if (c && c.depth === depth) {
      stopCapture();
      assembly.keep(c.kind, c.key, c.text, c.line, c.column);
    }
    stack.pop();
    const closed = depth <= 3 ? localName(tag.name) : '';
    if (depth === 3 && assembly.pupilOpen && closed === 'Pupil') {
      assembly.closePupil(position.byteOffsetAt(parser.position), elementCount);
    } else if (depth === 2 && closed === 'Header') assembly.closeHeader();
  });

  return {
    startText: (unitBytes, firstByte) => position.startText(unitBytes, firstByte),
    write(text, byteStart, byteLength) {
      if (text.length === 0 || log.stopped) return;
      // A DOCTYPE is refused before the parser sees it, so nothing it declares is ever read. Searching the piece
      // itself (and only its first characters joined to the previous piece's last ones) avoids copying the piece.
      const beforeRoot = assembly.documentType === null;
      let at = beforeRoot ? text.indexOf('<!DOCTYPE') : -1;
      if (at < 0 && doctypeProbe !== '' && beforeRoot) {
        const seam = (doctypeProbe + text.slice(0, 8)).indexOf('<!DOCTYPE');
        if (seam >= 0) at = seam - doctypeProbe.length;
      }
      if (at >= 0) {
        if (at > 0) parser.write(text.slice(0, at));
        log.fatal(
          issue('DOCTYPE_FORBIDDEN', 'error', doctypeMessage, {
            line: parser.line,
            column: parser.column + 1,
            path: position.path(),
          }),
        );
        return;
      }
      doctypeProbe = text.slice(-8);
      position.nextPiece(text, byteStart, byteLength);
      parser.write(text);
      if (!log.stopped && parser.position - lastEventPos > limits.maxTextLength) tooLong();
    },
    close: () => {
      parser.close();
    },
    get headerSeen() {
      return headerSeen;
    },
    get pupilDataSeen() {
      return pupilDataSeen;
    },
    get pupilDataContentStart() {
      return pupilDataContentStart;
    },
  };
}
