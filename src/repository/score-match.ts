/**
 * Scores one candidate record against a search and says, in words, why it matched. The score is a weighted sum of
 * how well the surname, first name and date of birth agree (each 0 to 1: the same, a known variant, a slip), with
 * small adjustments for sex, postcode and the school or LA the child left. A UPN or former UPN that matches is a
 * definite match. Weights and the threshold are here, in one place, and tuned against `bench/repository-quality`.
 */
import { compareDates } from './date-variants.js';
import { compactName, nameParts, sameFirstName, soundCodes, typingDistance } from './name-forms.js';

export interface SearchCriteria {
  upn?: string | undefined;
  surname?: string | undefined;
  forename?: string | undefined;
  dateOfBirth?: string | undefined;
  sex?: 'M' | 'F' | undefined;
  postcode?: string | undefined;
  leftLA?: string | undefined;
  leftLAEstab?: string | undefined;
}

export interface CandidateRecord {
  upn: string | null;
  former_upns: string[];
  surname: string | null;
  forename: string | null;
  middle_names: string | null;
  preferred_surname: string | null;
  preferred_forename: string | null;
  former_surname: string | null;
  former_forename: string | null;
  date_of_birth: string | null;
  sex: string | null;
  postcode: string | null;
  left_laestab: string | null;
  left_la_code: string | null;
}

export interface Score {
  score: number;
  reasons: string[];
}

/** Results below this score are not shown: a person should only ever see children who are likely the one sought. */
export const MATCH_THRESHOLD = 85;

const WEIGHT = { surname: 40, forename: 25, dateOfBirth: 35 } as const;

interface Agreement {
  value: number;
  reason: string;
}

const none: Agreement = { value: 0, reason: '' };

function better(a: Agreement, b: Agreement): Agreement {
  return b.value > a.value ? b : a;
}

/** How closely two single names agree by spelling or sound: the parts every name comparison shares. */
function spellingAgreement(searched: string, recorded: string, what: string): Agreement {
  const a = compactName(searched);
  const b = compactName(recorded);
  if (a === '' || b === '') return none;
  if (a === b) return { value: 1, reason: `${what} matches` };
  // A slip of one or two letters is named as such; otherwise a shared sound code is the reason.
  let best = none;
  const longest = Math.max(a.length, b.length);
  const distance = typingDistance(a, b, 2);
  if (distance === 1 && (longest >= 4 || a[0] === b[0])) {
    best = { value: 0.85, reason: `${what} spelt with one letter different` };
  } else if (distance === 2 && longest >= 5) {
    // Two slips in a short name leave less of it: weaker evidence than in a long one.
    best = { value: longest >= 7 ? 0.7 : 0.65, reason: `${what} spelt with two letters different` };
  }
  const codes = soundCodes(b);
  if (soundCodes(a).some((c) => codes.includes(c))) {
    // Sounding alike from a different first letter (Catherine, Katherine) is a little weaker evidence.
    best = better(best, { value: a[0] === b[0] ? 0.85 : 0.8, reason: `${what} sounds alike` });
  }
  return best;
}

function surnameAgreement(searched: string, record: CandidateRecord): Agreement {
  let best = none;
  const recorded: [string | null, string][] = [
    [record.surname, 'surname'],
    [record.preferred_surname, 'preferred surname'],
    [record.former_surname, 'former surname'],
  ];
  const searchedParts = nameParts(searched);
  for (const [name, label] of recorded) {
    if (!name) continue;
    // Another surname the child is known by counts a little less than the legal one.
    const discount = label === 'surname' ? 1 : 0.95;
    const whole = spellingAgreement(searched, name, label === 'surname' ? 'surname' : `their ${label}`);
    best = better(best, { value: whole.value * discount, reason: whole.reason });
    const recordedParts = nameParts(name);
    if (searchedParts.length > 1 || recordedParts.length > 1) {
      for (const s of searchedParts) {
        for (const r of recordedParts) {
          if (s.length < 2 || r.length < 2) continue;
          const part = spellingAgreement(s, r, 'part');
          if (part.value === 1) {
            best = better(best, {
              value: 0.9 * discount,
              reason: `surname matches one part of a double-barrelled ${label}`,
            });
          } else if (part.value > 0) {
            best = better(best, {
              value: 0.75 * discount,
              reason: `surname is close to one part of a double-barrelled ${label}`,
            });
          }
        }
      }
    }
  }
  return best;
}

