/**
 * What becomes of a file, offered to the capabilities that care: a file is accepted, collected, removed, expired,
 * or (in the repository) read again for its records. Transfers names no capability. Two ways in:
 * - contributors write their own rows in the same statement or transaction as the file's, so they are true exactly
 *   when the file's change is (leavers marked sent, the repository's records);
 * - after-commit effects (an enquiry alerted) are queued as jobs in that same transaction, the transactional outbox,
 *   and done by the job queue once it commits: the sender never waits for them, and a crash loses none.
 */
import type { QueryCreator } from 'kysely';
import type { CtfFileType, CtfPupil } from '../ctf/index.js';
import type { JobKind } from '../platform/capability.js';
import type { Db } from '../platform/database.js';
import { extensionPoint, type Extensions } from '../platform/extensions.js';
import { queuedJob } from '../platform/jobs.js';
import type { Keys } from '../platform/keys.js';
import type { Database } from '../platform/schema.js';

/** A file stored and recorded: in an inbox, or in the unknown-destination repository. */
export interface FileAccepted {
  kind: 'file.accepted';
  fileId: string;
  fileType: CtfFileType;
  to: 'inbox' | 'repository';
  /** The LAEstab the file's name says it comes from. */
  source: string;
  /** The organisation it was delivered to (after a renumbering), or the repository's code from its name. */
  sentTo: string;
  /** The CTF header's source school, when it has one. */
  header: { laestab: string | null; schoolName: string | null };
  /** The pupils' UPNs, for a CTF or ATF. */
  upns: readonly string[];
  pupils: number;
  at: Date;
  expiresAt: Date;
}

/** A file kept in the repository without records, read again so that its pupils can be found, as if just arrived. */
export interface FileRepaired {
  kind: 'file.repaired';
  fileId: string;
  source: string;
  header: { laestab: string | null; schoolName: string | null };
  receivedAt: Date;
  expiresAt: Date;
  at: Date;
}

/** The destination's first download. */
export interface FileCollected {
  kind: 'file.collected';
  fileId: string;
  collectedBy: string;
  at: Date;
}

/** Removed by its sender before collection; its content is destroyed. */
export interface FileRemoved {
  kind: 'file.removed';
  fileId: string;
  at: Date;
}

/** Past its retention, destroyed by housekeeping. */
export interface FileExpired {
  kind: 'file.expired';
  fileId: string;
  at: Date;
}

export type FileEvent = FileAccepted | FileRepaired | FileCollected | FileRemoved | FileExpired;

/** What a file carries, known before its content is read. */
export interface ArrivingFile {
  to: 'inbox' | 'repository';
  fileType: CtfFileType;
  source: string;
}

/** A contributor's rows for a file, written with the file's own. */
export interface FileWrites {
  /** Common table expressions put before the file's own statement, so that a file still waits for the database once. */
  withFile?: (q: QueryCreator<Database>) => QueryCreator<Database>;
  /** Statements after it in its transaction; a file with any is recorded in a transaction. */
  afterFile?: (trx: Db) => Promise<void>;
}

/** Something about an arriving file its sender and its recipient should know, though the file is fine to send. */
export interface FileCaution {
  /** Stable, e.g. `UPN_SEEN_WITH_OTHER_IDENTITY`. */
  code: string;
  /** In words the school office acts on; stored with the file, so it says the same on every later visit. */
  message: string;
}

/** A contributor's part in one arriving file: what it keeps of each pupil as they are read, then what it writes. */
export interface FileShare {
  onPupil?: (pupil: CtfPupil) => void;
  /**
   * Reads, once the file's pupils have been read and before it is recorded, what its sender and recipient should be
   * told about it. Only a read, made while the body is still being sealed: the file's own statement stays one, and
   * a caution never stops a file.
   */
  cautions?(db: Db): Promise<FileCaution[]>;
  writes(event: FileAccepted | FileRepaired): FileWrites | undefined;
}

