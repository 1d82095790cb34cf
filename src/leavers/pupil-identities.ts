/**
 * Telling a receiving school that a UPN arrived with another name or date of birth than s2s saw it with before:
 * one of the two files may be for the wrong child, or a UPN was mistyped. s2s keeps, beside each sent pupil's keyed
 * UPN digest, a keyed digest of the pupil's identity (normalised surname and date of birth), so the comparison needs
 * neither name stored: nothing is readable without the key, and nobody is told the other name or who sent it.
 */
import crypto from 'node:crypto';
import type { Db } from '../platform/database.js';
import { upnDigest } from './sent-ctfs.js';

/** Pupils looked up per statement: one bound value each, well inside PostgreSQL's 65,535. */
const LOOKUP_BATCH = 5000;

/**
 * A surname as a school office would say it is the same: accents, case, spaces, hyphens and apostrophes aside
 * (`O’Brien-Smith` is `OBRIENSMITH`), so that one MIS's spelling does not warn against another's.
 */
export function normalisedSurname(surname: string): string {
  return surname
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/[^A-Z]/g, '');
}

/** Keyed digest of who a pupil is; labelled, so that it can never equal a UPN's digest made with the same key. */
export function identityDigest(key: Buffer, surname: string, dateOfBirth: string): Buffer {
  return crypto
    .createHmac('sha256', key)
    .update(`pupil identity\n${normalisedSurname(surname)}\n${dateOfBirth.trim()}`)
    .digest();
}

/** The key pupils are known by in one file: the UPN as the digests take it. */
export function upnKey(upn: string): string {
  return upn.trim().toUpperCase();
}

/**
 * How many of `identities` (UPN → identity digest) s2s has seen before, in any school's CTF not removed by its
 * sender, with another identity. Pupils sent before identities were kept carry none and agree with anything.
 */
export async function pupilsSeenOtherwise(
  db: Db,
  key: Buffer,
  identities: ReadonlyMap<string, Buffer>,
): Promise<number> {
  const byDigest = new Map<string, Buffer>();
  for (const [upn, identity] of identities) byDigest.set(upnDigest(key, upn).toString('hex'), identity);
  const digests = [...byDigest.keys()];
  const differing = new Set<string>();
  for (let start = 0; start < digests.length; start += LOOKUP_BATCH) {
    const batch = digests.slice(start, start + LOOKUP_BATCH).map((hex) => Buffer.from(hex, 'hex'));
    const seen = await db
      .selectFrom('ctf_pupils_sent as p')
      .innerJoin('transfer_files as f', 'f.id', 'p.file_id')
      .select(['p.upn_digest', 'p.identity_digest'])
      .where('p.upn_digest', 'in', batch)
      .where('p.identity_digest', 'is not', null)
      // A file its sender removed (often for being wrong) is not held against the one that corrects it.
      .where('f.status', '<>', 'removed')
      .execute();
    for (const row of seen) {
      const hex = row.upn_digest.toString('hex');
      if (!byDigest.get(hex)?.equals(row.identity_digest!)) differing.add(hex);
    }
  }
  return differing.size;
}

/** The warning on a file, in the words both ends see; it names no school and no other name. */
export function identityCaution(pupils: number): { code: string; message: string } {
  return {
    code: 'UPN_SEEN_WITH_OTHER_IDENTITY',
    message:
      pupils === 1
        ? 'One pupil in this file has a UPN that s2s has seen before with a different name or date of birth. Check the pupil’s identity before importing.'
        : `${pupils} pupils in this file have UPNs that s2s has seen before with a different name or date of birth. Check these pupils’ identities before importing.`,
  };
}
