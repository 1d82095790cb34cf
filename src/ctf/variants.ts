/**
 * Variants of a pupil as another school might have recorded them — one or two typing errors, a phonetic spelling,
 * day and month swapped, one digit of the date of birth wrong, forename and middle name swapped, a hyphenated or
 * changed surname, a nickname, accents and apostrophes dropped — for testing pupil search. Each kind is a named
 * corruption; a variant keeps the original's other fields.
 */

import { isRealDate } from './dates.js';
import type { CtfPupilIdentity } from './model.js';
import { heritageGroups, nicknames, phoneticRules, phoneticSets } from './names-data.js';
import type { Random } from './random.js';

export const variantKinds = [
  'typo',
  'phonetic',
  'day-month-swap',
  'forename-middle-swap',
  'surname-hyphenated',
  'surname-changed',
  'nickname',
  'accents',
  'dob-digit',
] as const;

export type VariantKind = (typeof variantKinds)[number];

const keyboardNeighbours: Record<string, string> = {
  a: 'sqz',
  b: 'vn',
  c: 'xv',
  d: 'sf',
  e: 'wr',
  f: 'dg',
  g: 'fh',
  h: 'gj',
  i: 'uo',
  j: 'hk',
  k: 'jl',
  l: 'k',
  m: 'n',
  n: 'bm',
  o: 'ip',
  p: 'o',
  q: 'w',
  r: 'et',
  s: 'ad',
  t: 'ry',
  u: 'yi',
  v: 'cb',
  w: 'qe',
  x: 'zc',
  y: 'tu',
  z: 'x',
};

/** Share of `typo` variants with a second typing error (in the same name or the other one). */
const secondTypoRate = 0.3;

function typo(name: string, random: Random): string {
  for (let attempt = 0; attempt < 8; attempt++) {
    const changed = typoOnce(name, random);
    if (changed !== name) return changed;
  }
  return `${name}e`;
}

function typoOnce(name: string, random: Random): string {
  if (name.length < 3) return `${name}${name.slice(-1)}`;
  const i = random.between(1, name.length - 2);
  const ch = name[i] ?? '';
  switch (random.int(4)) {
    case 0: // transpose
      return name.slice(0, i) + (name[i + 1] ?? '') + ch + name.slice(i + 2);
    case 1: // drop
      return name.slice(0, i) + name.slice(i + 1);
    case 2: // double
      return name.slice(0, i) + ch + name.slice(i);
    default: {
      const near = keyboardNeighbours[ch.toLowerCase()];
      if (!near) return name.slice(0, i) + name.slice(i + 1);
      return name.slice(0, i) + random.pick([...near]) + name.slice(i + 1);
    }
  }
}

const letterFolds: Record<string, string> = { ł: 'l', Ł: 'L', ø: 'o', Ø: 'O', ı: 'i', ß: 'ss', æ: 'ae', Æ: 'Ae' };

/**
 * The name as a system without accents or apostrophes would hold it: accents dropped (`Siân` → `Sian`), apostrophes
 * dropped or made a space (`O'Brien` → `OBrien`, `O Brien`), and sometimes a capital inside the name lowered
 * (`MacDonald` → `Macdonald`, `McCarthy` → `Mccarthy`). Null when the name has none of these.
 */
function plainSpelling(name: string, random: Random): string | null {
  let result = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[łŁøØıßæÆ]/g, (ch) => letterFolds[ch] ?? ch)
    .normalize('NFC');
  if (/['’]/.test(result)) result = result.replace(/['’]/g, random.chance(0.7) ? '' : ' ');
  if (result === name || random.chance(0.3)) {
    // Mc, Mac, De and the like written with a lower-case second capital; apostrophes already gone leave O'B → Ob.
    const lowered = result.replace(/([a-z])([A-Z])/g, (_, a: string, b: string) => a + b.toLowerCase());
    if (lowered !== result && (result === name || random.chance(0.5))) result = lowered;
  }
  return result === name ? null : result;
}

/** A real date one digit away from `date`, within ten years of it, or null when there is none. */
function oneDigitWrong(date: string, random: Random): string | null {
  if (!isRealDate(date)) return null;
  const digits = date.replace(/-/g, '');
  const year = Number(digits.slice(0, 4));
  const byPosition: string[][] = [];
  for (let i = 0; i < digits.length; i++) {
    const options: string[] = [];
    for (let c = 0; c <= 9; c++) {
      if (String(c) === digits[i]) continue;
      const changed = digits.slice(0, i) + String(c) + digits.slice(i + 1);
      const candidate = `${changed.slice(0, 4)}-${changed.slice(4, 6)}-${changed.slice(6)}`;
      if (isRealDate(candidate) && Math.abs(Number(changed.slice(0, 4)) - year) <= 10) options.push(candidate);
    }
    if (options.length > 0) byPosition.push(options);
  }
  // Any digit is as likely to be mistyped as any other; then any replacement that still makes a date.
  return byPosition.length > 0 ? random.pick(random.pick(byPosition)) : null;
}

