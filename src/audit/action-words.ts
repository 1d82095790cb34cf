/**
 * The audit trail in words an LA administrator reads: each action as a sentence, and where the row's target has a
 * page, a link to it. An action not listed here (one added later) still shows, as its code.
 */
const words: Record<string, string> = {
  'sign-in': 'Signed in',
  'sign-out': 'Signed out',
  'two-factor.enrolled': 'Set up two-factor authentication',
  'user.created': 'Added a user',
  'user.password-set': 'Set their password',
  'user.disable': 'Stopped a user signing in',
  'user.enable': 'Let a user sign in again',
  'user.reset-two-factor': 'Reset a user’s two-factor authentication',
  'user.reset-password': 'Reset a user’s password',
  'token.created': 'Created an API token',
  'token.revoked': 'Revoked an API token',
  'access.denied': 'Was refused a page or call they have no permission for',
  'request.refused-by-id': 'Asked for a record that does not exist or they may not see',
  'request.probing-flagged': 'Was flagged for asking for records by id repeatedly',
  'pupil-data.viewed': 'Viewed pupils’ details',
  'file.sent': 'Sent a file',
  'file.download': 'Downloaded a file',
  'file.downloaded': 'Downloaded a file',
  'file.removed': 'Removed a file they had sent',
  'repository.searched': 'Searched the unknown-destination repository',
  'repository.search-refused': 'Was refused a search: too many in a minute',
  'repository.search-volume-flagged': 'Was flagged for searching unusually often',
  'repository.alert-reviewed': 'Marked a search alert reviewed',
  'repository.record-opened': 'Opened a repository record',
  'repository.record-downloaded': 'Downloaded a child’s CTF from the repository',
  'repository.record-found': 'Marked a child found',
  'repository.repaired': 'Repaired a repository file',
  'leaver.recorded': 'Recorded a leaver',
  'joiner.registered': 'Registered a new pupil without a CTF',
  'joiner.ctf-received': 'A new pupil’s CTF arrived',
  'joiner.match-reviewed': 'Checked a likely repository record for a new pupil',
  'joiner.passed-to-la': 'A new pupil’s search passed to the LA',
  'ctf-request.answered': 'Answered a request for a former pupil’s CTF',
  'enquiry.created': 'Started a missing-pupil enquiry',
  'enquiry.sent': 'Sent a missing-pupil enquiry',
  'enquiry.approval-requested': 'Asked for approval to send an enquiry to many LAs',
  'enquiry.approved': 'Approved an enquiry',
  'enquiry.sent-back': 'Sent an enquiry back to its officer',
  'enquiry.answered': 'Answered another LA’s enquiry',
  'enquiry.closed': 'Closed an enquiry',
  'cme-case.opened': 'Added a child to the CME register',
  'cme-case.closed': 'Closed a CME register case',
  'retention.purged': 'Deleted records past their retention',
  'keys.rotated': 'Rotated the master key',
};

export function actionWords(action: string): string {
  return words[action] ?? action;
}

/** The page of a row's target, for the kinds that have one an administrator may open. */
export function targetLink(kind: string | null, id: string | null): string | null {
  if (!kind || !id) return null;
  const pages: Record<string, string> = {
    file: `/files/${id}`,
    enquiry: `/enquiries/${id}`,
    'cme-case': `/cme-cases/${id}`,
    user: `/users/${id}`,
  };
  return pages[kind] ?? null;
}
