/**
 * Uploads counted for the operator's metrics, one per file answered, by outcome and file type: how much is
 * delivered, kept in the repository, refused, or refused as a resend of a file already sent.
 */
import type { CtfFileType } from '../ctf/file-names.js';
import type { Metrics } from '../platform/metrics.js';
import type { FileResult } from './file-result.js';

const OUTCOMES = ['delivered', 'in-repository', 'rejected', 'duplicate'] as const;
const FILE_TYPES: readonly CtfFileType[] = ['CTF', 'ATF', 'census', 'generic'];

function outcome(result: FileResult): (typeof OUTCOMES)[number] {
  if (result.status !== 'rejected') return result.status;
  return result.errors?.some((e) => e.code === 'DUPLICATE') ? 'duplicate' : 'rejected';
}

/** Counts each file's answer; a file refused before its type was known counts as type `unknown`. */
export function countUploads(metrics: Pick<Metrics, 'counter'> | undefined, results: readonly FileResult[]): void {
  if (!metrics) return;
  const uploads = metrics.counter({
    name: 's2s_uploads_total',
    help: 'Files answered, by outcome (delivered, in-repository, rejected, duplicate) and file type (CTF, ATF, census, generic, unknown).',
    labelNames: ['outcome', 'file_type'],
    initial: OUTCOMES.flatMap((o) => FILE_TYPES.map((t) => ({ outcome: o, file_type: t }))),
  });
  for (const result of results) {
    const type = FILE_TYPES.includes(result.fileType as CtfFileType) ? result.fileType! : 'unknown';
    uploads.inc({ outcome: outcome(result), file_type: type });
  }
}
