/**
 * Enquiries' part in children appearing elsewhere: new pupils (joiners) and CTFs arriving in the repository
 * (transfers) hand each child here. It stands apart from the rest of enquiries, which looks things up in the
 * repository, so that those callers do not import enquiries' whole lifecycle and it does not import them back.
 */
import { notify } from '../notifications/public.js';
import type { Db } from '../platform/database.js';
import { criteriaOf, nearbyBirthDates, scorePeople, type Person } from './match-people.js';

/**
 * Checks children who have just appeared (a new pupil registered, or pupils' records arriving in the repository)
 * against every open enquiry; each likely match is added to its enquiry and the enquiring officer notified. Open
 * enquiries are few, so they are read once and compared in memory.
 */
export async function alertEnquiries(
  db: Db,
  now: Date,
  appeared: ReadonlyArray<Person & { kind: 'repository' | 'joiner'; id: string }>,
): Promise<number> {
  if (appeared.length === 0) return 0;
  const open = await db
    .selectFrom('enquiries')
    .select(['id', 'officer_id', 'upn', 'surname', 'forename', 'date_of_birth', 'sex'])
    // Only a sent (or approved) enquiry is looked for: a draft, or one awaiting approval, neither matches nor notifies.
    .where('state', '=', 'sent')
    .execute();
  let alerted = 0;
  for (const child of appeared) {
    const nearby = new Set(nearbyBirthDates(child.date_of_birth, now));
    for (const enquiry of open) {
      if (!nearby.has(enquiry.date_of_birth) && !(child.upn && child.upn === enquiry.upn)) continue;
      const scored = scorePeople(criteriaOf(enquiry), child);
      if (!scored) continue;
      const inserted = await db
        .insertInto('enquiry_matches')
        .values({
          enquiry_id: enquiry.id,
          kind: child.kind,
          ref_id: child.id,
          score: scored.score,
          reasons: scored.reasons,
          found_at: now,
        })
        .onConflict((oc) => oc.doNothing())
        .returning('enquiry_id')
        .executeTakeFirst();
      if (!inserted) continue;
      alerted++;
      await notify(db, now, [enquiry.officer_id], {
        kind: 'enquiry-match',
        message:
          child.kind === 'joiner'
            ? 'A new pupil registered at a school is a likely match for one of your missing-pupil enquiries.'
            : 'A record that has just arrived in the repository is a likely match for one of your missing-pupil enquiries.',
        link: `/enquiries/${enquiry.id}`,
      });
    }
  }
  return alerted;
}
