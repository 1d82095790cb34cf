/** Small pieces the upload and collection routes share: the upload gate and sent states. */
import type { FileSummary } from './collect-files.js';

export interface UploadLimits {
  /** Uploads one serving process works on at once; past it the node is busy (503). */
  perNode: number;
  /** Uploads one user (all their sessions and tokens) may have in progress at once on a process (429). */
  perUser: number;
  /** Uploads one organisation may have in progress at once on a process (429). */
  perOrganisation: number;
}

export type GateAnswer = { release: () => void } | { refused: 'node' | 'user' | 'organisation' };

/**
 * Bounds how many uploads one serving process works on at once, in all and for each user and organisation, so that
 * one token — or one school's office — trickling bodies cannot hold every slot and turn everyone else away. Past a
 * bound callers answer at once (503 when the node is full, 429 for a user or organisation at its share) instead of
 * queuing in memory. One gate per process, shared by the upload page and the API.
 */
export function uploadGate(limits: UploadLimits) {
  let active = 0;
  const byUser = new Map<string, number>();
  const byOrganisation = new Map<string, number>();
  const add = (counts: Map<string, number>, key: string, by: number) => {
    const next = (counts.get(key) ?? 0) + by;
    if (next === 0) counts.delete(key);
    else counts.set(key, next);
  };
  return {
    enter(uploader: { id: string; orgCode: string }): GateAnswer {
      if (active >= limits.perNode) return { refused: 'node' };
      if ((byUser.get(uploader.id) ?? 0) >= limits.perUser) return { refused: 'user' };
      if ((byOrganisation.get(uploader.orgCode) ?? 0) >= limits.perOrganisation) return { refused: 'organisation' };
      active++;
      add(byUser, uploader.id, 1);
      add(byOrganisation, uploader.orgCode, 1);
      let released = false;
      return {
        release: () => {
          if (released) return;
          released = true;
          active--;
          add(byUser, uploader.id, -1);
          add(byOrganisation, uploader.orgCode, -1);
        },
      };
    },
    get active() {
      return active;
    },
  };
}

export type UploadGate = ReturnType<typeof uploadGate>;

const gates = new WeakMap<object, UploadGate>();

/** The process's one gate for these services, made on first use. */
export function uploadGateFor(services: {
  config: {
    maxConcurrentUploads: number;
    maxConcurrentUploadsPerUser: number;
    maxConcurrentUploadsPerOrganisation: number;
  };
}): UploadGate {
  let gate = gates.get(services.config);
  if (!gate) {
    gate = uploadGate({
      perNode: services.config.maxConcurrentUploads,
      perUser: services.config.maxConcurrentUploadsPerUser,
      perOrganisation: services.config.maxConcurrentUploadsPerOrganisation,
    });
    gates.set(services.config, gate);
  }
  return gate;
}

/** What a refused upload is told, in the words of the bound it met. */
export function gateRefusal(refused: 'node' | 'user' | 'organisation'): {
  statusCode: 429 | 503;
  code: string;
  message: string;
} {
  if (refused === 'node') {
    return {
      statusCode: 503,
      code: 'BUSY',
      message:
        'Too many uploads are in progress. Retry after the number of seconds in Retry-After; nothing from this request was kept.',
    };
  }
  const who = refused === 'user' ? 'You already have' : 'Your organisation already has';
  return {
    statusCode: 429,
    code: 'TOO_MANY_UPLOADS',
    message: `${who} as many uploads in progress as one may at once. Wait for one to finish, then send again; nothing from this request was kept.`,
  };
}

export type SentState = 'waiting' | 'collected' | 'in-repository' | 'expired' | 'removed';

export function sentState(f: Pick<FileSummary, 'status' | 'collectedAt'>): SentState {
  if (f.status === 'removed') return 'removed';
  if (f.status === 'expired') return 'expired';
  if (f.status === 'in-repository') return 'in-repository';
  return f.collectedAt ? 'collected' : 'waiting';
}
