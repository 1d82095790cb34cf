/**
 * A web address with broken percent-encoding (`/files/%E0%A4%A`, `?q=%`) is the caller's mistake. The router would
 * refuse it before any hook runs, as a bare 400 without the security headers; instead it is sent on, under an
 * address no route answers, through the whole pipeline to the one error handler, which answers 400.
 */
import type { IncomingMessage } from 'node:http';

const badAddresses = new WeakSet<IncomingMessage>();

function decodes(text: string): boolean {
  try {
    decodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
}

/** Fastify's `rewriteUrl`: the address unchanged, or, when it cannot be decoded, one that reaches the 404 handler. */
export function rewriteBadAddress(this: unknown, raw: IncomingMessage): string {
  const url = raw.url ?? '/';
  if (decodes(url)) return url;
  badAddresses.add(raw);
  return url.startsWith('/api/') ? '/api/v1/invalid-address' : '/invalid-address';
}

export function isBadAddress(raw: IncomingMessage): boolean {
  return badAddresses.has(raw);
}
