/**
 * Leavers' part in files: a school's CTF leaves a keyed digest of each pupil's UPN (and of who the pupil is) and marks
 * sent any of the school's leavers it carries, in the file's own statement; a removed CTF no longer counts as sent
 * for them. A CTF for a school or LA is first compared with those digests, and cautions its sender and recipient
 * when a UPN in it was seen before with another identity.
 */
import type { QueryCreator } from 'kysely';
import type { Db } from '../platform/database.js';
import type { Database } from '../platform/schema.js';
import { londonDate } from '../platform/school-days.js';
import type { TransferContributor } from '../transfers/public.js';
import { identityCaution, identityDigest, pupilsSeenOtherwise, upnKey } from './pupil-identities.js';
import { sentFromSchool, upnDigest } from './sent-ctfs.js';

/** Pupils per statement: a few bound values each, well inside PostgreSQL's 65,535. */
const PUPIL_BATCH = 5000;

export const leaversContributors: TransferContributor = {
  name: 'leavers',
  arriving(file, deps) {
    if (file.fileType !== 'CTF' || !sentFromSchool(file.source)) return undefined;
    const key = deps.keys.pupilIndexKey;
    // Each pupil's identity digest, by UPN, kept as the file is read (32 bytes a pupil, no name).
    const identities = new Map<string, Buffer>();
    return {
      onPupil(pupil) {
        if (pupil.upn && pupil.surname && pupil.dateOfBirth)
          identities.set(upnKey(pupil.upn), identityDigest(key, pupil.surname, pupil.dateOfBirth));
      },
      async cautions(db) {
        // A file in the repository is for nobody yet; whoever finds the pupil there compares the record themselves.
        if (file.to !== 'inbox' || identities.size === 0) return [];
        const differing = await pupilsSeenOtherwise(db, key, identities);
        return differing > 0 ? [identityCaution(differing)] : [];
      },
      writes(event) {
        if (event.kind !== 'file.accepted' || event.upns.length === 0) return undefined;
        const markSent = (q: QueryCreator<Database>, batch: readonly string[]) =>
          q
            .with('sent_pupils', (w) =>
              w.insertInto('ctf_pupils_sent').values(
                batch.map((upn) => ({
                  file_id: event.fileId,
                  source_laestab: event.source,
                  upn_digest: upnDigest(key, upn),
                  identity_digest: identities.get(upnKey(upn)) ?? null,
                  sent_at: event.at,
                })),
              ),
            )
            .with('leavers_sent', (w) =>
              w
                .updateTable('leavers')
                .set({
                  ctf_file_id: event.fileId,
                  ctf_sent_to: event.sentTo,
                  ctf_sent_at: event.at,
                  next_reminder_on: null,
                })
                .where('school_laestab', '=', event.source)
                .where('ctf_file_id', 'is', null)
                .where('upn', 'in', batch),
            ) as unknown as QueryCreator<Database>;
        const batches: string[][] = [];
        for (let start = 0; start < event.upns.length; start += PUPIL_BATCH)
          batches.push(event.upns.slice(start, start + PUPIL_BATCH));
        const [first, ...rest] = batches;
        return {
          withFile: (q) => markSent(q, first!),
          // A large file's later pupils go in the same transaction as the first.
          afterFile:
            rest.length === 0
              ? undefined
              : async (trx: Db) => {
                  for (const batch of rest)
                    await markSent(trx, batch)
                      .selectNoFrom((eb) => eb.val(1).as('done'))
                      .execute();
                },
        };
      },
    };
  },
  async removed(trx, event) {
    // The school is reminded again at once.
    await trx
      .updateTable('leavers')
      .set({ ctf_file_id: null, ctf_sent_to: null, ctf_sent_at: null, next_reminder_on: londonDate(event.at) })
      .where('ctf_file_id', '=', event.fileId)
      .execute();
  },
};
