/**
 * What became of a sent .zip, for its sender's organisation: whether it is waiting, being unpacked or finished, how
 * many of its files have been judged, and each file's result so far. A sender whose connection dropped while a zip
 * was unpacked, or whose MIS gave up waiting, asks here instead of sending the zip again.
 */
import type { User } from '../identity/user.js';
import type { Db } from '../platform/database.js';
import { isUuid } from '../platform/ids.js';
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
  /** Each file's result, in the zip's order: all of them once done, those judged so far while unpacking. */
  files: FileResult[];
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
    .select(['id', 'payload', 'state', 'result', 'created_at', 'finished_at'])
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
  }));
}
