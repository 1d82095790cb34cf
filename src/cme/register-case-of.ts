/** The LA's register case about a child, for another capability that holds the same child (an enquiry). */
import type { Db } from '../platform/database.js';
import { sameChild, type ChildKey } from '../platform/same-child.js';

export interface RegisterCase {
  id: string;
  state: 'open' | 'closed';
}

/** The case opened from the enquiry, or else the LA's newest case about the same child; undefined when none. */
export async function registerCaseOf(
  db: Db,
  laCode: string,
  child: ChildKey & { enquiryId?: string },
): Promise<RegisterCase | undefined> {
  const rows = await db
    .selectFrom('cme_cases')
    .select(['id', 'state', 'enquiry_id'])
    .where('la_code', '=', laCode)
    .where((eb) => eb.or([...(child.enquiryId ? [eb('enquiry_id', '=', child.enquiryId)] : []), sameChild(child)]))
    .orderBy('opened_at', 'desc')
    .limit(10)
    .execute();
  const chosen = rows.find((r) => r.enquiry_id === child.enquiryId) ?? rows[0];
  return chosen && { id: chosen.id, state: chosen.state };
}
