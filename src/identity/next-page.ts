/**
 * The page a visitor asked for before being sent to sign in, carried through the sign-in steps (as `next`, in the
 * address and then in each form) so that they land on it afterwards. Only an address on this service is followed:
 * anything else (another site, `//host`, a sign-in step itself) is dropped, so the link cannot send anyone away.
 */
const SIGN_IN_STEPS = /^\/(sign-in|sign-out|signed-out|two-factor|set-up)(\/|\?|$)/;

export function safeNextPage(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2000) return undefined;
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return undefined;
  // Control characters and backslashes have no place in an address we wrote; browsers read `\` as `/`.
  if ([...value].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f || c === '\\')) return undefined;
  if (SIGN_IN_STEPS.test(value) || value === '/') return undefined;
  return value;
}

/** `path` with the next page carried along, when there is one. */
export function withNextPage(path: string, next: string | undefined): string {
  return next ? `${path}?next=${encodeURIComponent(next)}` : path;
}
