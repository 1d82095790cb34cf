/**
 * A new pupil's CTF counts as received only when a CTF carrying that pupil reaches the school: by the same UPN, or
 * by name and date of birth within the repository's tolerances. Whatever the previous school says, the file decides.
 * Each CTF arriving in a school's inbox that is waiting for one is read, moments after its upload commits, against
 * the school's new pupils still without one; a new pupil registered after their CTF came is checked against the inbox at once; a previous
 * school saying "sent" has its CTFs to the school checked there and then.
 */
import { sql, type QueryCreator } from 'kysely';
import type { JobKind } from '../platform/capability.js';
import { queuedJob } from '../platform/jobs.js';
import type { Database } from '../platform/schema.js';
import type { RecordAudit } from '../platform/audit/record-audit.js';
import type { BlobStore } from '../platform/blobs.js';
import type { Db } from '../platform/database.js';
import { criteriaOf, scorePeople, type Person } from '../enquiries/public.js';
import { notify, schoolUsers } from '../notifications/public.js';
import { noticeOf, pupilsInFile, type FilePupil, type TransferContributor } from '../transfers/public.js';

export interface ReceiveDeps {
  db: Db;
  blobs: BlobStore;
  now: () => Date;
  audit: RecordAudit;
}

/** The notice to a school's staff when the CTF of a new pupil they registered arrives. */
export const CTF_ARRIVED = {
  kind: 'joiner-ctf-received',
  message: 'The CTF for a new pupil you registered has arrived in your inbox',
  link: '/joiners',
};

/** How far back a school's inbox is read for a new pupil's CTF that came before the pupil was registered. */
const INBOX_LOOKBACK_DAYS = 90;
const INBOX_FILES_READ = 20;

type Seeking = Person & { id: string };

/** Whether a pupil read from a CTF is this new pupil: the same UPN, or agreeing name and date of birth. */
export function carriesJoiner(joiner: Person, pupil: FilePupil): boolean {
  if (joiner.upn && pupil.upn && joiner.upn.trim().toUpperCase() === pupil.upn.trim().toUpperCase()) return true;
  const asPerson: Person = {
    upn: pupil.upn,
    surname: pupil.surname,
    forename: pupil.forename,
    date_of_birth: pupil.dateOfBirth,
    sex: pupil.sex,
  };
  return scorePeople(criteriaOf(joiner), asPerson) !== null;
}

/** A school's new pupils still waiting for a CTF, registered within the last year. */
async function seekingAt(db: Db, school: string, now: Date, only?: string): Promise<Seeking[]> {
  let query = db
    .selectFrom('joiners')
    .select(['id', 'upn', 'surname', 'forename', 'date_of_birth', 'sex'])
    .where('school_laestab', '=', school)
    .where('state', '<>', 'received')
    .where('registered_at', '>=', new Date(now.getTime() - 400 * 86_400_000))
    .limit(1000);
  if (only) query = query.where('id', '=', only);
  return query.execute();
}

/**
 * Marks a new pupil's CTF received with the file that carries them; the request for it, answered or not, is
 * answered by that file. False when another node or an earlier run got there first.
 */
export async function receive(deps: ReceiveDeps, joinerId: string, fileId: string): Promise<boolean> {
  const now = deps.now();
  const received = await deps.db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('joiners')
      .set({ state: 'received', ctf_file_id: fileId, received_at: now })
      .where('id', '=', joinerId)
      .where('state', '<>', 'received')
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) return false;
    await trx
      .updateTable('ctf_requests')
      .set({
        file_id: fileId,
        answered_at: sql`coalesce(answered_at, ${now})`,
        answer: sql`coalesce(answer, 'sent')`,
      })
      .where('joiner_id', '=', joinerId)
      .execute();
    return true;
  });
  if (received) {
    await deps.audit({
      action: 'joiner.ctf-received',
      target: { kind: 'joiner', id: joinerId },
      details: { fileId },
    });
  }
  return received;
}

