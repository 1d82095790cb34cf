/**
 * Collecting files: the inbox of an organisation, one file's details, and its content. A file is visible to its
 * destination organisation and, for oversight, to that organisation's LA; its sender sees its details (not its
 * content). Everyone else is told it does not exist. Every download is recorded and audited; the destination's
 * first download marks the file collected and starts its shorter retention.
 */
import type { Readable } from 'node:stream';
import { auditActor, type User } from '../platform/user.js';
import type { Db } from '../platform/database.js';
import type { TransferDeps } from './accept-file.js';
import { isUuid } from '../platform/ids.js';
import { recordOutbox, transferListeners, type FileEvent, type TransferListeners } from './file-events.js';

export interface FileSummary {
  id: string;
  fileName: string;
  fileType: string;
  source: string;
  /** The sending school's or LA's name, when the register knows it. */
  sourceName: string | null;
  destination: string;
  destinationKind: string;
  recipient: string | null;
  recipientName: string | null;
  recipientLa: string | null;
  senderOrg: string;
  redirectedFrom: string | null;
  pupils: number;
  size: number;
  sha256: string;
  status: string;
  receivedAt: Date;
  collectedAt: Date | null;
  collectedBy: string | null;
  expiresAt: Date;
  removedAt: Date | null;
  /** What its sender and recipient were told about it when it arrived (a UPN seen with another identity). */
  cautions: Array<{ code: string; message: string }>;
}

const columns = [
  'f.id',
  'f.file_name',
  'f.file_type',
  'f.source_code',
  'f.destination_code',
  'f.destination_kind',
  'f.recipient_org_code',
  'f.recipient_org_kind',
  'f.recipient_la_code',
  'f.sender_org_code',
  'f.redirected_from',
  'f.pupils',
  'f.size',
  'f.sha256',
  'f.status',
  'f.received_at',
  'f.collected_at',
  'f.expires_at',
  'f.removed_at',
  'f.cautions',
  'f.blob_id',
  'u.email as collected_by_email',
] as const;

function query(db: Db) {
  // Names by the register, for a school (LAEstab) or an LA (its code): each join is on a primary key.
  return db
    .selectFrom('transfer_files as f')
    .leftJoin('users as u', 'u.id', 'f.collected_by')
    .leftJoin('establishments as source_school', 'source_school.laestab', 'f.source_code')
    .leftJoin('local_authorities as source_la', 'source_la.code', 'f.source_code')
    .leftJoin('establishments as recipient_school', 'recipient_school.laestab', 'f.recipient_org_code')
    .leftJoin('local_authorities as recipient_la', 'recipient_la.code', 'f.recipient_org_code')
    .select(columns)
    .select((eb) => [
      eb.fn.coalesce('source_school.name', 'source_la.name').as('source_name'),
      eb.fn.coalesce('recipient_school.name', 'recipient_la.name').as('recipient_name'),
    ]);
}

type Row = Awaited<ReturnType<ReturnType<typeof query>['execute']>>[number];

function summary(r: Row): FileSummary {
  return {
    id: r.id,
    fileName: r.file_name,
    fileType: r.file_type,
    source: r.source_code,
    sourceName: r.source_name,
    destination: r.destination_code,
    destinationKind: r.destination_kind,
    recipient: r.recipient_org_code,
    recipientName: r.recipient_name,
    recipientLa: r.recipient_la_code,
    senderOrg: r.sender_org_code,
    redirectedFrom: r.redirected_from,
    pupils: r.pupils,
    size: r.size,
    sha256: r.sha256,
    status: r.status,
    receivedAt: new Date(r.received_at),
    collectedAt: r.collected_at ? new Date(r.collected_at) : null,
    collectedBy: r.collected_by_email,
    expiresAt: new Date(r.expires_at),
    removedAt: r.removed_at ? new Date(r.removed_at) : null,
    cautions: r.cautions,
  };
}

function isRecipient(user: User, r: Row): boolean {
  return r.recipient_org_kind === user.orgKind && r.recipient_org_code === user.orgCode;
}

