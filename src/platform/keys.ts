/**
 * The master key and the keys derived from it. The master key only ever wraps other keys: each file body has
 * its own data key, and separate subkeys (HKDF) protect TOTP secrets, CSRF tokens, the audit chain and the digests
 * of UPNs in sent CTFs, so that no single purpose can be used to attack another.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { decodeKey } from './config.js';

export interface Keys {
  /** Wraps and unwraps per-blob data keys. */
  wrapKey: Buffer;
  /** Encrypts TOTP secrets at rest. */
  secretsKey: Buffer;
  /** Signs CSRF tokens. */
  csrfKey: Buffer;
  /** Keys the audit hash chain, so that rows cannot be re-chained without the key. */
  auditKey: Buffer;
  /** Keys the digests of UPNs in sent CTFs, by which a leaver's CTF is recognised. */
  pupilIndexKey: Buffer;
}

export function deriveKeys(master: Buffer): Keys {
  const derive = (purpose: string) =>
    Buffer.from(crypto.hkdfSync('sha256', master, Buffer.alloc(0), `s2s:${purpose}`, 32));
  return {
    wrapKey: derive('blob-key-wrap'),
    secretsKey: derive('secrets'),
    csrfKey: derive('csrf'),
    auditKey: derive('audit-chain'),
    pupilIndexKey: derive('sent-ctf-pupils'),
  };
}

export interface MasterKeySource {
  key: Buffer;
  /** Set when a key file was created just now: the caller warns the operator. */
  createdFile?: string;
  from: 'environment' | 'file';
}

/**
 * S2S_MASTER_KEY wins; then S2S_MASTER_KEY_FILE; then, in embedded mode only, DATA_DIR/master.key (created on
 * first start). Server mode without a key is a configuration error: several nodes must share one key.
 */
export function loadMasterKey(options: {
  masterKey?: string | undefined;
  masterKeyFile?: string | undefined;
  dataDir: string;
  embedded: boolean;
}): MasterKeySource {
  if (options.masterKey) {
    const key = decodeKey(options.masterKey);
    if (!key) throw new Error('S2S_MASTER_KEY: must be 32 bytes written as 64 hex characters or as base64');
    return { key, from: 'environment' };
  }
  const file = options.masterKeyFile ?? (options.embedded ? path.join(options.dataDir, 'master.key') : undefined);
  if (!file) {
    throw new Error(
      'S2S_MASTER_KEY or S2S_MASTER_KEY_FILE must be set when DATABASE_URL is set: every node needs the same key.',
    );
  }
  if (fs.existsSync(file)) {
    const key = decodeKey(fs.readFileSync(file, 'utf8'));
    if (!key) throw new Error(`The master key file ${file} does not hold a 32-byte key (64 hex characters or base64).`);
    return { key, from: 'file' };
  }
  if (options.masterKeyFile) throw new Error(`S2S_MASTER_KEY_FILE: ${file} does not exist`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const key = crypto.randomBytes(32);
  fs.writeFileSync(file, key.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  return { key, from: 'file', createdFile: file };
}

/** AES-256-GCM for small secrets: iv (12) ‖ tag (16) ‖ ciphertext, bound to a context string. */
export function sealSecret(key: Buffer, plaintext: Buffer, context: string): Buffer {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

export function openSecret(key: Buffer, sealed: Buffer, context: string): Buffer {
  if (sealed.length < 28) throw new IntegrityError(`sealed value for ${context} is too short`);
  const decipher = crypto.createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
  decipher.setAAD(Buffer.from(context));
  decipher.setAuthTag(sealed.subarray(12, 28));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]);
  } catch {
    throw new IntegrityError(`sealed value for ${context} failed its integrity check`);
  }
}

export class IntegrityError extends Error {
  readonly code = 'INTEGRITY';
}

export function sha256Hex(data: string | Buffer): string {
  return crypto.createHash('sha256').update(data).digest('hex');
}

export function randomToken(bytes = 32): string {
  return crypto.randomBytes(bytes).toString('base64url');
}
