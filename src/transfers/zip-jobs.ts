/**
 * What became of a sent .zip, for its sender's organisation: whether it is waiting, being unpacked or finished, how
 * many of its files have been judged, and each file's result so far. A sender whose connection dropped while a zip
 * was unpacked, or whose MIS gave up waiting, asks here instead of sending the zip again.
 */
import type { User } from '../platform/user.js';
import type { Db } from '../platform/database.js';
import { isUuid } from '../platform/ids.js';
import { abandonedJob } from '../platform/jobs.js';
import type { FileResult } from './file-result.js';
import { UNZIP_JOB, type ZipPayload } from './unpack-zip.js';

export type ZipJobState = 'waiting' | 'unpacking' | 'done' | 'failed';

export interface ZipJob {
  id: string;
  zipName: string;
  state: ZipJobState;
  sentAt: Date;
  finishedAt: Date | null;
  filesJudged: number;
  /** Why a failed zip failed, in its sender's words; null unless `failed`. */
  error: string | null;
  /** Each file's result, in the zip's order: all of them once done, those judged so far while unpacking. */
  files: FileResult[];
}

/** A failure that is not the queue giving up is the service's own: its text stays in the log. */
const serviceFault =
  'This .zip could not be unpacked because of a problem in s2s, not in your file: send it again for the files not ' +
  'delivered.';

function failure(state: string, error: string | null): string | null {
  if (state !== 'failed') return null;
  return abandonedJob(error) ? error : serviceFault;
}

const states = { queued: 'waiting', running: 'unpacking', done: 'done', failed: 'failed' } as const;

/** A zip job's state in the words its sender reads. */
export function zipJobState(state: keyof typeof states): ZipJobState {
  return states[state];
}

/** Where the API tells what became of a zip. */
export function zipJobUrl(id: string): string {
  return `/api/v1/jobs/${id}`;
}

function jobsOf(db: Db, user: User) {
  return db.selectFrom('jobs').where('kind', '=', UNZIP_JOB).where('org_code', '=', user.orgCode);
}

/** One zip job of the user's organisation, or undefined (as for an id that does not exist). */
export async function zipJob(db: Db, user: User, id: string): Promise<ZipJob | undefined> {
  if (!isUuid(id)) return undefined;
  const job = await jobsOf(db, user)
    .select(['id', 'payload', 'state', 'result', 'error', 'created_at', 'finished_at'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!job) return undefined;
  const items = await db.selectFrom('job_items').select('result').where('job_id', '=', id).orderBy('seq').execute();
  const finished = (job.result?.files as FileResult[] | undefined) ?? undefined;
  return {
    id: job.id,
    zipName: (job.payload as unknown as ZipPayload).zipName,
    state: states[job.state],
    sentAt: new Date(job.created_at),
    finishedAt: job.finished_at ? new Date(job.finished_at) : null,
    filesJudged: items.length,
    error: failure(job.state, job.error),
    files: finished ?? items.map((i) => i.result as unknown as FileResult),
  };
}

/** The organisation's zip jobs of the last week, newest first, without their files. */
export async function recentZipJobs(db: Db, user: User, now: Date): Promise<Omit<ZipJob, 'files'>[]> {
  const rows = await jobsOf(db, user)
    .select((eb) => [
      'id',
      'payload',
      'state',
      'error',
      'created_at',
      'finished_at',
      eb
        .selectFrom('job_items')
        .select(eb.fn.countAll<string>().as('n'))
        .whereRef('job_items.job_id', '=', 'jobs.id')
        .as('judged'),
    ])
    .where('created_at', '>', new Date(now.getTime() - 7 * 86_400_000))
    .orderBy('created_at', 'desc')
    .limit(100)
    .execute();
  return rows.map((job) => ({
    id: job.id,
    zipName: (job.payload as unknown as ZipPayload).zipName,
    state: states[job.state],
    sentAt: new Date(job.created_at),
    finishedAt: job.finished_at ? new Date(job.finished_at) : null,
    filesJudged: Number(job.judged ?? 0),
    error: failure(job.state, job.error),
  }));
}
