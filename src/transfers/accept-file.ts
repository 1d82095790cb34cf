/**
 * Accepts one file: checks its name and that the sender may send from its source, reads its first bytes to know
 * what it is (a CTF is one whatever its name's label says), finds where it goes, then streams it once — encrypting
 * it into the blob store while the CTF engine validates it — and records it in the destination's inbox or, for
 * XXXXXXX/MMMMMMM, in the unknown-destination repository with one record per pupil. A refused file leaves nothing
 * stored. Memory does not grow with the file.
 */
import crypto from 'node:crypto';
import type { Insertable, QueryCreator } from 'kysely';
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import {
  parseCtf,
  parseFileName,
  sniffRootElement,
  structuredRootOf,
  teeChunks,
  type CtfFileType,
  type CtfIssue,
  type ParsedFileName,
  type RootElement,
} from '../ctf/index.js';
import type { RecordAudit } from '../platform/audit/record-audit.js';
import { auditActor, type User } from '../platform/user.js';
import { withSealedRows, type BlobStore } from '../platform/blobs.js';
import type { Config } from '../platform/config.js';
import { isDatabaseUnavailable, type Db } from '../platform/database.js';
import type { JobQueue } from '../platform/jobs.js';
import type { Keys } from '../platform/keys.js';
import type { Metrics } from '../platform/metrics.js';
import type { Database, TransferFilesTable } from '../platform/schema.js';
import type { Extensions } from '../platform/extensions.js';
import { outboxRows, sharesIn, transferListeners, type FileAccepted, type FileCaution } from './file-events.js';
import { rejected, type FileProblem, type FileResult } from './file-result.js';
import { routeDestination } from './route-destination.js';

export interface TransferDeps {
  db: Db;
  blobs: BlobStore;
  now: () => Date;
  audit: RecordAudit;
  config: Config;
  keys: Pick<Keys, 'pupilIndexKey'>;
  /** Among them, the capabilities that write with a file's changes, and the effects queued when they commit. */
  extensions: Extensions;
  /** Told when a change has queued effects, so that idle workers take them at once. */
  jobs: Pick<JobQueue, 'announce'>;
  /** Where uploads and searches are counted for the operator; absent in tools that count nothing. */
  metrics?: Pick<Metrics, 'counter'>;
}

const genericExtensions = new Set(['xml', 'csv', 'txt', 'pdf']);
const DAY = 86_400_000;

function problem(issue: CtfIssue): FileProblem {
  return { code: issue.code, message: issue.message, line: issue.line, column: issue.column, path: issue.path };
}

/** Reads a body to its end without keeping it: a refused part must still be consumed for the next to arrive. */
async function drain(body: AsyncIterable<Uint8Array>): Promise<void> {
  try {
    for await (const _chunk of body) {
      // discard
    }
  } catch {
    // A body that fails while being discarded changes nothing: the file is refused either way.
  }
}

class FileTooLarge extends Error {}

