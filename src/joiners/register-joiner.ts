/**
 * A school registers a new pupil who arrived without a CTF. s2s checks the details against the unknown-destination
 * repository at once (as the school's own search: audited, counted and rate limited like any other), against
 * files already waiting in the school's inbox from the previous school and, given a UPN, against every school's
 * CTFs in flight, then asks the previous school for the CTF,
 * or, when nobody knows where the child was before, passes the search to the school's LA straight away.
 */
import crypto from 'node:crypto';
import { auditActor, type User } from '../platform/user.js';
import type { Db } from '../platform/database.js';
import { searchRepository, type RepositoryDeps, type RepositoryMatch } from '../repository/public.js';
import { childDetailsSchema } from '../platform/child-details.js';
import { fieldErrors, optionalLaestab, requiredDate, type FieldError } from '../platform/validation.js';
import { addSchoolDays, londonDate } from '../platform/school-days.js';
import { otherSchoolProblem } from '../establishments/public.js';
import { alertEnquiries, criteriaOf, type Person } from '../enquiries/public.js';
import { ctfsCarryingPerson, type CtfCarryingUpn } from '../leavers/public.js';
import { laUsers, notify, schoolUsers } from '../notifications/public.js';
import { findJoinersCtf } from './receive-ctfs.js';

/** The notice to an LA's staff when the search for a new pupil's record passes to them. */
export const PASSED_TO_LA = {
  kind: 'joiner-with-la',
  message: 'The search for a new pupil’s record has passed to your LA',
  link: '/joiners/with-la',
};

export interface JoinerInput {
  surname: string;
  forename: string;
  dateOfBirth: string;
  sex?: 'M' | 'F';
  upn?: string;
  previousLAEstab?: string;
  joinedOn: string;
}

export const joinerSchema = childDetailsSchema('pupil')
  .extend({
    previousLAEstab: optionalLaestab('Previous school must be a 7-digit LAEstab'),
    joinedOn: requiredDate('Enter the date the pupil joined', 'Date joined'),
  })
  .strict();

const KNOWN_FIELDS = 'Send surname, forename, dateOfBirth, sex, upn, previousLAEstab and joinedOn.';

export type ParsedJoiner = { ok: true; joiner: JoinerInput } | { ok: false; errors: FieldError[] };

/** Checks a new pupil's details; dates must make sense against today (school-aged, not joined in the future). */
export function parseJoiner(input: unknown, today: string): ParsedJoiner {
  const parsed = joinerSchema.safeParse(input ?? {});
  if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error, KNOWN_FIELDS) };
  const joiner = parsed.data as JoinerInput;
  const errors: FieldError[] = [];
  const age = Number(today.slice(0, 4)) - Number(joiner.dateOfBirth.slice(0, 4));
  if (joiner.dateOfBirth >= today || age < 2 || age > 25)
    errors.push({ field: 'dateOfBirth', message: 'Date of birth must be that of a child of school age (2 to 25)' });
  if (joiner.joinedOn > today) errors.push({ field: 'joinedOn', message: 'Date joined must be today or in the past' });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, joiner };
}

/** A file waiting in the school's inbox from the pupil's previous school: quite possibly the CTF being sought. */
export interface WaitingFile {
  id: string;
  fileName: string;
  receivedAt: Date;
  pupils: number;
}

export type RegisterOutcome =
  | {
      kind: 'registered';
      id: string;
      /** The CTF already in the school's inbox that carries the pupil, when there is one. */
      receivedIn: string | null;
      matches: RepositoryMatch[];
      /** The repository record the school should look at before the search passes to its LA. */
      strongMatch: string | null;
      waitingFiles: WaitingFile[];
      ctfsForUpn: CtfCarryingUpn[];
      matchesChecked: true;
    }
  | {
      kind: 'registered';
      id: string;
      receivedIn: string | null;
      matches: [];
      waitingFiles: WaitingFile[];
      ctfsForUpn: CtfCarryingUpn[];
      matchesChecked: false;
      retryAfterSeconds: number;
    }
  | { kind: 'invalid'; errors: FieldError[] };

