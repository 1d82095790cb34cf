/**
 * Recording leavers from the CTF the school is sending them with: each pupil in the file becomes a leaver, going
 * where the file is addressed (a school's LAEstab, XXXXXXX for not known, MMMMMMM for outside the maintained
 * sector), so the office confirms the day they left instead of retyping what the file already says. The file is
 * read in memory and not kept; what the school confirms travels in a sealed form field, so that the leavers
 * recorded are exactly the pupils the file named.
 */
import crypto from 'node:crypto';
import { z } from 'zod';
import { otherSchoolProblem } from '../establishments/public.js';
import { readCtfPupils, type CtfProblem, type CtfPupilRead } from '../platform/ctf-upload.js';
import { londonDate } from '../platform/school-days.js';
import type { LeaverDestination } from '../platform/schema.js';
import type { User } from '../platform/user.js';
import type { FieldError } from '../platform/validation.js';
import type { RepositoryDeps } from '../repository/public.js';
import { checkLeaver, insertLeaver, reasonProblem, type LeaverInput } from './record-leaver.js';

/** Leavers recorded from one file at most: a whole year group moving on fits, and the sealed form stays small. */
export const MAX_LEAVERS_PER_CTF = 300;
/** How long a check page may wait for the school to confirm it. */
const SEAL_LIFETIME_MS = 2 * 60 * 60 * 1000;

/** The pupils of one CTF and where it sends them. */
export interface CtfLeavers {
  fileName: string;
  destination: LeaverDestination;
  /** The new school, when the file goes to one. */
  destinationLAEstab: string | null;
  pupils: CtfPupilRead[];
}

export type CtfLeaversRead = { ok: true; leavers: CtfLeavers } | { ok: false; problems: CtfProblem[] };

const fileProblem = (message: string): CtfLeaversRead => ({
  ok: false,
  problems: [{ line: 0, column: 0, message, code: 'NOT_LEAVERS' }],
});

/** Reads a CTF the school is sending: refused when it is not valid, not the school's own, or not to a school. */
export async function readLeaversCtf(
  deps: Pick<RepositoryDeps, 'db'>,
  user: User,
  bytes: Buffer,
  fileName: string,
): Promise<CtfLeaversRead> {
  const read = await readCtfPupils(bytes, fileName);
  if (!read.ok) return read;
  const { source, destination } = read.header;
  if (source.laestab !== user.orgCode)
    return fileProblem(
      `This CTF is from ${source.laestab ?? 'another sender'}${source.schoolName ? ` (${source.schoolName})` : ''}, not from your school (${user.orgCode}). Upload a CTF your school is sending to record its pupils as leavers.`,
    );
  if (read.pupils.length === 0) return fileProblem('The CTF holds no pupils.');
  if (read.pupils.length > MAX_LEAVERS_PER_CTF)
    return fileProblem(
      `The CTF holds ${read.pupils.length} pupils; s2s records at most ${MAX_LEAVERS_PER_CTF} leavers from one file. Split it into smaller files, or record the leavers one by one.`,
    );
  if (destination.kind === 'la' || destination.kind === null)
    return fileProblem(
      `This CTF is addressed to ${destination.laestab ?? 'no destination'}, which is not a school, XXXXXXX or MMMMMMM. Record these leavers with the form instead, saying where each went.`,
    );
  if (destination.kind === 'school') {
    const problem = await otherSchoolProblem(deps.db, user.orgCode, destination.laestab!, 'destinationLAEstab', {
      own: 'This CTF is addressed to your own school, so its pupils are not leaving.',
      unknownHint: '. The CTF must be addressed to the new school’s LAEstab.',
    });
    if (problem) return fileProblem(problem.message);
  }
  return {
    ok: true,
    leavers: {
      fileName: read.fileName,
      destination: destination.kind,
      destinationLAEstab: destination.kind === 'school' ? destination.laestab : null,
      pupils: read.pupils,
    },
  };
}

const sealedSchema = z.object({
  fileName: z.string(),
  destination: z.enum(['school', 'unknown', 'outside-maintained-sector']),
  destinationLAEstab: z.string().nullable(),
  pupils: z.array(
    z.object({
      surname: z.string(),
      forename: z.string(),
      dateOfBirth: z.string(),
      sex: z.enum(['M', 'F']).nullable(),
      upn: z.string(),
    }),
  ),
  user: z.string(),
  sealedAt: z.number(),
});

const mac = (key: Buffer, payload: string) =>
  crypto.createHmac('sha256', key).update(`leavers-from-ctf:${payload}`).digest('base64url');

/** The pupils read, sealed for the check page's form: only this user can confirm them, and only for a while. */
export function sealLeavers(key: Buffer, user: User, leavers: CtfLeavers, now: Date): string {
  const payload = Buffer.from(JSON.stringify({ ...leavers, user: user.id, sealedAt: now.getTime() })).toString(
    'base64url',
  );
  return `${payload}.${mac(key, payload)}`;
}