function phonetic(name: string, random: Random): string | null {
  const set = phoneticSets.find((s) => s.includes(name));
  if (set) return random.pick(set.filter((x) => x !== name));
  const rules = phoneticRules.filter(([pattern]) => pattern.test(name));
  if (rules.length === 0) return null;
  const [pattern, replacement] = random.pick(rules);
  const result = name.replace(pattern, replacement);
  return result === name ? null : result;
}

/**
 * A variant of `pupil` of the given kind, or null when the kind cannot apply (no middle name to swap, a day after
 * the 12th that cannot become a month, no known nickname, no spelling rule that fits).
 */
export function makeVariant<T extends CtfPupilIdentity>(pupil: T, kind: VariantKind, random: Random): T | null {
  const forename = pupil.forename ?? '';
  const surname = pupil.surname ?? '';
  switch (kind) {
    case 'typo': {
      const first: 'forename' | 'surname' = random.chance(0.5) ? 'surname' : 'forename';
      const names = { forename, surname, [first]: typo(first === 'surname' ? surname : forename, random) };
      if (random.chance(secondTypoRate)) {
        const second = random.chance(0.5) ? first : first === 'surname' ? 'forename' : 'surname';
        names[second] = typo(names[second], random);
      }
      return { ...pupil, forename: names.forename, surname: names.surname };
    }
    case 'phonetic': {
      const order: ('forename' | 'surname')[] = random.chance(0.5) ? ['forename', 'surname'] : ['surname', 'forename'];
      for (const field of order) {
        const changed = phonetic(field === 'forename' ? forename : surname, random);
        if (changed !== null) return { ...pupil, [field]: changed };
      }
      return null;
    }
    case 'day-month-swap': {
      const dob = pupil.dateOfBirth ?? '';
      const [y, m, d] = dob.split('-');
      if (!y || !m || !d || m === d) return null;
      const swapped = `${y}-${d}-${m}`;
      return isRealDate(swapped) ? { ...pupil, dateOfBirth: swapped } : null;
    }
    case 'forename-middle-swap': {
      const middles = (pupil.middleNames ?? '').split(' ').filter((x) => x !== '');
      const [firstMiddle, ...rest] = middles;
      if (!firstMiddle) return null;
      return { ...pupil, forename: firstMiddle, middleNames: [forename, ...rest].join(' ') };
    }
    case 'surname-hyphenated': {
      if (surname.includes('-')) return { ...pupil, surname: random.pick(surname.split('-')) };
      const other = random.pick(random.pick(heritageGroups).surnames).replace(/-.*/, '');
      return { ...pupil, surname: random.chance(0.5) ? `${surname}-${other}` : `${other}-${surname}` };
    }
    case 'surname-changed': {
      const candidates = random.pick(heritageGroups).surnames.filter((s) => s !== surname);
      const next = random.pick(candidates);
      return { ...pupil, surname: next, formerSurname: random.chance(0.5) ? surname : pupil.formerSurname };
    }
    case 'nickname': {
      const forms = nicknames[forename];
      if (!forms) return null;
      return { ...pupil, forename: random.pick(forms) };
    }
    case 'accents': {
      const order: ('forename' | 'surname')[] = random.chance(0.5) ? ['forename', 'surname'] : ['surname', 'forename'];
      let changed: T | null = null;
      for (const field of order) {
        const plain = plainSpelling(field === 'forename' ? forename : surname, random);
        if (plain !== null) changed = { ...(changed ?? pupil), [field]: plain };
      }
      return changed;
    }
    case 'dob-digit': {
      const wrong = oneDigitWrong(pupil.dateOfBirth ?? '', random);
      return wrong === null ? null : { ...pupil, dateOfBirth: wrong };
    }
  }
}

/** A variant of some kind that applies (trying kinds in random order); null only if none does. */
export function anyVariant<T extends CtfPupilIdentity>(
  pupil: T,
  random: Random,
): { kind: VariantKind; pupil: T } | null {
  const kinds = [...variantKinds];
  while (kinds.length > 0) {
    const [kind] = kinds.splice(random.int(kinds.length), 1);
    if (!kind) break;
    const variant = makeVariant(pupil, kind, random);
    if (variant) return { kind, pupil: variant };
  }
  return null;
}
