/**
 * CSRF protection for forms. A token is an HMAC of something only this browser holds: its session id once
 * signed in, or a random pre-sign-in cookie before that. Nothing is stored, any node can check it, and a new
 * session at sign-in makes every older token useless. API calls authenticate with bearer tokens, not cookies,
 * so they need no CSRF token.
 */
import crypto from 'node:crypto';

export const ANONYMOUS_COOKIE = 's2s_pre';

export function csrfToken(key: Buffer, binding: string): string {
  return crypto.createHmac('sha256', key).update(`csrf:${binding}`).digest('base64url');
}

export function csrfValid(key: Buffer, binding: string | undefined, token: unknown): boolean {
  if (!binding || typeof token !== 'string' || token.length > 100) return false;
  const expected = Buffer.from(csrfToken(key, binding));
  const given = Buffer.from(token);
  return expected.length === given.length && crypto.timingSafeEqual(expected, given);
}