/** Receives, from one delivered CTF, every new pupil in `joiners` it carries; how many it received. */
async function receiveFrom(deps: ReceiveDeps, fileId: string, school: string, joiners: Seeking[]): Promise<number> {
  if (joiners.length === 0) return 0;
  const pupils = await pupilsInFile(deps, fileId, school);
  if (!pupils || pupils.length === 0) return 0;
  let count = 0;
  for (const joiner of joiners) {
    if (pupils.some((pupil) => carriesJoiner(joiner, pupil)) && (await receive(deps, joiner.id, fileId))) count++;
  }
  return count;
}

/** A CTF just delivered: the new pupils of its school that it carries are received, and the school told. */
export async function receiveArrivedCtf(deps: ReceiveDeps, fileId: string): Promise<number> {
  const file = await deps.db
    .selectFrom('transfer_files')
    .select(['recipient_org_code'])
    .where('id', '=', fileId)
    .where('file_type', '=', 'CTF')
    .where('recipient_org_kind', '=', 'school')
    .executeTakeFirst();
  if (!file?.recipient_org_code) return 0;
  const school = file.recipient_org_code;
  const received = await receiveFrom(deps, fileId, school, await seekingAt(deps.db, school, deps.now()));
  if (received > 0) await notify(deps.db, deps.now(), await schoolUsers(deps.db, school), CTF_ARRIVED);
  return received;
}

/**
 * Looks for one new pupil's CTF among files already delivered: those in `fileIds`, or the school's recent CTFs.
 * The id of the file that carried them, or null.
 */
export async function findJoinersCtf(
  deps: ReceiveDeps,
  joinerId: string,
  school: string,
  fileIds?: readonly string[],
): Promise<string | null> {
  if (fileIds?.length === 0) return null;
  const joiners = await seekingAt(deps.db, school, deps.now(), joinerId);
  if (joiners.length === 0) return null;
  let query = deps.db
    .selectFrom('transfer_files')
    .select('id')
    .where('recipient_org_code', '=', school)
    .where('file_type', '=', 'CTF')
    .where('status', '=', 'delivered')
    .orderBy('received_at', 'desc')
    .limit(INBOX_FILES_READ);
  query = fileIds
    ? query.where('id', 'in', [...fileIds])
    : query.where('received_at', '>=', new Date(deps.now().getTime() - INBOX_LOOKBACK_DAYS * 86_400_000));
  for (const file of await query.execute()) {
    if ((await receiveFrom(deps, file.id, school, joiners)) > 0) return file.id;
  }
  return null;
}

export const JOINER_CTF_JOB = 'joiner-ctfs';

/** Reads a CTF just delivered to a school for the new pupils waiting for it, once its upload has committed. */
export const joinerCtfJob: JobKind = {
  kind: JOINER_CTF_JOB,
  handler: (services) => async (job) => {
    const { fileId } = noticeOf(job.payload);
    return { received: await receiveArrivedCtf(services, fileId) };
  },
};

/**
 * Queues that reading in the file's own statement, and only when the school has a new pupil still waiting for a
 * CTF: most CTFs reach schools that are waiting for none, and cost them no job at all.
 */
export const joinerCtfContributor: TransferContributor = {
  name: 'joiners',
  arriving(file) {
    if (file.to !== 'inbox' || file.fileType !== 'CTF') return undefined;
    return {
      writes(event) {
        if (event.kind !== 'file.accepted') return undefined;
        const job = queuedJob(JOINER_CTF_JOB, event.sentTo, { event: event.kind, fileId: event.fileId }, event.at);
        return {
          withFile: (q) =>
            q.with('joiner_ctf_job', (w) =>
              w
                .insertInto('jobs')
                .columns(['id', 'kind', 'org_code', 'payload', 'state', 'created_at'])
                .expression(
                  w
                    .selectFrom('joiners')
                    .select([
                      sql<string>`${job.id}`.as('id'),
                      sql<string>`${job.kind}`.as('kind'),
                      sql<string>`${job.org_code}`.as('org_code'),
                      sql<string>`CAST(${job.payload} AS jsonb)`.as('payload'),
                      sql<string>`${'queued'}`.as('state'),
                      sql<Date>`CAST(${event.at.toISOString()} AS timestamptz)`.as('created_at'),
                    ])
                    .where('school_laestab', '=', event.sentTo)
                    .where('state', '<>', 'received')
                    .limit(1),
                ),
            ) as unknown as QueryCreator<Database>,
        };
      },
    };
  },
};
