/**
 * What happens after a search: a record a user was shown may be opened with a stated reason (audited); the person
 * who opened it may download that one child's CTF (the original header and the pupil's XML, byte for byte) and their
 * organisation may mark the child found. The LA of the school the child left sees who found the child and when.
 * A record the user has no right to is answered as if it did not exist.
 */
import crypto from 'node:crypto';
import { sql } from 'kysely';
import { z } from 'zod';
import { extractPupilFrom, type CtfLayout } from '../ctf/index.js';
import { auditActor, type User } from '../platform/user.js';
import { childSummary, type ChildSummary } from './match-repository.js';
import type { RepositoryDeps } from './search-repository.js';
import { isUuid } from '../platform/ids.js';
import { leftOnAsRecorded } from './left-on.js';
import { fieldErrors } from '../platform/validation.js';

export interface RecordSummary extends ChildSummary {
  status: 'active' | 'found' | 'expired';
}

export interface OpenedRecord extends RecordSummary {
  upn: string | null;
  formerUpns: string[];
  middleNames: string | null;
  preferredSurname: string | null;
  preferredForename: string | null;
  formerSurname: string | null;
  formerForename: string | null;
  postcode: string | null;
  leftLA: string | null;
  uploadedAt: Date;
  expiresAt: Date;
  found: {
    at: Date;
    byOrg: string;
    outcome: 'enrolled' | 'known-elsewhere';
    laestab: string | null;
    note: string | null;
  } | null;
}

async function findRecord(deps: RepositoryDeps, id: string) {
  if (!isUuid(id)) return undefined;
  const row = await deps.db.selectFrom('repository_records').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  const recorded = (await leftOnAsRecorded(deps.db, [id])).get(id);
  return recorded ? { ...row, left_on: recorded } : row;
}

type RecordRow = NonNullable<Awaited<ReturnType<typeof findRecord>>>;

function summary(row: RecordRow): RecordSummary {
  return { ...childSummary(row), status: row.status };
}

function opened(row: RecordRow): OpenedRecord {
  return {
    ...summary(row),
    upn: row.upn,
    formerUpns: row.former_upns,
    middleNames: row.middle_names,
    preferredSurname: row.preferred_surname,
    preferredForename: row.preferred_forename,
    formerSurname: row.former_surname,
    formerForename: row.former_forename,
    postcode: row.postcode,
    leftLA: row.left_la_code,
    uploadedAt: new Date(row.uploaded_at),
    expiresAt: new Date(row.expires_at),
    found:
      row.found_at && row.found_outcome && row.found_by_org_code
        ? {
            at: new Date(row.found_at),
            byOrg: row.found_by_org_code,
            outcome: row.found_outcome,
            laestab: row.found_laestab,
            note: row.found_note,
          }
        : null,
  };
}

async function wasShown(deps: RepositoryDeps, user: User, id: string): Promise<boolean> {
  const row = await deps.db
    .selectFrom('repository_disclosures')
    .select('record_id')
    .where('user_id', '=', user.id)
    .where('record_id', '=', id)
    .executeTakeFirst();
  return row !== undefined;
}

async function openedBy(deps: RepositoryDeps, id: string, who: { userId?: string; orgCode?: string }) {
  let query = deps.db.selectFrom('repository_openings').select(['id', 'opened_at']).where('record_id', '=', id);
  if (who.userId) query = query.where('user_id', '=', who.userId);
  if (who.orgCode) query = query.where('org_code', '=', who.orgCode);
  return query.orderBy('opened_at', 'desc').executeTakeFirst();
}

/**
 * A record as a search showed it, for the page where the user states why they are opening it: only for a user
 * it was shown to, while it is in active search (or already opened by their organisation).
 */
export async function shownRecord(deps: RepositoryDeps, user: User, id: string): Promise<RecordSummary | undefined> {
  const row = await findRecord(deps, id);
  if (!row || row.status === 'expired' || !(await wasShown(deps, user, id))) return undefined;
  if (row.status === 'found' && !(await openedBy(deps, id, { orgCode: user.orgCode }))) return undefined;
  return summary(row);
}

export const REASON_MIN = 10;
export const REASON_MAX = 500;

export type OpenOutcome =
  { kind: 'opened'; record: OpenedRecord } | { kind: 'reason-needed'; message: string } | undefined;

const reasonNeeded = `Say why you are opening this record, in ${REASON_MIN} to ${REASON_MAX} characters (for example, “Pupil joined Year 4 on 3 November without a CTF”)`;

/** Why a record is opened, as the page's form and the API's body both give it; the API document shows this schema. */
export const openBody = z.object({
  reason: z
    .string({ error: reasonNeeded })
    .trim()
    .min(REASON_MIN, reasonNeeded)
    .max(REASON_MAX, reasonNeeded)
    .describe('Why you are opening the record, for the audit trail'),
});

