/**
 * Where the service writes audit anchors: somewhere the database's administrators cannot rewrite, so that an
 * anchor outlives an attack on the database. A file (on another volume, or an append-only mount), a syslog
 * collector (UDP, RFC 5424) or an HTTPS endpoint that receives a JSON POST.
 */
import dgram from 'node:dgram';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Db } from '../database.js';
import { formatAnchor, takeAnchor, type AuditAnchor } from './audit-anchor.js';

export type AnchorSink = (anchor: AuditAnchor) => Promise<void>;

/** Describes a sink setting's value, or says why it is not one; used by the configuration's check. */
export function anchorSinkProblem(value: string): string | undefined {
  if (path.isAbsolute(value)) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute file path, an https:// address or syslog://host:port';
  }
  if (url.protocol === 'https:' || url.protocol === 'http:') return undefined;
  if (url.protocol === 'syslog:' && url.hostname && url.port) return undefined;
  return 'must be an absolute file path, an https:// address or syslog://host:port';
}

export function anchorSink(value: string): AnchorSink {
  if (path.isAbsolute(value)) return fileSink(value);
  const url = new URL(value);
  if (url.protocol === 'syslog:') return syslogSink(url.hostname, Number(url.port));
  return httpSink(url);
}

/** Appends one line and syncs it, so that an anchor the service reported written survives a crash. */
function fileSink(file: string): AnchorSink {
  return async (anchor) => {
    const handle = await fs.open(file, 'a', 0o640);
    try {
      await handle.write(`${formatAnchor(anchor)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
  };
}

function httpSink(url: URL): AnchorSink {
  return async (anchor) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 's2s-audit-anchor', ...anchor }),
      signal: AbortSignal.timeout(10_000),
    });
    await response.body?.cancel();
    if (!response.ok) throw new Error(`the audit anchor endpoint answered ${response.status}`);
  };
}

/** RFC 5424 over UDP, facility "security/authorization" (4), severity "notice" (5). */
function syslogSink(host: string, port: number): AnchorSink {
  return (anchor) =>
    new Promise<void>((resolve, reject) => {
      const message = Buffer.from(
        `<37>1 ${anchor.at ?? new Date().toISOString()} ${os.hostname()} s2s ${process.pid} audit-anchor - ${formatAnchor(anchor)}`,
      );
      const socket = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
      socket.send(message, port, host.replace(/^\[|\]$/g, ''), (error) => {
        socket.close();
        if (error) reject(error);
        else resolve();
      });
    });
}

export async function writeAnchor(db: Db, sink: AnchorSink, now: Date): Promise<AuditAnchor> {
  const anchor = await takeAnchor(db, now);
  await sink(anchor);
  return anchor;
}

/** Writes an anchor now and then every `minutes`; a failed write is reported and the next one tried as usual. */
export function scheduleAuditAnchors(
  db: Db,
  sink: AnchorSink,
  options: { minutes: number; now: () => Date; onError: (error: unknown) => void; onWritten?: () => void },
): () => void {
  const run = () => void writeAnchor(db, sink, options.now()).then(() => options.onWritten?.(), options.onError);
  const first = setTimeout(run, 0);
  const timer = setInterval(run, options.minutes * 60_000);
  first.unref();
  timer.unref();
  return () => {
    clearTimeout(first);
    clearInterval(timer);
  };
}
