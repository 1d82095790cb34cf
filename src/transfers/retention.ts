/**
 * Retention: files past their expiry are destroyed (their data key first, so no copy can be read again) and
 * marked expired; what contributors keep of a file (the unknown-destination records) goes with it. Safe on every node at once: each batch is
 * claimed with FOR UPDATE SKIP LOCKED, so two nodes never work on the same file.
 */
import { sql } from 'kysely';
import type { TransferDeps } from './accept-file.js';
import { recordOutbox, transferListeners, type FileExpired } from './file-events.js';

const BATCH = 100;

/** Files destroyed, and what contributors marked expired with them, by the names they gave (`repositoryRecords`). */
export interface PurgeReport {
  files: number;
  [withFiles: string]: number;
}

export async function purgeExpired(deps: TransferDeps): Promise<PurgeReport> {
  const report: PurgeReport = { files: 0 };
  const listeners = transferListeners(deps.extensions);
  let queued = false;
  for (;;) {
    const now = deps.now();
    const batch = await deps.db.transaction().execute(async (trx) => {
      const rows = await sql<{ id: string; blob_id: string; status: string; sender_org_code: string }>`
        SELECT id, blob_id, status, sender_org_code FROM transfer_files
        WHERE purged_at IS NULL AND expires_at <= ${now}
        ORDER BY expires_at
        LIMIT ${BATCH}
        FOR UPDATE SKIP LOCKED`.execute(trx);
      for (const row of rows.rows) {
        await deps.blobs.delete(row.blob_id, trx);
        await trx
          .updateTable('transfer_files')
          .set({ status: 'expired', purged_at: now })
          .where('id', '=', row.id)
          .execute();
        const event: FileExpired = { kind: 'file.expired', fileId: row.id, at: now };
        for (const contributor of listeners.contributors) {
          const counted = (await contributor.expired?.(trx, event)) ?? {};
          for (const [name, n] of Object.entries(counted)) report[name] = (report[name] ?? 0) + n;
        }
        if (await recordOutbox(trx, listeners, event, row.sender_org_code)) queued = true;
      }
      return rows.rows;
    });
    report.files += batch.length;
    if (batch.length > 0) {
      await deps.audit({ action: 'retention.purged', details: { files: batch.length, ids: batch.map((r) => r.id) } });
    }
    if (batch.length < BATCH) {
      if (queued) await deps.jobs.announce().catch(() => undefined);
      return report;
    }
  }
}

/** Files that will be destroyed within a week without having been collected: shown to senders and LAs. */
export const EXPIRY_WARNING_DAYS = 7;

export function expiresSoon(file: { expiresAt: Date; collectedAt: Date | null; status: string }, now: Date): boolean {
  return (
    file.status === 'delivered' &&
    file.collectedAt === null &&
    file.expiresAt.getTime() - now.getTime() <= EXPIRY_WARNING_DAYS * 86_400_000
  );
}
