/**
 * Where a file went, in words: a school or LA by its name and number, and the special destinations by what they
 * mean, so that a send result never shows a bare number.
 */
import type { Db } from '../platform/database.js';
import { organisationNames } from '../establishments/public.js';

const special: Record<string, string> = {
  XXXXXXX: 'Destination not known',
  MMMMMMM: 'Outside the maintained sector',
};

/** Each destination code given (`3304101`, `823LLLL`, `XXXXXXX`) with its name, where s2s knows one. */
export async function destinationNames(
  db: Db,
  codes: Iterable<string | null | undefined>,
): Promise<Record<string, string>> {
  const wanted = [...new Set([...codes].filter((code): code is string => !!code))];
  const laOf = (code: string) => (/^[0-9]{3}L{4}$/i.test(code) ? code.slice(0, 3) : code);
  const names = await organisationNames(db, wanted.map(laOf));
  const named: Record<string, string> = {};
  for (const code of wanted) {
    const name = special[code.toUpperCase()] ?? names.get(laOf(code));
    if (name) named[code] = name;
  }
  return named;
}
