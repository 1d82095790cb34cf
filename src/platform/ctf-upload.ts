/**
 * A CTF a school hands s2s to read, not to send: its pupils fill in a form (leavers, a new pupil) so nobody retypes
 * what the file already says. The file is read in memory, within the upload size limit, and never stored. The CTF
 * engine refuses a DOCTYPE (and with it every entity), so nothing in the file is resolved.
 */
import type { FastifyRequest } from 'fastify';
import { parseCtf, type CtfHeader, type CtfIssue } from '../ctf/index.js';
import { csrfValid } from './web/csrf.js';
import { HttpError } from './web/http-error.js';

/** One pupil as the file names them, enough to record or register them. */
export interface CtfPupilRead {
  surname: string;
  forename: string;
  /** `YYYY-MM-DD`, as the file wrote it. */
  dateOfBirth: string;
  sex: 'M' | 'F' | null;
  upn: string;
}

/** A problem the engine found, for a person: where it is and why, with the engine's code kept for the details. */
export interface CtfProblem {
  line: number;
  column: number;
  message: string;
  code: string;
}

export type CtfRead =
  | {
      ok: true;
      header: CtfHeader;
      pupils: CtfPupilRead[];
      fileName: string;
    }
  | { ok: false; problems: CtfProblem[] };

/** Problems shown for a file at most: the first few say enough to put it right. */
const MAX_PROBLEMS_SHOWN = 20;

const problemOf = (i: CtfIssue): CtfProblem => ({
  line: i.line,
  column: i.column,
  message: i.message,
  code: i.code,
});

/** A problem in words for a page or an API message: “Line 12, column 5: …”. */
export function problemText(p: CtfProblem): string {
  return p.line > 0 ? `Line ${p.line}, column ${p.column}: ${p.message}` : p.message;
}

/** Reads a CTF's header and pupils; any error the engine finds refuses the file, with each problem. */
export async function readCtfPupils(bytes: Buffer, fileName: string): Promise<CtfRead> {
  if (bytes.length === 0)
    return { ok: false, problems: [{ line: 0, column: 0, message: 'The file is empty.', code: 'FILE_EMPTY' }] };
  const result = await parseCtf(bytes, { fileName });
  if (!result.valid || !result.header) {
    const problems = result.errors.slice(0, MAX_PROBLEMS_SHOWN).map(problemOf);
    return {
      ok: false,
      problems:
        problems.length > 0
          ? problems
          : [{ line: 0, column: 0, message: 'The file could not be read as a CTF.', code: 'NOT_XML' }],
    };
  }
  if (result.documentType !== 'CTF')
    return {
      ok: false,
      problems: [
        {
          line: 0,
          column: 0,
          message: 'This is an admissions file (ATF), not a CTF: it does not carry pupils leaving or joining a school.',
          code: 'ROOT_ELEMENT_INVALID',
        },
      ],
    };
  // A valid file has every pupil's names, date of birth and UPN (the engine's rules): the fallbacks never apply.
  const pupils: CtfPupilRead[] = result.pupils.map((p) => ({
    surname: p.surname ?? '',
    forename: p.forename ?? '',
    dateOfBirth: p.dateOfBirth ?? '',
    sex: p.sex === 'M' || p.sex === 'F' ? p.sex : null,
    upn: p.upn ?? '',
  }));
  return { ok: true, header: result.header, pupils, fileName };
}

export interface UploadedFile {
  fileName: string;
  bytes: Buffer;
  /** The form's other fields, as posted before the file. */
  fields: Record<string, string>;
  /** The file was larger than the limit; its bytes were dropped. */
  tooLarge: boolean;
}

/**
 * Reads a page's multipart form: the CSRF token (which the form puts before the file, so it is checked before any
 * byte of the file is read), any other fields, and one file, in memory up to `maxBytes`. Null when no file was
 * chosen. For routes with `csrfInHandler`.
 */
export async function readUploadForm(
  request: FastifyRequest,
  csrfKey: Buffer,
  maxBytes: number,
): Promise<UploadedFile | null> {
  const refused = () =>
    new HttpError(
      403,
      'CSRF',
      'This form has expired or did not come from s2s. Go back, reload the page and try again.',
    );
  if (!request.isMultipart()) throw new HttpError(400, 'NOT_MULTIPART', 'Choose a file to upload.');
  let csrfChecked = false;
  let upload: UploadedFile | null = null;
  const fields: Record<string, string> = {};
  for await (const part of request.parts()) {
    if (part.type === 'field') {
      if (part.fieldname === '_csrf') csrfChecked = csrfValid(csrfKey, request.session?.idHash, part.value);
      else if (typeof part.value === 'string') fields[part.fieldname] = part.value;
      continue;
    }
    if (!csrfChecked) throw refused();
    const read = await readLimited(part.file, maxBytes);
    if (part.filename !== '' && upload === null) upload = { fileName: uploadedName(part.filename), ...read, fields };
  }
  if (!csrfChecked) throw refused();
  return upload;
}

/** A file's name as the browser or client gave it, without any folders, and short enough to show and record. */
export function uploadedName(given: string): string {
  return (given.split(/[\\/]/).pop() ?? '').slice(0, 200) || 'the file';
}

/** Reads a stream into memory up to `maxBytes`; past it the rest is read and dropped, so the request ends cleanly. */
export async function readLimited(
  body: AsyncIterable<Uint8Array>,
  maxBytes: number,
): Promise<{ bytes: Buffer; tooLarge: boolean }> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  let tooLarge = false;
  try {
    for await (const chunk of body) {
      size += chunk.byteLength;
      if (size > maxBytes) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
    }
  } catch (error) {
    // The multipart parser cuts a part one byte past the app's largest limit.
    if ((error as { code?: string }).code !== 'FST_REQ_FILE_TOO_LARGE') throw error;
    tooLarge = true;
  }
  return { bytes: tooLarge ? Buffer.alloc(0) : Buffer.concat(chunks), tooLarge };
}
