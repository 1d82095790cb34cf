/**
 * Unique Pupil Numbers (DfE UPN guide, 2019): 13 characters — check letter, LA code (3), establishment
 * number (4), year of allocation (2), serial (3). A temporary UPN ends in a letter instead of the last digit.
 */

/** The check-letter alphabet: 23 letters, no I, O or S. Index = value. */
export const upnLetters = 'ABCDEFGHJKLMNPQRTUVWXYZ';

const permanentPattern = /^[A-Z][0-9]{12}$/;
const temporaryPattern = /^[A-Z][0-9]{11}[A-Z]$/;

export type UpnKind = 'permanent' | 'temporary';

export type UpnCheck =
  | { ok: true; kind: UpnKind }
  | { ok: false; problem: 'format' }
  | { ok: false; problem: 'check-letter'; kind: UpnKind; expected: string };

/**
 * The check letter for the 12 characters after it (LA, establishment, year, serial; the last may be a
 * letter for a temporary UPN, counted at its index in the alphabet). Null when those characters are
 * not digits, or a last letter outside the alphabet.
 */
export function upnCheckLetter(body: string): string | null {
  if (body.length !== 12) return null;
  let sum = 0;
  for (let i = 0; i < 12; i++) {
    const code = body.charCodeAt(i);
    let value: number;
    if (code >= 48 && code <= 57) value = code - 48;
    else if (i === 11) {
      value = upnLetters.indexOf(body[i] ?? '');
      if (value < 0) return null;
    } else return null;
    sum += value * (i + 2);
  }
  return upnLetters[sum % 23] ?? null;
}

/** Checks the shape and check letter of a UPN (permanent or temporary). */
export function checkUpn(upn: string): UpnCheck {
  const temporary = temporaryPattern.test(upn);
  if (!temporary && !permanentPattern.test(upn)) return { ok: false, problem: 'format' };
  const kind: UpnKind = temporary ? 'temporary' : 'permanent';
  const expected = upnCheckLetter(upn.slice(1));
  if (expected === null) return { ok: false, problem: 'format' };
  if (expected !== upn[0]) return { ok: false, problem: 'check-letter', kind, expected };
  return { ok: true, kind };
}

export function isValidUpn(upn: string): boolean {
  return checkUpn(upn).ok;
}

/** Builds a UPN from its 12-character body by prefixing the check letter; throws on a malformed body (generator use). */
export function makeUpn(body: string): string {
  const letter = upnCheckLetter(body);
  if (letter === null) throw new Error('makeUpn: body must be 11 digits and a digit or check-alphabet letter');
  return letter + body;
}
