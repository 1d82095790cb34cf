/**
 * TOTP two-factor codes (RFC 6238, 30-second steps, 6 digits). Secrets are stored sealed with the secrets key;
 * a code is accepted once: the step it matched is remembered so a code seen over a shoulder cannot be replayed.
 */
import { authenticator } from 'otplib';
import QRCode from 'qrcode';

authenticator.options = { step: 30, window: 1, digits: 6 };

export function newTotpSecret(): string {
  return authenticator.generateSecret(20);
}

export function totpCode(secret: string, at: Date): string {
  const saved = authenticator.options;
  authenticator.options = { ...saved, epoch: at.getTime() };
  try {
    return authenticator.generate(secret);
  } finally {
    authenticator.options = saved;
  }
}

/** The time step a code matches (within one step either side), or undefined. */
export function matchTotp(secret: string, code: string, at: Date): number | undefined {
  const cleaned = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(cleaned)) return undefined;
  const step = Math.floor(at.getTime() / 30_000);
  for (const offset of [0, -1, 1]) {
    if (totpCode(secret, new Date((step + offset) * 30_000)) === cleaned) return step + offset;
  }
  return undefined;
}

export function totpUri(secret: string, email: string): string {
  return authenticator.keyuri(email, 'School to school (s2s)', secret);
}

/** The QR code as an SVG string: rendered inline, so no image request and no inline script. */
export function totpQrSvg(uri: string): Promise<string> {
  return QRCode.toString(uri, { type: 'svg', margin: 1, width: 200, errorCorrectionLevel: 'M' });
}
