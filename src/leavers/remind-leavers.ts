/**
 * Reminders to send leavers' CTFs. Housekeeping, on any node, claims each leaver whose reminder date has come
 * (the claim is the update, so two nodes never remind twice), sets the next one — on the due date, then every 5
 * school days while it is overdue — and gives each school one notice for all its leavers, naming none of them.
 */
import { addSchoolDays, londonDate } from '../platform/school-days.js';
import { notify, schoolUsers } from '../notifications/public.js';
import type { Db } from '../platform/database.js';
import { SENT_PUPILS_KEPT_DAYS } from './sent-ctfs.js';

const OVERDUE_REMINDER_EVERY = 5;

/** Sends the reminders that have come due; returns how many leavers were reminded of. */
export async function remindLeavers(db: Db, now: Date): Promise<number> {
  const today = londonDate(now);
  const due = await db
    .selectFrom('leavers')
    .select(['id', 'school_laestab', 'ctf_due_on', 'next_reminder_on'])
    .where('ctf_file_id', 'is', null)
    .where('next_reminder_on', '<=', today)
    .limit(5000)
    .execute();
  const bySchool = new Map<string, { due: number; overdue: number }>();
  let reminded = 0;
  for (const leaver of due) {
    const next = today < leaver.ctf_due_on ? leaver.ctf_due_on : addSchoolDays(today, OVERDUE_REMINDER_EVERY);
    const claimed = await db
      .updateTable('leavers')
      .set({ next_reminder_on: next })
      .where('id', '=', leaver.id)
      .where('next_reminder_on', '=', leaver.next_reminder_on)
      .where('ctf_file_id', 'is', null)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) === 0) continue;
    reminded++;
    const school = bySchool.get(leaver.school_laestab) ?? { due: 0, overdue: 0 };
    if (today > leaver.ctf_due_on) school.overdue++;
    else school.due++;
    bySchool.set(leaver.school_laestab, school);
  }
  for (const [laestab, counts] of bySchool) {
    const parts = [
      ...(counts.overdue > 0
        ? [`${counts.overdue} ${counts.overdue === 1 ? 'leaver’s CTF is' : 'leavers’ CTFs are'} overdue`]
        : []),
      ...(counts.due > 0
        ? [`${counts.due} ${counts.due === 1 ? 'leaver’s CTF is' : 'leavers’ CTFs are'} due soon`]
        : []),
    ];
    await notify(db, now, await schoolUsers(db, laestab), {
      kind: 'leaver-ctf-due',
      message: `${parts.join('; ')}. Send each CTF to the new school, or to XXXXXXX or MMMMMMM.`,
      link: '/leavers',
    });
  }
  return reminded;
}

/** Deletes the digests of pupils in CTFs sent more than about a year ago: no leaver is matched against them. */
export async function forgetOldSentPupils(db: Db, now: Date): Promise<void> {
  await db
    .deleteFrom('ctf_pupils_sent')
    .where('sent_at', '<', new Date(now.getTime() - SENT_PUPILS_KEPT_DAYS * 86_400_000))
    .execute();
}
