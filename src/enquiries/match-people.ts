/**
 * Matching a child against the small sets of people s2s keeps besides the repository: new pupils registered
 * without a CTF, and open missing-pupil enquiries. Candidates are every row whose date of birth a slip could have
 * turned into the one given (or with the same UPN); the repository's scoring decides, with the same threshold,
 * so a match means the same thing wherever it is shown.
 */
import type { Db } from '../platform/database.js';
import {
  MATCH_THRESHOLD,
  oneDigitVariants,
  scoreMatch,
  swappedDayMonth,
  type CandidateRecord,
  type SearchCriteria,
} from '../repository/public.js';

export interface Person {
  upn: string | null;
  surname: string;
  forename: string;
  date_of_birth: string;
  sex: string | null;
}

export interface PersonMatch {
  score: number;
  reasons: string[];
}

/** The date, its day and month swapped, and every date one mistyped digit away. */
export function nearbyBirthDates(dateOfBirth: string, now: Date): string[] {
  const swapped = swappedDayMonth(dateOfBirth);
  return [dateOfBirth, ...(swapped ? [swapped] : []), ...oneDigitVariants(dateOfBirth, 1990, now.getUTCFullYear())];
}

export function criteriaOf(person: Person): SearchCriteria {
  return {
    surname: person.surname,
    forename: person.forename,
    dateOfBirth: person.date_of_birth,
    ...(person.upn ? { upn: person.upn } : {}),
    ...(person.sex === 'M' || person.sex === 'F' ? { sex: person.sex } : {}),
  };
}

function asCandidate(person: Person): CandidateRecord {
  return {
    upn: person.upn,
    former_upns: [],
    surname: person.surname,
    forename: person.forename,
    middle_names: null,
    preferred_surname: null,
    preferred_forename: null,
    former_surname: null,
    former_forename: null,
    date_of_birth: person.date_of_birth,
    sex: person.sex,
    postcode: null,
    left_laestab: null,
    left_la_code: null,
  };
}

/**
 * How well `found` matches what `sought` describes, or null below the threshold. The name and date of birth must
 * agree on their own: a UPN can be guessed (check letter, LAEstab, year, serial), so a UPN that agrees adds to a
 * match but never makes one, and a guessed UPN with a made-up name learns nothing.
 */
export function scorePeople(sought: SearchCriteria, found: Person): PersonMatch | null {
  const byDetails = scoreMatch({ ...sought, upn: undefined }, asCandidate(found));
  if (!byDetails || byDetails.score < MATCH_THRESHOLD) return null;
  if (sought.upn && sought.upn === found.upn) return { score: 100, reasons: ['UPN matches', ...byDetails.reasons] };
  return byDetails;
}

/** Registered new pupils who are likely the child sought, best first, with the school each joined. */
export async function matchJoiners(
  db: Db,
  sought: SearchCriteria & { dateOfBirth: string },
  now: Date,
): Promise<Array<PersonMatch & { id: string; schoolLAEstab: string; joinedOn: string }>> {
  const rows = await db
    .selectFrom('joiners')
    .select(['id', 'upn', 'surname', 'forename', 'date_of_birth', 'sex', 'school_laestab', 'joined_on'])
    .where((eb) =>
      eb.or([
        eb('date_of_birth', 'in', nearbyBirthDates(sought.dateOfBirth, now)),
        ...(sought.upn ? [eb('upn', '=', sought.upn)] : []),
      ]),
    )
    .limit(2000)
    .execute();
  return rows
    .map((row) => {
      const scored = scorePeople(sought, row);
      return scored ? { ...scored, id: row.id, schoolLAEstab: row.school_laestab, joinedOn: row.joined_on } : null;
    })
    .filter((m): m is NonNullable<typeof m> => m !== null)
    .sort((a, b) => b.score - a.score)
    .slice(0, 10);
}