export async function openRecord(
  deps: RepositoryDeps,
  user: User,
  id: string,
  reason: unknown,
  sourceIp: string | null,
): Promise<OpenOutcome> {
  if (!(await shownRecord(deps, user, id))) return undefined;
  const parsed = openBody.shape.reason.safeParse(reason);
  if (!parsed.success) return { kind: 'reason-needed', message: reasonNeeded };
  const text = parsed.data;
  const now = deps.now();
  const openingId = crypto.randomUUID();
  await deps.db
    .insertInto('repository_openings')
    .values({ id: openingId, record_id: id, user_id: user.id, org_code: user.orgCode, reason: text, opened_at: now })
    .execute();
  const row = (await findRecord(deps, id))!;
  await deps.audit({
    action: 'repository.record-opened',
    actor: auditActor(user),
    target: { kind: 'repository-record', id },
    sourceIp,
    details: { reason: text, leftLAEstab: row.left_laestab },
  });
  return { kind: 'opened', record: opened(row) };
}

/**
 * An opened record, for the person who opened it alone: their stated reason covers their own reading, not a
 * colleague's, so anyone else is answered as if the record did not exist.
 */
export async function openedRecord(deps: RepositoryDeps, user: User, id: string): Promise<OpenedRecord | undefined> {
  const row = await findRecord(deps, id);
  if (!row || row.status === 'expired' || !(await openedBy(deps, id, { userId: user.id }))) return undefined;
  return opened(row);
}

/** A record someone in the user's organisation opened, which the organisation may mark found. */
async function openedByOrganisation(deps: RepositoryDeps, user: User, id: string): Promise<RecordRow | undefined> {
  const row = await findRecord(deps, id);
  if (!row || row.status === 'expired' || !(await openedBy(deps, id, { orgCode: user.orgCode }))) return undefined;
  return row;
}

export interface RecordContent {
  fileName: string;
  content: Buffer;
}

/** The child's single-pupil CTF, for a user who opened the record; every download is audited. */
export async function recordContent(
  deps: RepositoryDeps,
  user: User,
  id: string,
  sourceIp: string | null,
): Promise<RecordContent | undefined> {
  const row = await findRecord(deps, id);
  if (!row || row.status === 'expired' || !(await openedBy(deps, id, { userId: user.id }))) return undefined;
  const file = await deps.db
    .selectFrom('transfer_files')
    .select(['blob_id', 'layout', 'purged_at', 'file_name'])
    .where('id', '=', row.file_id)
    .executeTakeFirst();
  if (!file || file.purged_at || !file.layout) return undefined;
  const layout = (typeof file.layout === 'string' ? JSON.parse(file.layout) : file.layout) as CtfLayout;
  const body = await deps.blobs.ranges(file.blob_id);
  const content = await extractPupilFrom((start, end) => body.read(start, end), layout, {
    byteRange: { start: Number(row.byte_start), end: Number(row.byte_end) },
  });
  await deps.audit({
    action: 'repository.record-downloaded',
    actor: auditActor(user),
    target: { kind: 'repository-record', id },
    sourceIp,
    details: { bytes: content.length },
  });
  // The original file's conventional name, so that MIS imports and the CTF checks accept it as it came.
  return { fileName: file.file_name, content };
}

/**
 * Where a child was found, as the page's form and the API's body both give it: enrolled at a school (its LAEstab)
 * or known to be elsewhere (a note). The API document is made from this schema, so it shows what is checked.
 */
const outcomeMissing = 'Select whether the child is enrolled at a school or known to be elsewhere';
const laestabMissing = 'Enter the 7-digit LAEstab of the school the child is enrolled at';
const noteMissing = 'Say where the child is known to be, in 3 to 500 characters';
export const foundBody = z.discriminatedUnion(
  'outcome',
  [
    z.object({
      outcome: z.literal('enrolled'),
      laestab: z
        .string({ error: laestabMissing })
        .trim()
        .regex(/^[0-9]{7}$/, laestabMissing)
        .describe('The LAEstab of the school the child is enrolled at'),
      note: z.string().optional().describe('Ignored when enrolled'),
    }),
    z.object({
      outcome: z.literal('known-elsewhere'),
      note: z
        .string({ error: noteMissing })
        .trim()
        .min(3, noteMissing)
        .max(500, noteMissing)
        .describe('Where the child is known to be'),
      laestab: z.string().optional().describe('Ignored when known elsewhere'),
    }),
  ],
  { error: outcomeMissing },
);

export interface FoundInput {
  outcome?: unknown;
  laestab?: unknown;
  note?: unknown;
}

export type FoundOutcome =
  | { kind: 'found' }
  /** With `onlyCheck`: the answer is valid, and this is where the child is. */
  | { kind: 'checked'; where: string }
  | { kind: 'already-found' }
  | { kind: 'invalid'; errors: { field: string; message: string }[] }
  | undefined;

