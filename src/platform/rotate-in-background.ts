/**
 * A node given a read-only master key finishes the rotation itself, in the background and at a gentle pace, so an
 * operator can rotate the embedded default (whose database only the running service may open) without stopping it,
 * and a national deployment needs no separate job. `s2s keys rotate` runs the same steps to completion at once.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { rotateMasterKey, type RotationOptions, type RotationProgress } from './rotate-master-key.js';
import type { Services } from './services.js';

type RotationServices = Pick<Services, 'db' | 'keys' | 'audit'>;

/** Rotates, and records in the audit trail what moved and whether anything is left. */
export async function rotateWithAudit(services: RotationServices, options: RotationOptions = {}) {
  const report = await rotateMasterKey(services.db, services.keys, options);
  const moved = report.fileKeys + report.twoFactorSecrets + report.pendingEnrolments + report.serviceKeys;
  if (moved > 0) {
    await services.audit({
      action: 'keys.rotated',
      details: { ...report, masterKeyId: services.keys.masterKeyId },
    });
  }
  return report;
}

export interface BackgroundRotationEvents {
  onFinished: (report: RotationProgress) => void;
  onError: (error: unknown) => void;
}

/** Starts the rotation when the node holds a read-only key; returns what stops it (between batches). */
export function rotateInBackground(
  services: RotationServices,
  events: BackgroundRotationEvents,
  pauseMs = 200,
): () => Promise<void> {
  if (services.keys.blobKeys.heldIds.length < 2) return async () => {};
  const stop = new AbortController();
  const running = rotateWithAudit(services, {
    batchSize: 200,
    signal: stop.signal,
    onBatch: () => sleep(pauseMs, undefined, { signal: stop.signal }).catch(() => undefined),
  }).then((report) => {
    if (report.finished) events.onFinished(report);
  }, events.onError);
  return async () => {
    stop.abort();
    await running;
  };
}
