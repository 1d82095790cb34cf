/**
 * The keys a repository record is found by when its date of birth was mistyped: each is a date of birth joined to
 * the sound code (or first-name group) of one of the child's names, computed once when the record is written and
 * held in a GIN-indexed array. A search builds the same keys from every variant of the date it was given, so a
 * candidate must share a name's sound and a plausible date — selective enough to stay fast at national scale.
 * Records with the date exactly as given (or with day and month swapped) are found through the date index instead,
 * which catches names too badly mistyped to share a sound code.
 */
import type { CtfPupilIdentity } from '../ctf/index.js';
import { firstNameGroupKeys, nameParts, soundCodes } from './name-forms.js';

export type IndexedNames = Pick<
  CtfPupilIdentity,
  'surname' | 'forename' | 'middleNames' | 'preferredSurname' | 'preferredForename' | 'formerSurname' | 'formerForename'
>;

/** Sound codes of a surname, its parts, and any other surname the child is known by. */
export function surnameCodes(names: readonly (string | null)[]): Set<string> {
  const codes = new Set<string>();
  for (const name of names) {
    if (!name) continue;
    for (const code of soundCodes(name)) codes.add(code);
    const parts = nameParts(name);
    if (parts.length > 1) for (const part of parts) for (const code of soundCodes(part)) codes.add(code);
  }
  return codes;
}

/** Sound codes and first-name groups of every first or middle name the child is known by. */
export function forenameCodes(names: readonly (string | null)[]): Set<string> {
  const codes = new Set<string>();
  for (const name of names) {
    if (!name) continue;
    for (const part of [name, ...nameParts(name)]) {
      for (const code of soundCodes(part)) codes.add(code);
      for (const group of firstNameGroupKeys(part)) codes.add(group);
    }
  }
  return codes;
}

/**
 * The longest sound code a key holds. A sound code grows with its name, and a key is one entry of a GIN index,
 * whose entries PostgreSQL refuses past about 2,700 bytes: an absurdly long name must not make a record unstorable.
 * Names long enough to reach this are far past any real name, and a search cuts its codes the same way.
 */
export const maxSoundCodeLength = 40;
/** A key's length at most: the date, `:s` or `:f`, and the code. */
export const maxSearchKeyLength = 'YYYY-MM-DD:s'.length + maxSoundCodeLength;

// Surname and first-name codes are kept apart (`s`/`f`) so that a surname never finds a child by a first name.
function joinKeys(dates: readonly string[], surnames: Set<string>, forenames: Set<string>): string[] {
  const keys = new Set<string>();
  for (const date of dates) {
    for (const code of surnames) keys.add(`${date}:s${code.slice(0, maxSoundCodeLength)}`);
    for (const code of forenames) keys.add(`${date}:f${code.slice(0, maxSoundCodeLength)}`);
  }
  return [...keys];
}

/** The keys written with a record. */
export function recordSearchKeys(names: IndexedNames, dateOfBirth: string | null): string[] {
  if (!dateOfBirth) return [];
  return joinKeys(
    [dateOfBirth],
    surnameCodes([names.surname, names.preferredSurname, names.formerSurname]),
    forenameCodes([names.forename, names.middleNames, names.preferredForename, names.formerForename]),
  );
}

/** The keys a search looks up: every variant of the searched date with the sound of each name searched for. */
export function querySearchKeys(
  query: { surname?: string | undefined; forename?: string | undefined },
  dates: readonly string[],
): string[] {
  return joinKeys(dates, surnameCodes([query.surname ?? null]), forenameCodes([query.forename ?? null]));
}
