/**
 * Unique Learner Numbers: 10 digits; digits 1–9 weighted 10 down to 2, sum mod 11; remainder 0 is never
 * issued; otherwise the tenth digit is 10 − remainder.
 */

export type UlnCheck = { ok: true } | { ok: false; problem: 'format' | 'check-digit' };

/** The check digit for the first nine digits, or null when no valid ULN starts with them. */
export function ulnCheckDigit(firstNine: string): string | null {
  if (!/^[0-9]{9}$/.test(firstNine)) return null;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += (firstNine.charCodeAt(i) - 48) * (10 - i);
  const remainder = sum % 11;
  if (remainder === 0) return null;
  return String(10 - remainder);
}

export function checkUln(uln: string): UlnCheck {
  if (!/^[1-9][0-9]{9}$/.test(uln)) return { ok: false, problem: 'format' };
  const expected = ulnCheckDigit(uln.slice(0, 9));
  if (expected === null || expected !== uln[9]) return { ok: false, problem: 'check-digit' };
  return { ok: true };
}

export function isValidUln(uln: string): boolean {
  return checkUln(uln).ok;
}
