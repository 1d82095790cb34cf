/**
 * Email notices. Every notification is also waiting in an outbox; when SMTP is configured, any node claims what is
 * waiting (a conditional update, so two nodes never send the same notice), sends each user one email listing their
 * notices, and marks them sent; a failure is retried on the next run, up to five times. The email says what needs
 * attention and links to it, exactly as the notification does: it never contains a child's details. Without SMTP,
 * waiting notices are marked off.
 */
import type { ExpressionBuilder } from 'kysely';
import type { Db } from '../platform/database.js';
import type { Mailer } from '../platform/mailer.js';
import type { Database } from '../platform/schema.js';

const MAX_ATTEMPTS = 5;
/** A claim older than this was made by a node that stopped mid-send: the notices are taken again. */
const STALE_CLAIM_MS = 10 * 60_000;
const BATCH = 500;

export interface EmailRun {
  emails: number;
  notices: number;
  failed: number;
}

export async function sendEmailNotices(
  db: Db,
  now: Date,
  mailer: Mailer | undefined,
  publicUrl: string,
): Promise<EmailRun> {
  if (!mailer) {
    await db.updateTable('notifications').set({ email_state: 'off' }).where('email_state', '=', 'pending').execute();
    return { emails: 0, notices: 0, failed: 0 };
  }
  const stale = new Date(now.getTime() - STALE_CLAIM_MS);
  const claimable = (eb: ExpressionBuilder<Database, 'notifications'>) =>
    eb.or([
      eb('email_state', '=', 'pending'),
      eb.and([eb('email_state', '=', 'sending'), eb('email_claimed_at', '<', stale)]),
    ]);
  const waiting = await db
    .selectFrom('notifications')
    .select('id')
    .where(claimable)
    .orderBy('created_at')
    .limit(BATCH)
    .execute();
  if (waiting.length === 0) return { emails: 0, notices: 0, failed: 0 };
  // The claim repeats the condition: a notice another node claimed meanwhile is not claimed again.
  const claimed = await db
    .updateTable('notifications')
    .set({ email_state: 'sending', email_claimed_at: now })
    .where(
      'id',
      'in',
      waiting.map((w) => w.id),
    )
    .where(claimable)
    .returning(['id', 'user_id', 'message', 'link'])
    .execute();
  if (claimed.length === 0) return { emails: 0, notices: 0, failed: 0 };

  const users = await db
    .selectFrom('users')
    .select(['id', 'email', 'name', 'status'])
    .where('id', 'in', [...new Set(claimed.map((n) => n.user_id))])
    .execute();
  const run: EmailRun = { emails: 0, notices: 0, failed: 0 };
  for (const user of users) {
    const notices = claimed.filter((n) => n.user_id === user.id);
    const ids = notices.map((n) => n.id);
    if (user.status !== 'active') {
      await db.updateTable('notifications').set({ email_state: 'off' }).where('id', 'in', ids).execute();
      continue;
    }
    try {
      await mailer.send({ to: user.email, ...noticeEmail(user.name, notices, publicUrl) });
      await db.updateTable('notifications').set({ email_state: 'sent' }).where('id', 'in', ids).execute();
      run.emails++;
      run.notices += ids.length;
    } catch {
      // Tried again on the next run; a notice that fails five times stays only in the service.
      await db
        .updateTable('notifications')
        .set((eb) => ({
          email_attempts: eb('email_attempts', '+', 1),
          email_state: eb
            .case()
            .when('email_attempts', '>=', MAX_ATTEMPTS - 1)
            .then('failed' as const)
            .else('pending' as const)
            .end(),
        }))
        .where('id', 'in', ids)
        .execute();
      run.failed += ids.length;
    }
  }
  return run;
}

/** One email for a user's waiting notices: each message with its link, and nothing else about anyone. */
export function noticeEmail(
  name: string,
  notices: ReadonlyArray<{ message: string; link: string }>,
  publicUrl: string,
): { subject: string; text: string } {
  const first = notices[0]!.message;
  const subject =
    notices.length === 1
      ? `s2s: ${first.length > 100 ? `${first.slice(0, 97)}…` : first}`
      : `s2s: ${notices.length} things need your attention`;
  const lines = notices.map((n) => `- ${n.message}\n  ${publicUrl}${n.link}`);
  return {
    subject,
    text: [
      `Dear ${name},`,
      '',
      ...lines,
      '',
      'Sign in to s2s to see the details. For your pupils’ safety this email never contains them.',
    ].join('\n'),
  };
}
