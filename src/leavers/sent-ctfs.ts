/**
 * Recognising a leaver's CTF. Each CTF a school sends leaves behind, for each pupil, a digest of the UPN keyed with a
 * subkey of the master key; a leaver recorded before the CTF is marked sent when the CTF arrives, and one recorded
 * after finds the CTF by the same digest. The digests carry no names and cannot be reversed without the key.
 */
import crypto from 'node:crypto';
import type { Db } from '../platform/database.js';

/** How long digests are kept: a leaver recorded more than a year after the CTF went is not looked for. */
export const SENT_PUPILS_KEPT_DAYS = 400;

export function upnDigest(key: Buffer, upn: string): Buffer {
  return crypto.createHmac('sha256', key).update(upn.trim().toUpperCase()).digest();
}

/** A school's own pupils are the ones a CTF from it can be for: its source must be a school's LAEstab. */
export function sentFromSchool(source: string): boolean {
  return /^[0-9]{7}$/.test(source);
}

export interface SentCtf {
  fileId: string;
  sentTo: string;
  sentAt: Date;
}

/** The newest CTF from `school` containing the pupil with `upn`, sent on or after `since`. */
export async function findSentCtf(
  db: Db,
  key: Buffer,
  school: string,
  upn: string,
  since: Date,
): Promise<SentCtf | undefined> {
  const row = await db
    .selectFrom('ctf_pupils_sent as p')
    .innerJoin('transfer_files as f', 'f.id', 'p.file_id')
    .select(['f.id', 'f.destination_code', 'f.recipient_org_code', 'p.sent_at'])
    .where('p.source_laestab', '=', school)
    .where('p.upn_digest', '=', upnDigest(key, upn))
    .where('p.sent_at', '>=', since)
    .where('f.status', '<>', 'removed')
    .orderBy('p.sent_at', 'desc')
    .executeTakeFirst();
  return row
    ? { fileId: row.id, sentTo: row.recipient_org_code ?? row.destination_code, sentAt: new Date(row.sent_at) }
    : undefined;
}
