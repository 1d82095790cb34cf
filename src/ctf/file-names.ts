/**
 * The file naming convention `<source LAEstab>_<TYPE>_<destination>_<nnn>.XML` (e.g. `8231234_CTF_8235678_001.XML`),
 * and what a destination code means for routing. The pattern is the one in common use, not confirmed word for
 * word by DfE: parsing is strict about the shape and lenient about letter case.
 */

/** Where a file goes: a school's inbox, an LA's inbox, or the unknown-destination repository. */
export type DestinationKind = 'school' | 'la' | 'unknown' | 'outside-maintained-sector';

export type CtfFileType = 'CTF' | 'ATF' | 'census' | 'generic';

export interface ParsedFileName {
  fileName: string;
  /** 7 characters: an LAEstab (`8231234`) or an LA (`823LLLL`). */
  source: string;
  sourceKind: 'school' | 'la';
  type: CtfFileType;
  /** The type token as written, upper-cased (`CTF`, `ATF`, `SC3`, `MISC` …). */
  label: string;
  destination: string;
  destinationKind: DestinationKind;
  sequence: number;
  /** Without the dot, as written. */
  extension: string;
}

const namePattern =
  /^([0-9]{3}(?:[0-9]{4}|LLLL))_([A-Za-z0-9-]{1,20})_([0-9]{7}|[0-9]{3}LLLL|XXXXXXX|MMMMMMM)_([0-9]{3})\.([A-Za-z0-9]{1,8})$/i;
const censusLabels = /^(SC[0-9A-Z]{0,3}|CENSUS|CEN|PLASC)$/;

/** Classifies a 7-character destination code; null when it is none of the four cases. */
export function classifyDestination(code: string): DestinationKind | null {
  if (/^[0-9]{7}$/.test(code)) return 'school';
  if (/^[0-9]{3}LLLL$/.test(code)) return 'la';
  if (code === 'XXXXXXX') return 'unknown';
  if (code === 'MMMMMMM') return 'outside-maintained-sector';
  return null;
}

/** DfE's Multiplication Tables Check service names the CTF of a school's results `<LAEstab>_MTC_<LAEstab>_<nnn>.XML`. */
const ctfLabels = new Set(['CTF', 'MTC']);

export function fileTypeOfLabel(label: string): CtfFileType {
  const upper = label.toUpperCase();
  if (ctfLabels.has(upper)) return 'CTF';
  if (upper === 'ATF') return 'ATF';
  if (censusLabels.test(upper)) return 'census';
  return 'generic';
}

/** Parses a file name (a path is allowed: only the last segment counts). Null when it does not follow the convention. */
export function parseFileName(name: string): ParsedFileName | null {
  const base = name.split(/[\\/]/).pop() ?? '';
  const m = namePattern.exec(base);
  if (!m) return null;
  const source = (m[1] ?? '').toUpperCase();
  const label = (m[2] ?? '').toUpperCase();
  const destination = (m[3] ?? '').toUpperCase();
  const extension = m[5] ?? '';
  const type = fileTypeOfLabel(label);
  // Structured returns are XML; anything else under those labels is not a file we recognise.
  if (type !== 'generic' && extension.toUpperCase() !== 'XML') return null;
  const destinationKind = classifyDestination(destination);
  if (destinationKind === null) return null;
  return {
    fileName: base,
    source,
    sourceKind: source.endsWith('LLLL') ? 'la' : 'school',
    type,
    label,
    destination,
    destinationKind,
    sequence: Number(m[4]),
    extension,
  };
}

export interface FileNameParts {
  source: string;
  /** `CTF`, `ATF`, a census label such as `SC3`, or a generic label. */
  label: string;
  destination: string;
  /** 1–999. */
  sequence: number;
  /** Defaults to `XML`. */
  extension?: string;
}

/** Builds a conventional file name; throws on parts that could not be parsed back (a programming error). */
export function buildFileName(parts: FileNameParts): string {
  const name = `${parts.source}_${parts.label}_${parts.destination}_${String(parts.sequence).padStart(3, '0')}.${parts.extension ?? 'XML'}`;
  if (!Number.isInteger(parts.sequence) || parts.sequence < 0 || parts.sequence > 999 || parseFileName(name) === null) {
    throw new Error('buildFileName: parts do not make a conventional file name');
  }
  return name;
}

/**
 * Whether a 7-character code from a file name agrees with a header's LEA and Estab. For the source, `XXX`/`XXXX`
 * in the header (a sender that is not a school) agrees with the code in that position; for either role an LA file
 * (`823LLLL`) agrees with a header naming the LA with `LLLL` (or `XXXX` for a sending LA).
 */
export function codeAgreesWithHeader(
  code: string,
  lea: string,
  estab: string,
  role: 'source' | 'destination',
): boolean {
  const codeLa = code.slice(0, 3);
  const codeEstab = code.slice(3);
  if (role === 'destination') return codeLa === lea && codeEstab === estab;
  const laOk = lea === 'XXX' || lea === codeLa;
  const estabOk = estab === 'XXXX' || estab === codeEstab;
  return laOk && estabOk;
}
