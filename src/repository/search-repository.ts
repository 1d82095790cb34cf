/**
 * A person's search of the unknown-destination repository: the details are checked, the search is spent from the
 * user's lookup budget (see lookup-budget.ts), the search and its criteria are
 * audited, and each result shown is recorded, since only a record someone was shown may be opened.
 */
import crypto from 'node:crypto';
import { z } from 'zod';
import { isRealDate } from '../ctf/dates.js';
import { isValidUpn } from '../ctf/upn.js';
import { auditActor, type User } from '../identity/user.js';
import type { TransferDeps } from '../transfers/accept-file.js';
import { spendLookup } from './lookup-budget.js';
import { matchRepository, type RepositoryMatch } from './match-repository.js';
import type { SearchCriteria } from './score-match.js';

export type RepositoryDeps = TransferDeps;

/** A person's name as people type it: letters, spaces, hyphens and apostrophes. */
export const nameText = (label: string) =>
  z
    .string()
    .trim()
    .max(100, `${label} must be 100 characters or fewer`)
    .regex(/^[\p{L}\p{M}' ’.-]*$/u, `${label} can only include letters, spaces, hyphens and apostrophes`);

/**
 * Text that must be given: a missing field and an empty one get the same plain request, and nothing else is said
 * about an empty field (later checks stop there).
 */
export const requiredText = (missing: string, max = 500) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? missing : 'must be text') })
    .trim()
    .min(1, { message: missing, abort: true })
    .max(max, `must be ${max} characters or fewer`);

/** A name that must be given: `missing` asks for it, `nameText` checks what was typed. */
export const requiredName = (missing: string, label: string) => requiredText(missing).pipe(nameText(label));

/** A date that must be given, written YYYY-MM-DD, and real. */
export const requiredDate = (missing: string, label: string) =>
  requiredText(missing).refine(isRealDate, `${label} must be a real date written YYYY-MM-DD`);

/** An optional UPN, upper-cased, with its check letter checked; empty means not given. */
export const optionalUpn = z
  .string()
  .trim()
  .toUpperCase()
  .transform((v) => (v === '' ? undefined : v))
  .refine((v) => v === undefined || isValidUpn(v), 'Enter a UPN of 13 characters with a correct check letter')
  .optional();

/** A UPN that must be given, upper-cased, with its check letter checked. */
export const requiredUpn = (missing: string) =>
  requiredText(missing).toUpperCase().refine(isValidUpn, 'Enter a UPN of 13 characters with a correct check letter');

/** An optional sex as the CTF records it, M or F; empty means not known. */
export const optionalSex = z
  .string()
  .trim()
  .toUpperCase()
  .transform((v) => (v === '' ? undefined : (v as 'M' | 'F')))
  .refine((v) => v === undefined || v === 'M' || v === 'F', 'Sex must be M or F')
  .optional();

const personName = (label: string) =>
  nameText(label)
    .transform((v) => (v === '' ? undefined : v))
    .optional();

const searchSchema = z
  .object({
    upn: optionalUpn,
    surname: personName('Surname'),
    forename: personName('First name'),
    dateOfBirth: z
      .string()
      .trim()
      .transform((v) => (v === '' ? undefined : v))
      .refine((v) => v === undefined || isRealDate(v), 'Date of birth must be a real date written YYYY-MM-DD')
      .optional(),
    sex: optionalSex,
    postcode: z
      .string()
      .trim()
      .toUpperCase()
      .transform((v) => (v === '' ? undefined : v))
      .refine(
        (v) => v === undefined || /^[A-Z]{1,2}[0-9][0-9A-Z]? ?[0-9][A-Z]{2}$/.test(v),
        'Enter a full UK postcode, like AB1 2CD',
      )
      .optional(),
    leftLA: z
      .string()
      .trim()
      .transform((v) => (v === '' ? undefined : v))
      .refine((v) => v === undefined || /^[0-9]{3}$/.test(v), 'LA must be a 3-digit LA code')
      .optional(),
    leftLAEstab: z
      .string()
      .trim()
      .transform((v) => (v === '' ? undefined : v))
      .refine((v) => v === undefined || /^[0-9]{7}$/.test(v), 'School must be a 7-digit LAEstab')
      .optional(),
  })
  .strict();

export interface FieldError {
  field: string;
  message: string;
}

export type ParsedSearch = { ok: true; criteria: SearchCriteria } | { ok: false; errors: FieldError[] };

/** A form's or body's problems, one per field, in words; `knownFields` tells a caller who sent an unknown field. */
export function fieldErrors(error: z.ZodError, knownFields: string): FieldError[] {
  return error.issues.map((issue) => ({
    field:
      issue.path.length > 0
        ? issue.path.join('.')
        : issue.code === 'unrecognized_keys'
          ? issue.keys.join(', ')
          : 'body',
    message:
      issue.code === 'unrecognized_keys'
        ? `Unknown field: ${issue.keys.join(', ')}. ${knownFields}`
        : issue.code === 'invalid_type'
          ? `${issue.path.join('.') || 'The body'} must be ${issue.expected === 'object' ? 'a JSON object' : 'text'}`
          : issue.message,
  }));
}

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
  const results = await matchRepository(deps.db, criteria, { now });
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