/** The organisation that opened the record says the child is found: enrolled at a school, or known elsewhere. */
export async function markFound(
  deps: RepositoryDeps,
  user: User,
  id: string,
  input: FoundInput,
  sourceIp: string | null,
  { onlyCheck = false }: { onlyCheck?: boolean } = {},
): Promise<FoundOutcome> {
  const record = await openedByOrganisation(deps, user, id);
  if (!record) return undefined;
  if (record.status === 'found') return { kind: 'already-found' };
  const parsed = foundBody.safeParse(input);
  if (!parsed.success)
    return { kind: 'invalid', errors: fieldErrors(parsed.error, 'Send outcome, with laestab or note.') };
  const found = parsed.data;
  let where = `Known elsewhere: ${found.outcome === 'known-elsewhere' ? found.note : ''}`;
  if (found.outcome === 'enrolled') {
    const school = await deps.db
      .selectFrom('establishments')
      .select(['laestab', 'name'])
      .where('laestab', '=', found.laestab)
      .executeTakeFirst();
    if (!school) {
      const message = `No school has the LAEstab ${found.laestab}: check it in “Find a school”`;
      return { kind: 'invalid', errors: [{ field: 'laestab', message }] };
    }
    where = `Enrolled at ${school.name} (${school.laestab})`;
  }
  if (onlyCheck) return { kind: 'checked', where };
  const now = deps.now();
  const updated = await deps.db
    .updateTable('repository_records')
    .set({
      status: 'found',
      found_at: now,
      found_by: user.id,
      found_by_org_code: user.orgCode,
      found_outcome: found.outcome,
      found_laestab: found.outcome === 'enrolled' ? found.laestab : null,
      found_note: found.outcome === 'known-elsewhere' ? found.note : null,
    })
    .where('id', '=', id)
    .where('status', '=', 'active')
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) return { kind: 'already-found' };
  await deps.audit({
    action: 'repository.record-found',
    actor: auditActor(user),
    target: { kind: 'repository-record', id },
    sourceIp,
    details: {
      outcome: found.outcome,
      laestab: found.outcome === 'enrolled' ? found.laestab : null,
      leftLAEstab: record.left_laestab,
    },
  });
  return { kind: 'found' };
}

export interface FoundRecord {
  id: string;
  surname: string | null;
  forename: string | null;
  dateOfBirth: string | null;
  leftLAEstab: string | null;
  leftSchoolName: string | null;
  leftOn: string | null;
  foundAt: Date;
  foundBy: string | null;
  foundByOrg: string;
  foundByOrgName: string | null;
  outcome: 'enrolled' | 'known-elsewhere';
  enrolledAt: string | null;
  note: string | null;
}

/** Children who left the user's LA's schools with an unknown destination and have since been found. */
export async function foundFromLa(deps: RepositoryDeps, user: User): Promise<FoundRecord[]> {
  const laCode = user.laCode ?? user.orgCode;
  const rows = await sql<{
    id: string;
    surname: string | null;
    forename: string | null;
    date_of_birth: string | null;
    left_laestab: string | null;
    left_school_name: string | null;
    left_on: string | null;
    found_at: Date;
    found_by_email: string | null;
    found_by_org_code: string;
    found_by_org_name: string | null;
    found_outcome: 'enrolled' | 'known-elsewhere';
    found_laestab: string | null;
    found_note: string | null;
  }>`
    SELECT r.id, r.surname, r.forename, r.date_of_birth, r.left_laestab, r.left_school_name, r.left_on, r.found_at,
           u.email AS found_by_email, r.found_by_org_code,
           COALESCE(e.name, la.name) AS found_by_org_name, r.found_outcome, r.found_laestab, r.found_note
    FROM repository_records r
    LEFT JOIN users u ON u.id = r.found_by
    LEFT JOIN establishments e ON e.laestab = r.found_by_org_code
    LEFT JOIN local_authorities la ON la.code = r.found_by_org_code
    WHERE r.left_la_code = ${laCode} AND r.found_at IS NOT NULL AND r.status <> 'expired'
    ORDER BY r.found_at DESC
    LIMIT 500`.execute(deps.db);
  return rows.rows.map((r) => ({
    id: r.id,
    surname: r.surname,
    forename: r.forename,
    dateOfBirth: r.date_of_birth,
    leftLAEstab: r.left_laestab,
    leftSchoolName: r.left_school_name,
    leftOn: r.left_on,
    foundAt: new Date(r.found_at),
    foundBy: r.found_by_email,
    foundByOrg: r.found_by_org_code,
    foundByOrgName: r.found_by_org_name,
    outcome: r.found_outcome,
    enrolledAt: r.found_laestab,
    note: r.found_note,
  }));
}