/** Seb for Sebastian, Steph for Stephanie: the first three or more letters of a longer first name. */
function isShortenedForm(searched: string, recorded: string): boolean {
  const a = compactName(searched);
  const b = compactName(recorded);
  return a.length >= 3 && b.length >= a.length + 2 && b.startsWith(a);
}

function forenameAgreement(searched: string, record: CandidateRecord): Agreement {
  let best = none;
  const searchedNames = [searched, ...(nameParts(searched).length > 1 ? nameParts(searched) : [])];
  const middles = record.middle_names ? nameParts(record.middle_names) : [];
  const recorded: [string | null, string, number][] = [
    [record.forename, 'first name', 1],
    [record.preferred_forename, 'their preferred first name', 0.95],
    [record.former_forename, 'their former first name', 0.9],
    ...middles.map((m): [string, string, number] => [m, 'first name matches a middle name', 0.9]),
  ];
  for (const name of searchedNames) {
    for (const [value, label, weight] of recorded) {
      if (!value) continue;
      const isMiddle = label.includes('middle');
      const spelling = spellingAgreement(name, value, isMiddle ? 'first name' : label);
      if (spelling.value > 0) {
        const reason = isMiddle && spelling.value === 1 ? 'first name matches their middle name' : spelling.reason;
        best = better(best, { value: spelling.value * weight, reason });
      }
      if (!isMiddle && isShortenedForm(name, value)) {
        best = better(best, {
          value: 0.8 * weight,
          reason: `first name is a shortened form of ${label === 'first name' ? 'theirs' : label}`,
        });
      }
      if (sameFirstName(name, value)) {
        // Known spellings of one name (Mohammed, Muhammad) that also sound alike are reported as sounding alike.
        const shortForm = isMiddle
          ? 'first name is a short form of their middle name'
          : `first name is a short form of ${label === 'first name' ? 'theirs' : label}`;
        best = better(best, { value: 0.9 * weight, reason: spelling.value > 0 ? spelling.reason : shortForm });
      }
    }
  }
  return best;
}

function dateAgreement(searched: string, recorded: string | null): Agreement {
  if (!recorded) return none;
  switch (compareDates(searched, recorded)) {
    case 'same':
      return { value: 1, reason: 'date of birth matches' };
    case 'day-month-swapped':
      return { value: 0.85, reason: 'day and month of birth swapped' };
    case 'one-digit':
      return { value: 0.75, reason: 'one digit of the date of birth differs' };
    default:
      return none;
  }
}

function foldPostcode(postcode: string): string {
  return postcode.toUpperCase().replace(/\s+/g, '');
}

/** The score and reasons for one candidate, or null when it does not meet the minimum on every field searched. */
export function scoreMatch(criteria: SearchCriteria, record: CandidateRecord): Score | null {
  if (criteria.upn) {
    if (record.upn === criteria.upn) return { score: 100, reasons: ['UPN matches'] };
    if (record.former_upns.includes(criteria.upn)) return { score: 100, reasons: ['matches a former UPN'] };
  }
  if (!criteria.surname || !criteria.dateOfBirth) return null;
  const surname = surnameAgreement(criteria.surname, record);
  const date = dateAgreement(criteria.dateOfBirth, record.date_of_birth);
  if (surname.value === 0 || date.value === 0) return null;
  let weighted = WEIGHT.surname * surname.value + WEIGHT.dateOfBirth * date.value;
  let total = WEIGHT.surname + WEIGHT.dateOfBirth;
  const reasons = [surname.reason, date.reason];
  if (criteria.forename) {
    const forename = forenameAgreement(criteria.forename, record);
    if (forename.value === 0) return null;
    weighted += WEIGHT.forename * forename.value;
    total += WEIGHT.forename;
    reasons.splice(1, 0, forename.reason);
  }
  let score = (100 * weighted) / total;
  if (criteria.sex && record.sex) {
    if (criteria.sex === record.sex) reasons.push('sex matches');
    else {
      score -= 15;
      reasons.push('sex recorded differently');
    }
  }
  if (criteria.postcode && record.postcode && foldPostcode(criteria.postcode) === foldPostcode(record.postcode)) {
    score += 5;
    reasons.push('postcode matches');
  }
  if (criteria.leftLAEstab && criteria.leftLAEstab === record.left_laestab) {
    score += 5;
    reasons.push('left the school you named');
  } else if (criteria.leftLA && criteria.leftLA === record.left_la_code) {
    score += 3;
    reasons.push('left a school in the LA you named');
  }
  return { score: Math.min(99, Math.round(score)), reasons };
}
