/**
 * The master key and the keys derived from it. The master key only ever wraps other keys: each file body has its
 * own data key, wrapped under a subkey (HKDF) of the master key, and TOTP secrets are sealed under another. The keys
 * that must outlive a master key — the audit chain's, the digests of UPNs in sent CTFs, CSRF — are random service
 * keys stored sealed under a third subkey, so rotating the master key re-seals them without changing them. A node may
 * hold a second, read-only master key while a rotation moves everything from one to the other.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, decodeKey } from './config.js';

export interface Keys {
  /** The id of the master key this node wraps and seals with. */
  masterKeyId: string;
  /** Wraps and unwraps per-blob data keys. */
  blobKeys: KeyRing;
  /** Seals TOTP secrets at rest. */
  secrets: KeyRing;
  /** Seals the service keys below, which outlive any one master key. */
  serviceKeys: KeyRing;
  /** Signs CSRF tokens. */
  csrfKey: Buffer;
  /** Keys the audit hash chain, so that rows cannot be re-chained without the key. */
  auditKey: Buffer;
  /** Keys the digests of UPNs in sent CTFs, by which a leaver's CTF is recognised. */
  pupilIndexKey: Buffer;
}

/** A master key and the short id stored beside everything wrapped under it, so a reader knows which key opens it. */
export interface MasterKey {
  id: string;
  key: Buffer;
}

export function masterKey(key: Buffer): MasterKey {
  // An HMAC, not a hash of the key, so that the id tells nothing about the key even to someone holding rows.
  const id = crypto.createHmac('sha256', key).update('s2s:master-key-id').digest('hex').slice(0, 16);
  return { id, key };
}

/** A key for one purpose, derived from a master key by HKDF with its own label. */
export function deriveKey(master: Buffer, purpose: string): Buffer {
  return Buffer.from(crypto.hkdfSync('sha256', master, Buffer.alloc(0), `s2s:${purpose}`, 32));
}

/**
 * One purpose's key under every master key the node holds: it seals under the current master key and opens under
 * any held one, so that during a rotation rows wrapped under the old key and rows already re-wrapped both read.
 */
export interface KeyRing {
  currentId: string;
  heldIds: string[];
  seal(plaintext: Buffer, context: string): Buffer;
  /**
   * Opens under the key `keyId` names when the row records it; without an id (rows written before ids were kept),
   * under each held key in turn, current first.
   */
  open(sealed: Buffer, context: string, keyId?: string | null): Buffer;
}

export function keyRing(masters: readonly MasterKey[], purpose: string): KeyRing {
  const derived = new Map(masters.map((m) => [m.id, deriveKey(m.key, purpose)]));
  const current = masters[0]!;
  return {
    currentId: current.id,
    heldIds: [...derived.keys()],
    seal: (plaintext, context) => sealSecret(derived.get(current.id)!, plaintext, context),
    open(sealed, context, keyId) {
      if (keyId) {
        const key = derived.get(keyId);
        if (!key) throw new MasterKeyMissingError(`${context} is wrapped under master key ${keyId}, which is not held`);
        return openSecret(key, sealed, context);
      }
      let failure: unknown;
      for (const key of derived.values()) {
        try {
          return openSecret(key, sealed, context);
        } catch (error) {
          failure = error;
        }
      }
      throw failure;
    },
  };
}

/** The keys a node works with: rings over its master keys (current first), and the service keys stored sealed. */
export function nodeKeys(masters: readonly MasterKey[], service: ServiceKeyValues): Keys {
  return {
    masterKeyId: masters[0]!.id,
    blobKeys: keyRing(masters, 'blob-key-wrap'),
    secrets: keyRing(masters, 'secrets'),
    serviceKeys: keyRing(masters, 'service-key-wrap'),
    ...service,
  };
}

export interface ServiceKeyValues {
  csrfKey: Buffer;
  auditKey: Buffer;
  pupilIndexKey: Buffer;
}

/**
 * What each service key was before service keys were stored: derived from the master key. A database that has none
 * stored yet gets these values, so chains, digests and CSRF tokens made before keep working.
 */
export function derivedServiceKeys(master: Buffer): ServiceKeyValues {
  return {
    csrfKey: deriveKey(master, 'csrf'),
    auditKey: deriveKey(master, 'audit-chain'),
    pupilIndexKey: deriveKey(master, 'sent-ctf-pupils'),
  };
}

export class MasterKeyMissingError extends Error {
  readonly code = 'MASTER_KEY_MISSING';
}

export interface MasterKeySource {
  /** The master key first, then the read-only one when one is configured. */
  keys: MasterKey[];
  /** Set when a key file was created just now: the caller warns the operator. */
  createdFile?: string;
  from: 'environment' | 'file';
}

/**
 * S2S_MASTER_KEY wins; then S2S_MASTER_KEY_FILE; then, in embedded mode only, DATA_DIR/master.key (created on
 * first start). Server mode without a key is a configuration error: several nodes must share one key. The
 * read-only key, when set, comes from S2S_READ_ONLY_MASTER_KEY or its file, and is never generated.
 */
export function loadMasterKey(options: {
  masterKey?: string | undefined;
  masterKeyFile?: string | undefined;
  readOnlyMasterKey?: string | undefined;
  readOnlyMasterKeyFile?: string | undefined;
  dataDir: string;
  embedded: boolean;
}): MasterKeySource {
  const current = loadCurrentKey(options);
  const readOnly = readKey('S2S_READ_ONLY_MASTER_KEY', options.readOnlyMasterKey, options.readOnlyMasterKeyFile);
  const keys = [masterKey(current.key)];
  if (readOnly && !readOnly.equals(current.key)) keys.push(masterKey(readOnly));
  return { ...current, keys };
}

function readKey(variable: string, value: string | undefined, file: string | undefined): Buffer | undefined {
  if (value) {
    const key = decodeKey(value);
    if (!key) throw new ConfigError(`${variable}: must be 32 bytes written as 64 hex characters or as base64`);
    return key;
  }
  if (!file) return undefined;
  if (!fs.existsSync(file)) throw new ConfigError(`${variable}_FILE: ${file} does not exist`);
  const key = decodeKey(fs.readFileSync(file, 'utf8'));
  if (!key)
    throw new ConfigError(`The master key file ${file} does not hold a 32-byte key (64 hex characters or base64).`);
  return key;
}

function loadCurrentKey(options: {
  masterKey?: string | undefined;
  masterKeyFile?: string | undefined;
  dataDir: string;
  embedded: boolean;
}): { key: Buffer; createdFile?: string; from: 'environment' | 'file' } {
  if (options.masterKey) return { key: readKey('S2S_MASTER_KEY', options.masterKey, undefined)!, from: 'environment' };
  if (options.masterKeyFile) return { key: readKey('S2S_MASTER_KEY', undefined, options.masterKeyFile)!, from: 'file' };
  if (!options.embedded) {
    throw new ConfigError(
      'S2S_MASTER_KEY or S2S_MASTER_KEY_FILE must be set when DATABASE_URL is set: every node needs the same key.',
    );
  }
  const file = path.join(options.dataDir, 'master.key');
  if (fs.existsSync(file)) return { key: readKey('S2S_MASTER_KEY', undefined, file)!, from: 'file' };
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
