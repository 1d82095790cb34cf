/**
 * Recognising a leaver's CTF. Each CTF a school sends leaves behind, for each pupil, a digest of the UPN keyed with a
 * subkey of the master key; a leaver recorded before the CTF is marked sent when the CTF arrives, and one recorded
 * after finds the CTF by the same digest. The digests carry no names and cannot be reversed without the key. The
 * same digests tell a school registering a new pupil, or a CME officer looking for a child, where any CTF carrying
 * the UPN they already know has gone: the files in flight.
 */
import crypto from 'node:crypto';
import { criteriaOf, scorePeople, type Person } from '../enquiries/public.js';
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
  const [newest] = await ctfsCarrying(db, key, upn, { from: school, since });
  return newest && { fileId: newest.fileId, sentTo: newest.sentTo, sentAt: newest.sentAt };
}

/** A CTF a school sent that carries a given UPN: where it went and whether it has been collected. */
export interface CtfCarryingUpn {
  fileId: string;
  sentBy: string;
  sentByName: string | null;
  sentTo: string;
  sentToName: string | null;
  sentAt: Date;
  collected: boolean;
}

/**
 * Every CTF in the last year carrying the pupil with `upn`, newest first: from any school in England or Wales, or
 * only from `from` and since `since`. It tells where a new pupil's record went, or a missing child's, or that a
 * leaver's CTF has gone. Only the route is told, never the file's content.
 */
export async function ctfsCarrying(
  db: Db,
  key: Buffer,
  upn: string,
  only: { from?: string; since?: Date } = {},
): Promise<CtfCarryingUpn[]> {
  let query = db
    .selectFrom('ctf_pupils_sent as p')
    .innerJoin('transfer_files as f', 'f.id', 'p.file_id')
    .leftJoin('establishments as s', 's.laestab', 'p.source_laestab')
    .leftJoin('establishments as d', 'd.laestab', 'f.recipient_org_code')
    .select([
      'f.id',
      'p.source_laestab',
      's.name as source_name',
      'f.destination_code',
      'f.recipient_org_code',
      'd.name as recipient_name',
      'p.sent_at',
      'f.collected_at',
    ])
    .where('p.upn_digest', '=', upnDigest(key, upn))
    .where('f.status', '<>', 'removed')
    .orderBy('p.sent_at', 'desc')
    .limit(20);
  if (only.from) query = query.where('p.source_laestab', '=', only.from);
  if (only.since) query = query.where('p.sent_at', '>=', only.since);
  const rows = await query.execute();
  return rows.map((r) => ({
    fileId: r.id,
    sentBy: r.source_laestab,
    sentByName: r.source_name,
    sentTo: r.recipient_org_code ?? r.destination_code,
    sentToName: r.recipient_name,
    sentAt: new Date(r.sent_at),
    collected: r.collected_at !== null,
  }));
}

/**
 * The CTFs carrying `person`'s UPN that may be told to someone who gave the UPN with a name and date of birth. The
 * digests carry no names, so a CTF is told only when the school that sent it recorded the child as a leaver with a
 * name and date of birth that agree with those given (within the repository's tolerances); otherwise nothing is
 * told, exactly as when no CTF carries the UPN, since a UPN alone can be guessed.
 */
export async function ctfsCarryingPerson(db: Db, key: Buffer, person: Person): Promise<CtfCarryingUpn[]> {
  if (!person.upn) return [];
  const carrying = await ctfsCarrying(db, key, person.upn);
  if (carrying.length === 0) return [];
  const leavers = await db
    .selectFrom('leavers')
    .select(['school_laestab', 'upn', 'surname', 'forename', 'date_of_birth', 'sex'])
    .where('upn', '=', person.upn)
    .where('school_laestab', 'in', [...new Set(carrying.map((c) => c.sentBy))])
    .execute();
  const sought = criteriaOf(person);
  const agreeing = new Set(leavers.filter((l) => scorePeople(sought, l) !== null).map((l) => l.school_laestab));
  return carrying.filter((c) => agreeing.has(c.sentBy));
}
