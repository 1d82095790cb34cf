/**
 * Repairs files kept in the unknown-destination repository without a pupil record. Before s2s decided a file's
 * type by its content, a CTF named with another label (`8232003_MISC_XXXXXXX_001.XML`, `_KS2_`, `_SC3_`) was kept
 * as a general file, and nobody could find the child in it. Each such file is read again, decrypted with the
 * node's keys (so this is an operator command, not a migration): a CTF gets its records, as if it had just
 * arrived; anything else is reported with who sent it, for the LA to follow up.
 */
import { parseCtf, sniffRootElement, structuredRootOf } from '../ctf/index.js';
import type { TransferDeps } from './accept-file.js';
import { applyWrites, recordOutbox, sharesIn, transferListeners, type FileRepaired } from './file-events.js';

export interface RepairedFile {
  fileId: string;
  fileName: string;
  /** Records written (or, on a dry run, that would be). */
  records: number;
  /** Problems the CTF engine found in it, which no longer stop its child being found. */
  problems: number;
}

export interface UnrepairedFile {
  fileId: string;
  fileName: string;
  senderOrgCode: string;
  receivedAt: Date;
  expiresAt: Date;
  reason: string;
}

export interface RepairReport {
  checked: number;
  repaired: RepairedFile[];
  unrepaired: UnrepairedFile[];
}

export async function repairRepositoryFiles(
  deps: Pick<TransferDeps, 'db' | 'blobs' | 'now' | 'audit' | 'keys' | 'extensions' | 'jobs'>,
  { dryRun = false }: { dryRun?: boolean } = {},
): Promise<RepairReport> {
  const files = await deps.db
    .selectFrom('transfer_files as f')
    .select(['f.id', 'f.blob_id', 'f.file_name', 'f.source_code', 'f.sender_org_code', 'f.received_at', 'f.expires_at'])
    .where('f.status', '=', 'in-repository')
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('repository_records as r').select('r.id').whereRef('r.file_id', '=', 'f.id'))),
    )
    .orderBy('f.received_at')
    .execute();
  const listeners = transferListeners(deps.extensions);
  const report: RepairReport = { checked: files.length, repaired: [], unrepaired: [] };
  for (const file of files) {
    const unrepaired = (reason: string) =>
      report.unrepaired.push({
        fileId: file.id,
        fileName: file.file_name,
        senderOrgCode: file.sender_org_code,
        receivedAt: new Date(file.received_at),
        expiresAt: new Date(file.expires_at),
        reason,
      });
    const stored = await deps.blobs.get(file.blob_id);
    const sniffed = await sniffRootElement(stored);
    if (structuredRootOf(sniffed.root) !== 'CTF') {
      // Only its first bytes were needed.
      stored.destroy();
      unrepaired(
        sniffed.root.kind === 'element'
          ? `it is XML whose root element is ${sniffed.root.qualifiedName}, not a CTF, so no child can be found in it`
          : 'it is not a CTF (not XML), so no child can be found in it',
      );
      continue;
    }
    const shares = sharesIn(listeners, { to: 'repository', fileType: 'CTF', source: file.source_code }, deps);
    let read = 0;
    const result = await parseCtf(sniffed.body, {
      fileName: file.file_name,
      retainPupils: false,
      consumeAll: true,
      onPupil: (p) => {
        read++;
        shares.forEach((share) => share.onPupil?.(p));
      },
    });
    if (read === 0) {
      unrepaired(`it is a CTF but no pupil could be read from it (${result.errors[0]?.message ?? 'no Pupil element'})`);
      continue;
    }
    const repaired = {
      fileId: file.id,
      fileName: file.file_name,
      records: read,
      problems: result.errors.length,
    };
    if (dryRun) {
      report.repaired.push(repaired);
      continue;
    }
    const leftLaestab = result.header?.source.laestab ?? file.source_code;
    const event: FileRepaired = {
      kind: 'file.repaired',
      fileId: file.id,
      source: file.source_code,
      header: { laestab: result.header?.source.laestab ?? null, schoolName: result.header?.source.schoolName ?? null },
      receivedAt: new Date(file.received_at),
      expiresAt: new Date(file.expires_at),
      at: deps.now(),
    };
    const claimed = await deps.db.transaction().execute(async (trx) => {
      // Conditional on the file still having no records, so two operators running this at once repair it once.
      const updated = await trx
        .updateTable('transfer_files')
        .set({ file_type: 'CTF', pupils: result.pupilCount })
        .where('id', '=', file.id)
        .where(({ not, exists, selectFrom }) =>
          not(exists(selectFrom('repository_records').select('id').where('file_id', '=', file.id))),
        )
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) return false;
      for (const share of shares) {
        const writes = share.writes(event);
        if (writes) await applyWrites(trx, writes);
      }
      await recordOutbox(trx, listeners, event, file.sender_org_code);
      return true;
    });
    if (!claimed) continue;
    report.repaired.push(repaired);
    await deps.jobs.announce().catch(() => undefined);
    await deps.audit({
      action: 'repository.repaired',
      target: { kind: 'file', id: file.id },
      laCode: leftLaestab.slice(0, 3),
      details: { records: read },
    });
  }
  return report;
}
