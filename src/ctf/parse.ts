/**
 * The streaming CTF/ATF parser: reads a file as a Buffer or as chunks (an upload being stored as it arrives),
 * with memory that does not grow with the file, and produces the header, each pupil's identity fields and the
 * byte range of each pupil's XML, checking limits, well-formedness and the CTF rules as it goes. It never throws
 * on bad input: problems come back as values.
 */

import { DocumentAssembly } from './assembly.js';
import { ByteDecoder, sniffEncoding, sniffLength, type CtfEncoding } from './decode.js';
import { documentNames, headerPath, pupilPath } from './elements.js';
import { ctfEventReader } from './events.js';
import { IssueLog } from './issue-log.js';
import { issue, noPlace } from './issues.js';
import { defaultLimits, type CtfLimits } from './limits.js';
import type { CtfLayout, CtfParseResult, CtfPupil } from './model.js';
import { defaultRuleOptions, type RuleOptions } from './validate.js';

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

/** Parses and checks a CTF or ATF. Never throws for bad input; a throwing `onPupil` callback propagates. */
export async function parseCtf(input: CtfInput, options: ParseOptions = {}): Promise<CtfParseResult> {
  const limits: CtfLimits = { ...defaultLimits, ...options.limits };
  const log = new IssueLog(limits);
  const assembly = new DocumentAssembly(log, {
    rules: { ...defaultRuleOptions, ...options.rules },
    retainPupils: options.retainPupils ?? true,
    deliverPupils: options.onPupil !== undefined,
    fileName: options.fileName,
    referenceDate: options.referenceDate,
  });
  const reader = ctfEventReader(log, limits, assembly);
  let encoding = null as CtfEncoding | null;
  let bytesRead = 0;
  let decoder = null as ByteDecoder | null;
  let head: Uint8Array[] = [];
  let headLength = 0;

  const pushBytes = (chunk: Uint8Array): void => {
    if (!decoder) return;
    const step = decoder.push(chunk);
    if (!step.ok) {
      log.fatal(
        issue(
          'ENCODING_INVALID',
          'error',
          `The file is not valid ${decoder.encoding}: the bytes at offset ${step.offset} cannot be decoded.`,
          noPlace,
        ),
      );
      return;
    }
    reader.write(step.text, step.byteStart, step.byteLength);
  };

  const startDecoding = (): void => {
    const all = Buffer.concat(head);
    head = [];
    const sniffed = sniffEncoding(all.subarray(0, sniffLength));
    if (!sniffed.ok) {
      log.fatal(issue(sniffed.code, 'error', sniffed.message, noPlace));
      return;
    }
    encoding = sniffed.encoding;
    reader.startText(encoding === 'utf-16le' || encoding === 'utf-16be' ? 2 : 1, sniffed.bomLength);
    decoder = new ByteDecoder(encoding, sniffed.bomLength);
    for (let i = 0; i < all.length && !log.stopped; i += pieceSize) pushBytes(all.subarray(i, i + pieceSize));
  };

  const deliver = async (): Promise<void> => {
    for (let next = assembly.nextReady(); next; next = assembly.nextReady()) {
      if (options.onPupil) {
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
        log.fatal(issue('INPUT_UNREADABLE', 'error', 'The file could not be read to the end.', noPlace));
        break;
      }
      if (next.done) break;
      const chunk = next.value;
      bytesRead += chunk.length;
      if (log.stopped) continue; // only reached with consumeAll
      if (bytesRead > limits.maxBytes) {
        log.fatal(
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
      if (log.stopped && !options.consumeAll) break;
    }
  } finally {
    // Releases the input (closes a file stream) after an early stop or a throwing onPupil; a no-op at the end.
    await iterator.return?.(undefined);
  }

  if (!log.stopped && !decoder) startDecoding();
  if (!log.stopped && decoder) {
    const step = decoder.end();
    if (!step.ok) {
      log.fatal(
        issue(
          'ENCODING_INVALID',
          'error',
          `The file is not valid ${decoder.encoding}: it ends in the middle of a character (offset ${step.offset}).`,
          noPlace,
        ),
      );
    } else reader.write(step.text, step.byteStart, step.byteLength);
  }
  if (!log.stopped) {
    reader.close();
    await deliver();
  }

  const { documentType, header } = assembly;
  let layout: CtfLayout | null = null;
  if (!log.stopped && documentType && encoding) {
    if (!reader.headerSeen)
      log.report(
        issue('HEADER_MISSING', 'error', 'The file has no Header.', {
          line: 0,
          column: 0,
          path: headerPath(documentType),
        }),
      );
    if (!reader.pupilDataSeen) {
      log.report(
        issue('PUPIL_DATA_MISSING', 'error', `The file has no ${documentNames[documentType].pupilData} element.`, {
          line: 0,
          column: 0,
          path: `/${documentNames[documentType].root}`,
        }),
      );
    } else if (assembly.pupilCount === 0) {
      log.report(
        issue('NO_PUPILS', 'error', 'The file holds no pupils.', {
          line: 0,
          column: 0,
          path: pupilPath(documentType, 0).replace(/\/Pupil\[1\]$/, ''),
        }),
      );
    }
    if (header && header.destination.kind === 'unknown') assembly.reportUnknownDestinationPupils();
    const start = assembly.pupilsStart >= 0 ? assembly.pupilsStart : reader.pupilDataContentStart;
    layout = {
      encoding,
      byteLength: bytesRead,
      pupilsStart: start,
      pupilsEnd: assembly.pupilsEnd >= 0 ? assembly.pupilsEnd : start,
    };
  }

  const { errors, warnings } = log;
  return {
    valid: errors.length === 0,
    documentType,
    encoding,
    header,
    pupils: assembly.pupils,
    pupilCount: assembly.pupilCount,
    upns: [...assembly.upnsSeen],
    errors,
    warnings,
    stoppedEarly: log.stopped,
    bytesRead,
    layout: errors.some((e) => e.code === 'XML_NOT_WELL_FORMED') ? null : layout,
  };
}