/** LA staff oversee files sent to their LA's schools and to the LA itself. */
function isRecipientsLa(user: User, r: Row): boolean {
  return (
    (user.role === 'la-user' || user.role === 'la-admin') &&
    r.recipient_org_kind !== null &&
    r.recipient_la_code === user.laCode
  );
}

export const INBOX_LIMIT = 500;

/**
 * Files waiting for (or recently collected by) the user's organisation, newest first; with `notDownloaded`, only
 * those the organisation has not downloaded yet.
 */
export async function listInbox(db: Db, user: User, options: { notDownloaded?: boolean } = {}): Promise<FileSummary[]> {
  const rows = await query(db)
    .where('f.recipient_org_kind', '=', user.orgKind === 'school' ? 'school' : 'la')
    .where('f.recipient_org_code', '=', user.orgCode)
    .where('f.status', '=', 'delivered')
    .$if(options.notDownloaded === true, (qb) => qb.where('f.collected_at', 'is', null))
    .orderBy('f.received_at', 'desc')
    .limit(INBOX_LIMIT)
    .execute();
  return rows.map(summary);
}

/** Files sent to an LA's schools (for LA staff): what is waiting, what was collected. */
export async function listFilesWithinLa(db: Db, user: User): Promise<FileSummary[]> {
  if (user.role !== 'la-user' && user.role !== 'la-admin') return [];
  const rows = await query(db)
    .where('f.recipient_la_code', '=', user.laCode)
    .where('f.recipient_org_kind', '=', 'school')
    .where('f.status', '=', 'delivered')
    .orderBy('f.received_at', 'desc')
    .limit(INBOX_LIMIT)
    .execute();
  return rows.map(summary);
}

export async function listSent(db: Db, user: User): Promise<FileSummary[]> {
  const rows = await query(db)
    .where('f.sender_org_code', '=', user.orgCode)
    .where('f.sender_org_kind', '=', user.orgKind)
    .orderBy('f.received_at', 'desc')
    .limit(INBOX_LIMIT)
    .execute();
  return rows.map(summary);
}

async function findRow(db: Db, id: string): Promise<Row | undefined> {
  if (!isUuid(id)) return undefined;
  return query(db).where('f.id', '=', id).executeTakeFirst();
}

/** A file's details for someone entitled to see them, or undefined (callers answer 404). */
export async function fileFor(db: Db, user: User, id: string): Promise<FileSummary | undefined> {
  const row = await findRow(db, id);
  if (!row) return undefined;
  const sender = row.sender_org_code === user.orgCode;
  return isRecipient(user, row) || isRecipientsLa(user, row) || sender ? summary(row) : undefined;
}

/**
 * Writes what contributors and effects make of a file's change, in the change's transaction: `change` first (false
 * when it found nothing to change, and then nothing follows). True when effects were queued, to announce.
 */
async function withListeners(
  trx: Db,
  listeners: TransferListeners,
  event: FileEvent & { kind: 'file.collected' | 'file.removed' },
  orgCode: string,
  change: (trx: Db) => Promise<boolean>,
): Promise<{ changed: boolean; queued: boolean }> {
  if (!(await change(trx))) return { changed: false, queued: false };
  for (const contributor of listeners.contributors) {
    if (event.kind === 'file.collected') await contributor.collected?.(trx, event);
    else await contributor.removed?.(trx, event);
  }
  return { changed: true, queued: await recordOutbox(trx, listeners, event, orgCode) };
}

/** Whether anything follows an event of this kind: if not, its change needs no transaction of its own. */
function followed(listeners: TransferListeners, kind: 'file.collected' | 'file.removed'): boolean {
  const method = kind === 'file.collected' ? 'collected' : 'removed';
  return listeners.contributors.some((c) => c[method]) || listeners.effects.some((e) => e.on.includes(kind));
}

export interface Download {
  file: FileSummary;
  content: Readable;
}

