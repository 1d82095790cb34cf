/** Small pieces the upload and collection routes share: a per-node upload gate, downloads, sent states. */
import type { FastifyReply } from 'fastify';
import type { Download, FileSummary } from './collect-files.js';

/** Bounds how many uploads one node works on at once; past that, callers answer 503 instead of queuing in memory. */
export function uploadGate(limit: number) {
  let active = 0;
  return {
    enter(): (() => void) | undefined {
      if (active >= limit) return undefined;
      active++;
      let released = false;
      return () => {
        if (!released) {
          released = true;
          active--;
        }
      };
    },
    get active() {
      return active;
    },
  };
}

/** A download name chosen by the server: the stored name reduced to safe characters, never a path. */
export function contentDisposition(fileName: string): string {
  const safe =
    fileName
      .replace(/[^A-Za-z0-9._-]/g, '_')
      .replace(/^\.+/, '_')
      .slice(0, 200) || 'file';
  return `attachment; filename="${safe}"`;
}

export type SentState = 'waiting' | 'collected' | 'in-repository' | 'expired' | 'removed';

export function sentState(f: Pick<FileSummary, 'status' | 'collectedAt'>): SentState {
  if (f.status === 'removed') return 'removed';
  if (f.status === 'expired') return 'expired';
  if (f.status === 'in-repository') return 'in-repository';
  return f.collectedAt ? 'collected' : 'waiting';
}

/** Sends a collected file: exactly the stored bytes, with a safe name and their SHA-256 for the client to check. */
export function sendDownload(reply: FastifyReply, download: Download): FastifyReply {
  return reply
    .header('content-type', 'application/octet-stream')
    .header('content-disposition', contentDisposition(download.file.fileName))
    .header('content-length', String(download.file.size))
    .header('x-content-sha256', download.file.sha256)
    .send(download.content);
}
