/**
 * A person's search of the unknown-destination repository: the details are checked, the search is spent from the
 * user's lookup budget (see lookup-budget.ts), the search and its criteria are
 * audited, and each result shown is recorded, since only a record someone was shown may be opened.
 */
import crypto from 'node:crypto';
import { z } from 'zod';
import { isRealDate } from '../ctf/dates.js';
import { auditActor, type User } from '../platform/user.js';
import { nameText, optionalSex, optionalUpn } from '../platform/child-details.js';
import { fieldErrors, optionalLaestab, optionalText, type FieldError } from '../platform/validation.js';
import type { TransferDeps } from '../transfers/public.js';
import { spendLookup } from './lookup-budget.js';
import { matchRepository, type RepositoryMatch } from './match-repository.js';
import type { SearchCriteria } from './score-match.js';
import { withLeftOnAsRecorded } from './left-on.js';

export type RepositoryDeps = TransferDeps;

const personName = (label: string) =>
  nameText(label)
    .transform((v) => (v === '' ? undefined : v))
    .optional();

export const searchSchema = z
  .object({
    upn: optionalUpn,
    surname: personName('Surname'),
    forename: personName('First name'),
    dateOfBirth: optionalText(isRealDate, 'Date of birth must be a real date written YYYY-MM-DD'),
    sex: optionalSex,
    // The pattern is checked on what was sent, so the API's description shows it: a full UK postcode, any case,
    // or nothing.
    postcode: z
      .string()
      .regex(/^\s*(?:[A-Za-z]{1,2}[0-9][0-9A-Za-z]? ?[0-9][A-Za-z]{2})?\s*$/, 'Enter a full UK postcode, like AB1 2CD')
      .transform((v) => v.trim().toUpperCase() || undefined)
      .optional(),
    leftLA: optionalText((v) => /^[0-9]{3}$/.test(v), 'LA must be a 3-digit LA code'),
    leftLAEstab: optionalLaestab('School must be a 7-digit LAEstab'),
  })
  .strict();

export type ParsedSearch = { ok: true; criteria: SearchCriteria } | { ok: false; errors: FieldError[] };

/** Checks a search's details: a UPN, or a surname with a date of birth (a first name makes it sharper). */
export function parseSearch(input: unknown): ParsedSearch {
  const parsed = searchSchema.safeParse(input ?? {});
  if (!parsed.success) {
    return {
      ok: false,
      errors: fieldErrors(
        parsed.error,
        'Search by upn, surname, forename, dateOfBirth, sex, postcode, leftLA and leftLAEstab.',
      ),
    };
  }
  const criteria = parsed.data as SearchCriteria;
  if (!criteria.upn) {
    const errors: FieldError[] = [];
    if (!criteria.surname) errors.push({ field: 'surname', message: 'Enter a surname, or search by UPN' });
    if (!criteria.dateOfBirth)
      errors.push({ field: 'dateOfBirth', message: 'Enter a date of birth, or search by UPN' });
    if (errors.length > 0) return { ok: false, errors };
  }
  return { ok: true, criteria };
}

export type SearchOutcome =
  | { kind: 'results'; searchId: string; results: RepositoryMatch[] }
  | { kind: 'rate-limited'; retryAfterSeconds: number };

const SEARCH_OUTCOMES = ['matched', 'no_match', 'rate_limited'] as const;

/** Searches counted for the operator, by outcome: the repository's use, and how often users meet the limit. */
const searchCounter = (deps: RepositoryDeps) =>
  deps.metrics?.counter({
    name: 's2s_repository_searches_total',
    help: 'Repository searches (pages, API, new pupils, enquiries), by outcome: matched, no_match, rate_limited.',
    labelNames: ['outcome'],
    initial: SEARCH_OUTCOMES.map((outcome) => ({ outcome })),
  });

export async function searchRepository(
  deps: RepositoryDeps,
  user: User,
  criteria: SearchCriteria,
  sourceIp: string | null,
): Promise<SearchOutcome> {
  const admission = await spendLookup(deps, user, 'repository-search', sourceIp);
  if (!admission.admitted) {
    searchCounter(deps)?.inc({ outcome: 'rate_limited' });
    return { kind: 'rate-limited', retryAfterSeconds: admission.retryAfterSeconds };
  }
  return { kind: 'results', ...(await searchSpentLookup(deps, user, criteria, sourceIp)) };
}

/**
 * The search itself, audited and its results recorded as shown to `user`, for a caller that has already spent the
 * lookup from the user's budget (an enquiry spends it when sent, and is searched when it goes out).
 */
export async function searchSpentLookup(
  deps: RepositoryDeps,
  user: User,
  criteria: SearchCriteria,
  sourceIp: string | null,
): Promise<{ searchId: string; results: RepositoryMatch[] }> {
  const now = deps.now();
  const results = await withLeftOnAsRecorded(deps.db, await matchRepository(deps.db, criteria, { now }));
  const searchId = crypto.randomUUID();
  const laCode = user.laCode ?? user.orgCode;
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('repository_searches')
      .values({
        id: searchId,
        user_id: user.id,
        org_code: user.orgCode,
        la_code: laCode,
        searched_at: now,
        results: results.length,
      })
      .execute();
    if (results.length > 0) {
      await trx
        .insertInto('repository_disclosures')
        .values(results.map((r) => ({ user_id: user.id, record_id: r.id, search_id: searchId, shown_at: now })))
        .onConflict((oc) => oc.columns(['user_id', 'record_id']).doUpdateSet({ search_id: searchId, shown_at: now }))
        .execute();
    }
  });
  await deps.audit({
    action: 'repository.searched',
    actor: auditActor(user),
    target: { kind: 'repository-search', id: searchId },
    sourceIp,
    details: { criteria, results: results.map((r) => ({ id: r.id, score: r.score })) },
  });
  searchCounter(deps)?.inc({ outcome: results.length > 0 ? 'matched' : 'no_match' });
  return { searchId, results };
}