/** The exact bytes sent, for the destination (or its LA); records the collection and audits it. */
export async function downloadFile(
  deps: TransferDeps,
  user: User,
  id: string,
  sourceIp: string | null,
): Promise<Download | undefined> {
  const row = await findRow(deps.db, id);
  if (!row || row.status !== 'delivered' || !(isRecipient(user, row) || isRecipientsLa(user, row))) return undefined;
  const content = await deps.blobs.get(row.blob_id);
  const now = deps.now();
  await deps.db
    .insertInto('transfer_downloads')
    .values({ file_id: id, user_id: user.id, org_code: user.orgCode, at: now })
    .execute();
  const firstCollection = isRecipient(user, row) && row.collected_at === null;
  if (firstCollection) {
    const collect = async (trx: Db) => {
      const updated = await trx
        .updateTable('transfer_files')
        .set({
          collected_at: now,
          collected_by: user.id,
          expires_at: new Date(now.getTime() + deps.config.retentionCollectedDays * 86_400_000),
        })
        .where('id', '=', id)
        .where('collected_at', 'is', null)
        .executeTakeFirst();
      return Number(updated.numUpdatedRows) > 0;
    };
    const listeners = transferListeners(deps.extensions);
    if (followed(listeners, 'file.collected')) {
      const event = { kind: 'file.collected', fileId: id, collectedBy: user.id, at: now } as const;
      const { queued } = await deps.db
        .transaction()
        .execute((trx) => withListeners(trx, listeners, event, user.orgCode, collect));
      if (queued) await deps.jobs.announce().catch(() => undefined);
    } else {
      await collect(deps.db);
    }
  }
  await deps.audit({
    action: 'file.downloaded',
    actor: auditActor(user),
    target: { kind: 'file', id },
    sourceIp,
    details: { pupils: row.pupils, firstCollection, as: isRecipient(user, row) ? 'recipient' : 'local-authority' },
  });
  const file = await fileFor(deps.db, user, id);
  return { file: file!, content };
}

/**
 * The sender removes a file that has not been collected; its content is destroyed at once, and leavers it carried
 * are waiting for their CTF again.
 */
export async function removeFile(
  deps: TransferDeps,
  user: User,
  id: string,
  sourceIp: string | null,
): Promise<'removed' | 'collected' | undefined> {
  const row = await findRow(deps.db, id);
  if (!row || row.sender_org_code !== user.orgCode || row.status !== 'delivered') return undefined;
  if (row.collected_at) return 'collected';
  const now = deps.now();
  const remove = async (trx: Db) => {
    const updated = await trx
      .updateTable('transfer_files')
      .set({ status: 'removed', removed_at: now, removed_by: user.id, purged_at: now })
      .where('id', '=', id)
      .where('collected_at', 'is', null)
      .where('status', '=', 'delivered')
      .executeTakeFirst();
    return Number(updated.numUpdatedRows) > 0;
  };
  // What the file counted for (leavers' CTFs sent) is undone with its removal, in one transaction.
  const event = { kind: 'file.removed', fileId: id, at: now } as const;
  const { changed, queued } = await deps.db
    .transaction()
    .execute((trx) => withListeners(trx, transferListeners(deps.extensions), event, user.orgCode, remove));
  if (!changed) return 'collected';
  if (queued) await deps.jobs.announce().catch(() => undefined);
  await deps.blobs.delete(row.blob_id);
  await deps.audit({ action: 'file.removed', actor: auditActor(user), target: { kind: 'file', id }, sourceIp });
  return 'removed';
}

/** What the user may do with a file they can see. */
export function fileActions(user: User, file: FileSummary): { download: boolean; remove: boolean } {
  const recipient = file.recipient !== null && file.recipient === user.orgCode;
  const overseer = user.orgKind === 'la' && file.recipient !== null && file.recipientLa === user.laCode;
  const delivered = file.status === 'delivered';
  return {
    download: delivered && (recipient || overseer),
    remove: delivered && file.collectedAt === null && file.senderOrg === user.orgCode,
  };
}
