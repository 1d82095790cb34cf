/** Password hashing with argon2id, and the rules a new password must meet (NCSC: length over complexity). */
import { hash, verify } from '@node-rs/argon2';

const options = { memoryCost: 19456, timeCost: 2, parallelism: 1, algorithm: 2 as const };

export function hashPassword(password: string): Promise<string> {
  return hash(password, options);
}

// Verifying against a fixed hash when the account does not exist keeps response times alike for both cases.
let dummyHash: Promise<string> | undefined;

export async function verifyPassword(stored: string | null, password: string): Promise<boolean> {
  if (!stored) {
    dummyHash ??= hashPassword('not-a-real-password-for-timing');
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  return verify(stored, password).catch(() => false);
}

const common = new Set(['password', 'password123', 'qwertyuiop', '123456789012', 'letmein12345', 'schoolschool']);

/** Returns the reason a password is not acceptable, or undefined. */
export function passwordProblem(password: string, email: string): string | undefined {
  if (password.length < 12) return 'Password must be 12 characters or more';
  if (password.length > 256) return 'Password must be 256 characters or fewer';
  if (common.has(password.toLowerCase())) return 'Password is too common: choose a phrase of three or more words';
  if (password.toLowerCase().includes(email.split('@')[0]!.toLowerCase()) && email.split('@')[0]!.length >= 4) {
    return 'Password must not contain your email address';
  }
  return undefined;
}