export async function registerJoiner(
  deps: RepositoryDeps,
  user: User,
  input: unknown,
  sourceIp: string | null,
): Promise<RegisterOutcome> {
  const now = deps.now();
  const today = londonDate(now);
  const parsed = parseJoiner(input, today);
  if (!parsed.ok) return { kind: 'invalid', errors: parsed.errors };
  const joiner = parsed.joiner;
  const school = user.orgCode;
  if (joiner.previousLAEstab) {
    const problem = await otherSchoolProblem(deps.db, school, joiner.previousLAEstab, 'previousLAEstab', {
      own: 'The previous school cannot be your own school',
      unknownHint: ', or leave it blank if you do not know it.',
    });
    if (problem) return { kind: 'invalid', errors: [problem] };
  }

  const id = crypto.randomUUID();
  const laCode = user.laCode ?? school.slice(0, 3);
  const child: Person = {
    upn: joiner.upn ?? null,
    surname: joiner.surname,
    forename: joiner.forename,
    date_of_birth: joiner.dateOfBirth,
    sex: joiner.sex ?? null,
  };
  // The repository is searched first, so that a strong match keeps the search at the school until it has looked.
  // The search spends the school's lookup budget; the CTFs in flight are checked only when it is admitted.
  const searched = await searchRepository(
    deps,
    user,
    { ...criteriaOf(child), ...(joiner.previousLAEstab ? { leftLAEstab: joiner.previousLAEstab } : {}) },
    sourceIp,
  );
  const strong = searched.kind === 'rate-limited' ? undefined : strongMatch(searched.results);
  const toLa = !joiner.previousLAEstab && !strong;
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('joiners')
      .values({
        id,
        school_laestab: school,
        la_code: laCode,
        surname: joiner.surname,
        forename: joiner.forename,
        date_of_birth: joiner.dateOfBirth,
        sex: joiner.sex ?? null,
        upn: joiner.upn ?? null,
        previous_laestab: joiner.previousLAEstab ?? null,
        joined_on: joiner.joinedOn,
        registered_by: user.id,
        registered_at: now,
        state: toLa ? 'with-la' : 'seeking',
        with_la_reason: toLa ? 'no-previous-school' : null,
        with_la_at: toLa ? now : null,
        ctf_file_id: null,
        received_at: null,
        match_record_id: strong?.id ?? null,
        match_reviewed_at: null,
        match_verdict: null,
      })
      .execute();
    if (joiner.previousLAEstab) {
      await trx
        .insertInto('ctf_requests')
        .values({
          id: crypto.randomUUID(),
          joiner_id: id,
          requesting_laestab: school,
          holder_laestab: joiner.previousLAEstab,
          requested_at: now,
          due_on: addSchoolDays(today, deps.config.ctfRequestSchoolDays),
          answered_at: null,
          answered_by: null,
          answer: null,
          file_id: null,
          note: null,
          arrival_due_on: null,
        })
        .execute();
    }
  });
  await deps.audit({
    action: 'joiner.registered',
    actor: auditActor(user),
    target: { kind: 'joiner', id },
    sourceIp,
    details: {
      previousLAEstab: joiner.previousLAEstab ?? null,
      requestedFrom: joiner.previousLAEstab ?? (toLa ? `LA ${laCode}` : null),
      strongRepositoryMatch: strong?.id ?? null,
    },
  });

  if (joiner.previousLAEstab) {
    await notify(deps.db, now, await schoolUsers(deps.db, joiner.previousLAEstab), {
      kind: 'ctf-request',
      message: 'A school has asked for a former pupil’s CTF',
      link: '/ctf-requests',
    });
  } else if (toLa) {
    await notify(deps.db, now, await laUsers(deps.db, laCode, ['la-user', 'la-admin']), PASSED_TO_LA);
  }
  await alertEnquiries(deps.db, now, [{ ...child, kind: 'joiner', id }]);

  // The CTF may have come before the pupil was registered: the school's recent CTFs are read for them.
  const receivedIn = await findJoinersCtf(deps, id, school);
  const waitingFiles = joiner.previousLAEstab ? await filesWaitingFrom(deps.db, school, joiner.previousLAEstab) : [];
  if (searched.kind === 'rate-limited') {
    return {
      kind: 'registered',
      id,
      receivedIn,
      matches: [],
      waitingFiles,
      ctfsForUpn: [],
      matchesChecked: false,
      retryAfterSeconds: searched.retryAfterSeconds,
    };
  }
  // With a UPN and agreeing name and date of birth, any school's CTF carrying it is found wherever it went.
  const ctfsForUpn = await ctfsCarryingPerson(deps.db, deps.keys.pupilIndexKey, child);
  return {
    kind: 'registered',
    id,
    receivedIn,
    matches: searched.results,
    strongMatch: strong?.id ?? null,
    waitingFiles,
    ctfsForUpn,
    matchesChecked: true,
  };
}

/**
 * A repository match so close (the same UPN with agreeing details, or name and date of birth exactly) that the
 * school should look at it before anyone else searches: the record is very likely their pupil's.
 */
export const STRONG_MATCH_SCORE = 95;

function strongMatch(results: readonly RepositoryMatch[]): RepositoryMatch | undefined {
  const [best] = [...results].sort((a, b) => b.score - a.score);
  return best && best.score >= STRONG_MATCH_SCORE ? best : undefined;
}

/** CTFs from the previous school in the school's inbox, newest first (a school receives few from any one school). */
export async function filesWaitingFrom(db: Db, school: string, previous: string): Promise<WaitingFile[]> {
  const rows = await db
    .selectFrom('transfer_files')
    .select(['id', 'file_name', 'received_at', 'pupils'])
    .where('recipient_org_code', '=', school)
    .where('source_code', '=', previous)
    .where('file_type', '=', 'CTF')
    .where('status', '=', 'delivered')
    .orderBy('received_at', 'desc')
    .limit(10)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    fileName: r.file_name,
    receivedAt: new Date(r.received_at),
    pupils: r.pupils,
  }));
}
