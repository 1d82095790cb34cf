/**
 * What a person reads after doing something: a GOV.UK success banner on the page they are sent to. The POST that
 * changed something calls `reply.confirm(message)` before redirecting; the next page rendered in that browser shows
 * the message once. It travels in a short-lived cookie, HMAC-bound to the session, so any node can show it, nothing
 * is stored, and another site cannot plant a message. A cookie sits in the browser: messages name organisations and
 * actions, never a child.
 */
import crypto from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

export const CONFIRMATION_COOKIE = 's2s_done';
const MAX_MESSAGE = 400;

function mac(key: Buffer, binding: string, payload: string): string {
  return crypto.createHmac('sha256', key).update(`confirmation:${binding}:${payload}`).digest('base64url');
}

/** The cookie's value for `message`, bound to the browser's session. */
export function sealConfirmation(key: Buffer, binding: string, message: string): string {
  const payload = Buffer.from(message.slice(0, MAX_MESSAGE), 'utf8').toString('base64url');
  return `${payload}.${mac(key, binding, payload)}`;
}

/** The message in a cookie's value, or undefined when it is not one this service made for this session. */
export function openConfirmation(key: Buffer, binding: string, value: string | undefined): string | undefined {
  if (!value || value.length > 1200) return undefined;
  const [payload, given] = value.split('.');
  if (!payload || !given) return undefined;
  const expected = Buffer.from(mac(key, binding, payload));
  const actual = Buffer.from(given);
  if (expected.length !== actual.length || !crypto.timingSafeEqual(expected, actual)) return undefined;
  return Buffer.from(payload, 'base64url').toString('utf8');
}

export function setConfirmation(reply: FastifyReply, key: Buffer, secure: boolean, message: string): void {
  const binding = reply.request.session?.idHash;
  if (!binding) return;
  reply.setCookie(CONFIRMATION_COOKIE, sealConfirmation(key, binding, message), {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure,
    maxAge: 300,
  });
}

/** The message waiting for this page, taken: it is shown once. */
export function takeConfirmation(request: FastifyRequest, reply: FastifyReply, key: Buffer): string | undefined {
  const value = request.cookies?.[CONFIRMATION_COOKIE];
  const binding = request.session?.idHash;
  if (!value) return undefined;
  reply.clearCookie(CONFIRMATION_COOKIE, { path: '/' });
  return binding ? openConfirmation(key, binding, value) : undefined;
}