export interface ContributorDeps {
  keys: Pick<Keys, 'pupilIndexKey'>;
}

/** A capability's rows that follow a file's changes, each in the change's own transaction. */
export interface TransferContributor {
  name: string;
  /** Called before a file's content is read (on arrival, and on repair); undefined when it takes no part. */
  arriving?(file: ArrivingFile, deps: ContributorDeps): FileShare | undefined;
  collected?(trx: Db, event: FileCollected): Promise<void>;
  removed?(trx: Db, event: FileRemoved): Promise<void>;
  /** Returns what it marked expired, by name (`{ repositoryRecords: 3 }`), for housekeeping's report. */
  expired?(trx: Db, event: FileExpired): Promise<Record<string, number>>;
}

/** What an effect's job is told: which event, of which file. Details are read from the tables, never carried. */
export interface FileEventNotice {
  event: FileEvent['kind'];
  fileId: string;
}

/** Work done after a file's change commits, by the job queue, as a job of its own kind. */
export interface AfterCommitEffect extends JobKind {
  /** The events it follows. */
  on: ReadonlyArray<FileEvent['kind']>;
  /** Of those, the ones it acts on (all when absent): no job is queued for the rest. */
  wants?(event: FileEvent): boolean;
}

/** Where capabilities plug in to write with files' changes. */
export const transferContributors = extensionPoint<TransferContributor>('transfers: contributors to files’ changes');
/** Where capabilities plug in the effects queued when files' changes commit; each is also a job kind of theirs. */
export const afterCommitEffects = extensionPoint<AfterCommitEffect>('transfers: effects after files’ changes');

export interface TransferListeners {
  contributors: readonly TransferContributor[];
  effects: readonly AfterCommitEffect[];
}

export function transferListeners(extensions: Extensions): TransferListeners {
  return { contributors: extensions.of(transferContributors), effects: extensions.of(afterCommitEffects) };
}

/** Every contributor's share in an arriving file. */
export function sharesIn(listeners: TransferListeners, file: ArrivingFile, deps: ContributorDeps): FileShare[] {
  return listeners.contributors.flatMap((c) => c.arriving?.(file, deps) ?? []);
}

/** The outbox's rows for an event: one queued job for each effect that acts on it. */
export function outboxRows(listeners: TransferListeners, event: FileEvent, orgCode: string) {
  const notice: FileEventNotice = { event: event.kind, fileId: event.fileId };
  return listeners.effects
    .filter((effect) => effect.on.includes(event.kind) && (effect.wants?.(event) ?? true))
    .map((effect) => queuedJob(effect.kind, orgCode, { ...notice }, event.at));
}

/** Writes the outbox's rows for an event in the caller's transaction; true when there were any to announce. */
export async function recordOutbox(trx: Db, listeners: TransferListeners, event: FileEvent, orgCode: string) {
  const rows = outboxRows(listeners, event, orgCode);
  if (rows.length > 0) await trx.insertInto('jobs').values(rows).execute();
  return rows.length > 0;
}

const EVENT_KINDS: ReadonlyArray<FileEvent['kind']> = [
  'file.accepted',
  'file.repaired',
  'file.collected',
  'file.removed',
  'file.expired',
];

function isEventKind(value: unknown): value is FileEvent['kind'] {
  return EVENT_KINDS.some((kind) => kind === value);
}

/** The notice a job of an effect was queued with. */
export function noticeOf(payload: Record<string, unknown>): FileEventNotice {
  const { event, fileId } = payload;
  if (!isEventKind(event) || typeof fileId !== 'string') throw new Error('not a file event notice');
  return { event, fileId };
}

/** Applies a share's rows on their own, for a change whose statement they cannot join. */
export async function applyWrites(trx: Db, writes: FileWrites): Promise<void> {
  if (writes.withFile) {
    await writes
      .withFile(trx)
      .selectNoFrom((eb) => eb.val(1).as('done'))
      .execute();
  }
  await writes.afterFile?.(trx);
}