function isTooLarge(error: unknown): boolean {
  return error instanceof FileTooLarge || (error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE';
}

/** Only the last segment of a name counts; it must be plain text of sensible length. */
export function cleanFileName(raw: string): string {
  const base = raw.split(/[\\/]/).pop() ?? '';
  const printable = [...base].filter((ch) => ch.charCodeAt(0) >= 0x20 && ch.charCodeAt(0) !== 0x7f).join('');
  return printable.slice(0, 255);
}

/** Records that the answer naming these files has been sent, so later resends of them are refused as duplicates. */
export async function acknowledgeFiles(db: Db, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('transfer_files')
    .set({ acknowledged: true })
    .where('id', 'in', ids)
    .where('acknowledged', '=', false)
    .execute();
}

export function maySendFrom(sender: User, source: string): boolean {
  if (sender.role === 'school-user') return source === sender.orgCode;
  if (sender.role === 'la-user' || sender.role === 'la-admin')
    return sender.laCode !== null && source.startsWith(sender.laCode);
  return false;
}

export interface AcceptOptions {
  /**
   * False when the sender learns the outcome only once the answer has been sent, and the caller then marks the
   * file acknowledged (`acknowledgeFiles`): until then a resend of the same bytes is taken for a retry of a
   * request whose answer was lost, and reported as delivered rather than refused as a duplicate.
   */
  acknowledged?: boolean;
}

/**
 * Only a CTF may go to the unknown-destination repository: its one pupil becomes the record people search for, and
 * any other file there would hold a child nobody can find. Null when the file may go there.
 */
function notForRepository(
  name: ParsedFileName,
  root: RootElement,
  contentType: CtfFileType | null,
): FileProblem | null {
  if (name.destinationKind !== 'unknown' && name.destinationKind !== 'outside-maintained-sector') return null;
  // A file named as a CTF that is not one is left to the CTF engine, which says by line and column what is wrong.
  if (contentType === 'CTF' || (contentType === null && name.type === 'CTF')) return null;
  const what =
    contentType === 'ATF'
      ? 'an ATF (admissions file)'
      : root.kind === 'element'
        ? `an XML file whose root element is ${root.qualifiedName}, not CTfile`
        : 'not a CTF: it is not XML';
  return {
    code: 'NOT_A_CTF_FOR_REPOSITORY',
    message: `Only a CTF can be sent to ${name.destination}, where it waits, one pupil a file, for the pupil’s next school to find it. This file is ${what}. Send the pupil’s CTF (root element CTfile) to ${name.destination}, or send this file to the school or local authority it is for, by their number.`,
  };
}

export async function acceptFile(
  deps: TransferDeps,
  sender: User,
  rawName: string,
  upload: AsyncIterable<Uint8Array>,
  sourceIp: string | null,
  { acknowledged = true }: AcceptOptions = {},
): Promise<FileResult> {
  let body = upload;
  const fileName = cleanFileName(rawName);
  const parsedName = parseFileName(fileName);
  if (!parsedName) {
    await drain(body);
    return rejected(fileName, [
      {
        code: 'FILE_NAME_INVALID',
        message:
          'The file name does not follow the convention <source LAEstab>_<type>_<destination>_<nnn>.XML, for example 8232003_CTF_3304101_001.XML (a CTF to school 3304101), 8232003_CTF_XXXXXXX_001.XML (destination unknown) or 8232003_CTF_823LLLL_001.XML (to the LA).',
      },
    ]);
  }
  const summary: Partial<FileResult> = {
    fileType: parsedName.type,
    source: parsedName.source,
    destination: parsedName.destination,
    destinationKind: parsedName.destinationKind,
  };
  if (!maySendFrom(sender, parsedName.source)) {
    await drain(body);
    const yours =
      sender.role === 'school-user'
        ? `your school’s LAEstab, ${sender.orgCode}`
        : `your local authority (${sender.laCode}) or one of its schools`;
    return rejected(
      fileName,
      [
        {
          code: 'SOURCE_NOT_YOURS',
          message: `The file name says it comes from ${parsedName.source}, but you can only send files from ${yours}.`,
        },
      ],
      summary,
    );
  }
  // What the file is comes from its content as well as its name: a CTF named MISC or KS2 is still a child's record.
  const sniffed = await sniffRootElement(body);
  body = sniffed.body;
  const contentType = structuredRootOf(sniffed.root);
  const fileType: CtfFileType = contentType ?? parsedName.type;
  summary.fileType = fileType;
  const misplaced = notForRepository(parsedName, sniffed.root, contentType);
  if (misplaced) {
    await drain(body);
    return rejected(fileName, [misplaced], summary);
  }
  if (fileType === 'generic' && !genericExtensions.has(parsedName.extension.toLowerCase())) {
    await drain(body);
    return rejected(
      fileName,
      [
        {
          code: 'FILE_TYPE_NOT_ALLOWED',
          message: `Files ending .${parsedName.extension} cannot be sent. s2s carries .xml, .csv, .txt and .pdf files.`,
        },
      ],
      summary,
    );
  }
  const routed = await routeDestination(deps.db, parsedName.destination, parsedName.destinationKind);
  if ('problem' in routed) {
    await drain(body);
    return rejected(fileName, [routed.problem], summary);
  }
  const route = routed.route;

  const maxBytes = deps.config.maxFileMb * 1024 * 1024;
  let size = 0;
  let tooLarge = false;
  // The body is read back from where the upload was spooled: when the database goes away part way, the file is
  // not unreadable, the service is unavailable, and the sender must hear that (503) rather than a verdict on it.
  let databaseFailure: unknown;
  async function* counted(): AsyncGenerator<Uint8Array> {
    try {
      for await (const chunk of body) {
        size += chunk.byteLength;
        if (size > maxBytes) throw new FileTooLarge();
        yield chunk;
      }
    } catch (error) {
      if (isDatabaseUnavailable(error)) databaseFailure = error;
      if (!isTooLarge(error)) throw error;
      tooLarge = true;
      await drain(body);
    }
  }

  const structured = fileType === 'CTF' || fileType === 'ATF';
  const pass = new PassThrough({ highWaterMark: 1 << 20 });
  const storing = deps.blobs.seal(pass);
  const listeners = transferListeners(deps.extensions);
  const shares = sharesIn(listeners, { to: route.to, fileType, source: parsedName.source }, deps);
  const readers = shares.filter((share) => share.onPupil);
  let errors: FileProblem[] = [];
  let warnings: FileProblem[] = [];
  let pupils = 0;
  let layout: Record<string, unknown> | null = null;
  let sourceSchoolName: string | null = null;
  let sourceLaestab: string | null = null;
  let upns: string[] = [];
  try {
    const write = async (chunk: Uint8Array) => {
      if (!pass.write(chunk)) await once(pass, 'drain');
    };
    if (structured) {
      const result = await parseCtf(teeChunks(counted(), write), {
        fileName,
        retainPupils: false,
        consumeAll: true,
        onPupil: readers.length > 0 ? (p) => readers.forEach((share) => share.onPupil?.(p)) : undefined,
      });
      errors = result.errors.map(problem);
      warnings = result.warnings.map(problem);
      pupils = result.pupilCount;
      layout = result.layout ? { ...result.layout } : null;
      sourceSchoolName = result.header?.source.schoolName ?? null;
      sourceLaestab = result.header?.source.laestab ?? null;
      upns = result.upns;
    } else {
      for await (const chunk of counted()) await write(chunk);
    }
    if (databaseFailure) throw databaseFailure;
    pass.end();
  } catch (error) {
    pass.destroy(error as Error);
    await storing.catch(() => undefined);
    throw error;
  }
  // Cautions are read while the body's last bytes are sealed, so the read adds little to the upload's wait; none
  // for a file the engine refused.
  const cautionsRead: Promise<FileCaution[]> =
    errors.length === 0 && !tooLarge
      ? Promise.all(shares.map((share) => share.cautions?.(deps.db) ?? [])).then((found) => found.flat())
      : Promise.resolve([]);
  // A file refused below never reads what was found; a failed read fails the upload only when it is read.
  cautionsRead.catch(() => undefined);
  const blob = await storing;
  if (tooLarge) {
    errors = [{ code: 'FILE_TOO_LARGE', message: `The file is larger than the limit of ${deps.config.maxFileMb} MB.` }];
  } else if (size === 0) {
    errors = errors.length > 0 ? errors : [{ code: 'FILE_EMPTY', message: 'The file is empty.' }];
  } else if (pupils > deps.config.maxPupilsPerFile) {
    errors = [
      {
        code: 'TOO_MANY_PUPILS',
        message: `The file has ${pupils} pupils, more than the limit of ${deps.config.maxPupilsPerFile} pupils in one file (the setting S2S_MAX_PUPILS_PER_FILE). Send the pupils in smaller files.`,
      },
    ];
  }
  if (errors.length > 0) {
    await deps.blobs.delete(blob.id);
    return rejected(fileName, errors, { ...summary, pupils, sha256: blob.sha256, warnings });
  }

  const now = deps.now();
  const id = crypto.randomUUID();
  const inRepository = route.to === 'repository';
  const repositoryExpiry = new Date(now.getTime() + deps.config.repositoryRetentionDays * DAY);
  const fileRow: Insertable<TransferFilesTable> = {
    id,
    blob_id: blob.id,
    file_name: fileName,
    file_type: fileType,
    source_code: parsedName.source,
    sender_user_id: sender.id,
    sender_org_kind: sender.orgKind,
    sender_org_code: sender.orgCode,
    sender_la_code: sender.laCode,
    destination_code: parsedName.destination,
    destination_kind: parsedName.destinationKind,
    recipient_org_kind: route.to === 'inbox' ? route.orgKind : null,
    recipient_org_code: route.to === 'inbox' ? route.orgCode : null,
    recipient_la_code: route.to === 'inbox' ? route.laCode : (sourceLaestab?.slice(0, 3) ?? sender.laCode),
    redirected_from: route.to === 'inbox' ? (route.redirectedFrom ?? null) : null,
    pupils,
    size: blob.size,
    sha256: blob.sha256,
    layout: layout ? JSON.stringify(layout) : null,
    status: inRepository ? 'in-repository' : 'delivered',
    received_at: now,
    acknowledged,
    expires_at: inRepository ? repositoryExpiry : new Date(now.getTime() + deps.config.retentionUncollectedDays * DAY),
  };
  const event: FileAccepted = {
    kind: 'file.accepted',
    fileId: id,
    fileType,
    to: route.to,
    source: parsedName.source,
    sentTo: route.to === 'inbox' ? route.orgCode : parsedName.destination,
    header: { laestab: sourceLaestab, schoolName: sourceSchoolName },
    upns,
    pupils,
    at: now,
    expiresAt: new Date(fileRow.expires_at),
  };
  // Read before the file's statement, so that the file's row carries them and the answer tells them.
  const cautions = await cautionsRead;
  fileRow.cautions = JSON.stringify(cautions);
  // A file is one statement: its body's key row (and, in PostgreSQL, its body), what contributors add to it (a
  // school's CTF marks its leavers sent), the jobs of the effects that follow it, and its own row, together; so an
  // upload waits for the database once. Contributors with more to write (a repository file's pupils) make it a
  // transaction.
  const writes = shares.flatMap((share) => share.writes(event) ?? []);
  const outbox = outboxRows(listeners, event, sender.orgCode);
  const inTransaction = writes.some((w) => w.afterFile);
  const record = async (trx: Db) => {
    let statement = withSealedRows(trx, blob);
    for (const w of writes) if (w.withFile) statement = w.withFile(statement);
    if (outbox.length > 0) {
      // The CTE's name is never read back.
      statement = statement.with('outbox', (q) =>
        q.insertInto('jobs').values(outbox),
      ) as unknown as QueryCreator<Database>;
    }
    await statement.insertInto('transfer_files').values(fileRow).execute();
    for (const w of writes) await w.afterFile?.(trx);
  };
  /** The answer for an accepted file: this one, or the same file stored by a request whose answer was lost. */
  const accepted = (fileId: string, status: 'delivered' | 'in-repository'): FileResult => ({
    id: fileId,
    fileName,
    fileType,
    source: parsedName.source,
    // A renumbered school's file is reported under the number it was delivered to.
    destination: route.to === 'inbox' && route.redirectedFrom ? route.orgCode : parsedName.destination,
    destinationKind: parsedName.destinationKind,
    pupils,
    sha256: blob.sha256,
    status,
    ...(warnings.length > 0 ? { warnings } : {}),
    ...(cautions.length > 0 ? { cautions } : {}),
    ...(route.to === 'inbox' && route.redirectedFrom ? { redirectedFrom: route.redirectedFrom } : {}),
  });
  try {
    if (inTransaction) await deps.db.transaction().execute(record);
    else await record(deps.db);
  } catch (error) {
    await deps.blobs.delete(blob.id);
    if ((error as { code?: string }).code !== '23505') throw error;
    const earlier = await deps.db
      .selectFrom('transfer_files')
      .select(['id', 'received_at', 'status', 'acknowledged'])
      .where('sender_org_code', '=', sender.orgCode)
      .where('destination_code', '=', parsedName.destination)
      .where('sha256', '=', blob.sha256)
      .where('status', 'in', ['delivered', 'in-repository'])
      .executeTakeFirst();
    if (earlier && !earlier.acknowledged) {
      // The earlier file was stored but its answer never reached the sender (the request died, or the client gave
      // up waiting): this is that request again, and the file is safely there.
      return {
        ...accepted(earlier.id, earlier.status === 'in-repository' ? 'in-repository' : 'delivered'),
        duplicateOf: earlier.id,
      };
    }
    const when = earlier
      ? new Date(earlier.received_at).toLocaleString('en-GB', { timeZone: 'Europe/London' })
      : 'earlier';
    return rejected(
      fileName,
      [
        {
          code: 'DUPLICATE',
          message: `This file is identical to one you sent to ${parsedName.destination} on ${when}; it has not been sent again. Remove the earlier file first if it needs replacing.`,
        },
      ],
      { ...summary, pupils, sha256: blob.sha256, ...(earlier ? { duplicateOf: earlier.id } : {}) },
    );
  }
  // The file is stored whatever happens to the wake-up: workers that miss it find the jobs at their next poll.
  if (outbox.length > 0) await deps.jobs.announce().catch(() => undefined);
  await deps.audit({
    action: 'file.sent',
    actor: auditActor(sender),
    target: { kind: 'file', id },
    sourceIp,
    details: { fileType, destination: parsedName.destination, pupils, size: blob.size },
  });
  return accepted(id, inRepository ? 'in-repository' : 'delivered');
}
