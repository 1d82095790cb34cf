/**
 * Retention: files past their expiry are destroyed (their data key first, so no copy can be read again) and
 * marked expired; unknown-destination records go with their file. Safe on every node at once: each batch is
 * claimed with FOR UPDATE SKIP LOCKED, so two nodes never work on the same file.
 */
import { sql } from 'kysely';
import type { TransferDeps } from './accept-file.js';

const BATCH = 100;

export interface PurgeReport {
  files: number;
  repositoryRecords: number;
}

export async function purgeExpired(deps: TransferDeps): Promise<PurgeReport> {
  const report: PurgeReport = { files: 0, repositoryRecords: 0 };
  for (;;) {
    const now = deps.now();
    const batch = await deps.db.transaction().execute(async (trx) => {
      const rows = await sql<{ id: string; blob_id: string; status: string }>`
        SELECT id, blob_id, status FROM transfer_files
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
        const records = await trx
          .updateTable('repository_records')
          .set({ status: 'expired' })
          .where('file_id', '=', row.id)
          .where('status', '<>', 'expired')
          .executeTakeFirst();
        report.repositoryRecords += Number(records.numUpdatedRows);
      }
      return rows.rows;
    });
    report.files += batch.length;
    if (batch.length > 0) {
      await deps.audit({ action: 'retention.purged', details: { files: batch.length, ids: batch.map((r) => r.id) } });
    }
    if (batch.length < BATCH) return report;
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
