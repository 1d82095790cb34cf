/**
 * How any route hands a stored file to its caller: a download name the server chose, and for a file kept whole,
 * exactly its stored bytes with their length and SHA-256 for the client to check.
 */
import type { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';

/** A download name chosen by the server: the stored name reduced to safe characters, never a path. */
export function contentDisposition(fileName: string): string {
  const safe =
    fileName
      .replace(/[^A-Za-z0-9._-]/g, '_')
      .replace(/^\.+/, '_')
      .slice(0, 200) || 'file';
  return `attachment; filename="${safe}"`;
}

/** A stored file ready to send: its recorded name, size and digest, and its bytes. */
export interface StoredDownload {
  file: { fileName: string; size: number; sha256: string };
  content: Readable;
}

/** Sends a stored file: exactly the stored bytes, with a safe name and their SHA-256 for the client to check. */
export function sendDownload(reply: FastifyReply, download: StoredDownload): FastifyReply {
  return reply
    .header('content-type', 'application/octet-stream')
    .header('content-disposition', contentDisposition(download.file.fileName))
    .header('content-length', String(download.file.size))
    .header('x-content-sha256', download.file.sha256)
    .send(download.content);
}