/** The pupils a check page's form carries, or null when the seal is broken, another user's, or too old. */
export function openLeavers(key: Buffer, user: User, sealed: unknown, now: Date): CtfLeavers | null {
  if (typeof sealed !== 'string') return null;
  const [payload, tag] = sealed.split('.');
  if (!payload || !tag) return null;
  const expected = Buffer.from(mac(key, payload));
  const given = Buffer.from(tag);
  if (expected.length !== given.length || !crypto.timingSafeEqual(expected, given)) return null;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  const parsed = sealedSchema.safeParse(json);
  if (!parsed.success || parsed.data.user !== user.id) return null;
  if (now.getTime() - parsed.data.sealedAt > SEAL_LIFETIME_MS) return null;
  const { user: _user, sealedAt: _sealedAt, ...leavers } = parsed.data;
  return leavers;
}

/** What the school confirms for every pupil of the file: the day they left, and for a file not to a school, why. */
export interface LeavingDetails {
  leftOn: string;
  reason?: string;
  reasonNote?: string;
}

export interface RecordedFromCtf {
  id: string;
  surname: string;
  forename: string;
  upn: string;
  ctfDueOn: string;
  ctfSent: boolean;
}

export type FromCtfOutcome =
  | {
      kind: 'recorded';
      recorded: RecordedFromCtf[];
      /** Pupils the school had already recorded as leavers: left as they were. */
      alreadyRecorded: CtfPupilRead[];
    }
  | { kind: 'invalid'; errors: FieldError[] };

/** Fields that are the pupil's own, whose errors name the pupil; the rest (the date, the reason) are the form's. */
const pupilFields = new Set(['surname', 'forename', 'dateOfBirth', 'sex', 'upn']);

/**
 * Records every pupil of the file as a leaver, each audited as one recorded by hand is; pupils the school has
 * already recorded leaving in the last year are skipped and named. Nothing is recorded while any pupil has a problem.
 */
export async function recordLeaversFromCtf(
  deps: RepositoryDeps,
  user: User,
  leavers: CtfLeavers,
  details: LeavingDetails,
  sourceIp: string | null,
): Promise<FromCtfOutcome> {
  const errors: FieldError[] = [];
  // The reason is asked once for the whole file, so it is checked here even when the date is also missing, which
  // stops the per-pupil check before it gets to the reason: the school sees every problem at once.
  if (leavers.destination !== 'school') {
    const problem = reasonProblem(leavers.destination, details.reason, details.reasonNote);
    if (problem) errors.push(problem);
  }
  const checked: Array<{ pupil: CtfPupilRead; leaver: LeaverInput }> = [];
  for (const pupil of leavers.pupils) {
    const outcome = await checkLeaver(deps, user, {
      surname: pupil.surname,
      forename: pupil.forename,
      dateOfBirth: pupil.dateOfBirth,
      ...(pupil.sex ? { sex: pupil.sex } : {}),
      upn: pupil.upn,
      leftOn: details.leftOn,
      destination: leavers.destination,
      ...(leavers.destinationLAEstab ? { destinationLAEstab: leavers.destinationLAEstab } : {}),
      ...(leavers.destination === 'school'
        ? {}
        : { reason: details.reason ?? '', reasonNote: details.reasonNote ?? '' }),
    });
    if (outcome.ok) {
      checked.push({ pupil, leaver: outcome.leaver });
      continue;
    }
    for (const e of outcome.errors) {
      const error = pupilFields.has(e.field)
        ? { field: e.field, message: `${pupil.forename} ${pupil.surname}: ${e.message}` }
        : e;
      if (!errors.some((seen) => seen.field === error.field && seen.message === error.message)) errors.push(error);
    }
  }
  if (errors.length > 0) return { kind: 'invalid', errors };

  const today = londonDate(deps.now());
  const yearAgo = `${Number(today.slice(0, 4)) - 1}${today.slice(4)}`;
  const known = new Set(
    (
      await deps.db
        .selectFrom('leavers')
        .select('upn')
        .where('school_laestab', '=', user.orgCode)
        .where(
          'upn',
          'in',
          checked.map((c) => c.leaver.upn),
        )
        .where('left_on', '>=', yearAgo)
        .execute()
    ).map((r) => r.upn),
  );
  const recorded: RecordedFromCtf[] = [];
  const alreadyRecorded: CtfPupilRead[] = [];
  for (const { pupil, leaver } of checked) {
    if (known.has(leaver.upn)) {
      alreadyRecorded.push(pupil);
      continue;
    }
    known.add(leaver.upn);
    const outcome = await insertLeaver(deps, user, leaver, sourceIp, { ctfFileName: leavers.fileName });
    // Recorded meanwhile (another tab, the same file twice at once): the database keeps one.
    if (outcome.kind === 'invalid') {
      alreadyRecorded.push(pupil);
      continue;
    }
    recorded.push({
      id: outcome.id,
      surname: leaver.surname,
      forename: leaver.forename,
      upn: leaver.upn,
      ctfDueOn: outcome.dueOn,
      ctfSent: outcome.ctfSent !== null,
    });
  }
  return { kind: 'recorded', recorded, alreadyRecorded };
}
