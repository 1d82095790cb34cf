/**
 * Finds the children in active search that a set of details most likely describes: candidates are selected in
 * SQL through indexes (UPN, former UPNs, the date of birth and its swap, and date-and-sound keys for every
 * variant of the date), then scored in code, and only those above the threshold are returned, best first.
 * No audit and no disclosure here: `searchRepository` does that for people; benchmarks call this directly.
 */
import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../platform/database.js';
import { oneDigitVariants, swappedDayMonth } from './date-variants.js';
import { MATCH_THRESHOLD, scoreMatch, type CandidateRecord, type SearchCriteria } from './score-match.js';
import { querySearchKeys } from './search-keys.js';

/** What a person needs to recognise a child, and no more: all a search result, or a chosen record, shows. */
export interface ChildSummary {
  id: string;
  surname: string | null;
  forename: string | null;
  dateOfBirth: string | null;
  sex: string | null;
  leftLAEstab: string | null;
  leftSchoolName: string | null;
  leftOn: string | null;
}

/** A repository row as the summary a person is shown. */
export function childSummary(row: {
  id: string;
  surname: string | null;
  forename: string | null;
  date_of_birth: string | null;
  sex: string | null;
  left_laestab: string | null;
  left_school_name: string | null;
  left_on: string | null;
}): ChildSummary {
  return {
    id: row.id,
    surname: row.surname,
    forename: row.forename,
    dateOfBirth: row.date_of_birth,
    sex: row.sex,
    leftLAEstab: row.left_laestab,
    leftSchoolName: row.left_school_name,
    leftOn: row.left_on,
  };
}

export interface RepositoryMatch extends ChildSummary {
  score: number;
  reasons: string[];
}

interface CandidateRow extends CandidateRecord {
  id: string;
  left_school_name: string | null;
  left_on: string | null;
}

/** At most this many results are shown, however many children pass the threshold. */
export const MAX_RESULTS = 10;
// A search that selects more candidates than this is scored on the first ones only; real searches select hundreds.
const MAX_CANDIDATES = 5000;
// Dates of birth a slip of one digit could produce are looked for within these years.
const EARLIEST_BIRTH_YEAR = 1990;

export interface MatchOptions {
  now: Date;
  /** For benchmarks: return every candidate above this score (default: the service's threshold), up to `limit`. */
  threshold?: number;
  limit?: number;
}

/**
 * The SQL that selects a search's candidates, or null when the details give no way in (exported so the speed
 * benchmark can EXPLAIN exactly what the service runs).
 */
export function candidateQuery(
  criteria: SearchCriteria,
  now: Date,
  limit: number | null = MAX_CANDIDATES,
): RawBuilder<CandidateRow> | null {
  const dob = criteria.dateOfBirth;
  const close = dob ? [dob, swappedDayMonth(dob)].filter((d): d is string => d !== null) : [];
  const keys =
    dob && criteria.surname
      ? querySearchKeys(criteria, [...close, ...oneDigitVariants(dob, EARLIEST_BIRTH_YEAR, now.getUTCFullYear())])
      : [];
  // Each way in is its own branch, so each gets its own index plan. The date-and-sound keys are probed one at a
  // time: asked about a hundred keys at once, PostgreSQL's estimate for `&&` is so high it scans the whole table.
  const columns = sql`id, upn, former_upns, surname, forename, middle_names, preferred_surname, preferred_forename,
    former_surname, former_forename, date_of_birth, sex, postcode, left_laestab, left_la_code, left_school_name, left_on`;
  const active = sql`status = 'active' AND expires_at > ${now}`;
  const ways: RawBuilder<unknown>[] = [];
  if (criteria.upn) {
    ways.push(sql`SELECT ${columns} FROM repository_records
      WHERE ${active} AND (upn = ${criteria.upn} OR former_upns @> ARRAY[${criteria.upn}]::text[])`);
  }
  if (keys.length > 0) {
    ways.push(sql`SELECT ${columns} FROM repository_records WHERE ${active} AND date_of_birth = ANY(${close}::date[])`);
    ways.push(sql`SELECT hit.* FROM unnest(${keys}::text[]) AS k(key)
      CROSS JOIN LATERAL (SELECT ${columns} FROM repository_records WHERE ${active} AND search_keys @> ARRAY[k.key]) hit`);
  }
  if (ways.length === 0) return null;
  const union = sql.join(
    ways.map((way) => sql`(${way})`),
    sql` UNION ALL `,
  );
  return limit === null ? sql<CandidateRow>`${union}` : sql<CandidateRow>`${union} LIMIT ${limit}`;
}

export async function matchRepository(
  db: Db,
  criteria: SearchCriteria,
  options: MatchOptions,
): Promise<RepositoryMatch[]> {
  const query = candidateQuery(criteria, options.now);
  if (!query) return [];
  const rows = await query.execute(db);

  const threshold = options.threshold ?? MATCH_THRESHOLD;
  const matches: RepositoryMatch[] = [];
  const seen = new Set<string>();
  for (const row of rows.rows) {
    if (seen.has(row.id)) continue;
    seen.add(row.id);
    const scored = scoreMatch(criteria, row);
    if (!scored || scored.score < threshold) continue;
    matches.push({ ...childSummary(row), score: scored.score, reasons: scored.reasons });
  }
  matches.sort(
    (a, b) => b.score - a.score || (a.surname ?? '').localeCompare(b.surname ?? '') || a.id.localeCompare(b.id),
  );
  return matches.slice(0, options.limit ?? MAX_RESULTS);
}
