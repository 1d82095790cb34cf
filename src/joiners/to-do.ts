/** What new pupils put on the home page: requests for a former pupil's CTF, and strong matches to look at. */
import type { ToDo } from '../platform/capability.js';
import { countRows } from '../platform/count-rows.js';
import { counted } from '../platform/words.js';

export const joinersToDo: ToDo[] = [
  {
    permission: 'ctf-requests:answer',
    href: '/ctf-requests',
    count: (services, user) =>
      countRows(
        services.db
          .selectFrom('ctf_requests')
          .where('holder_laestab', '=', user.orgCode)
          .where('answered_at', 'is', null),
      ),
    text: (n) => `${counted(n, 'request', 'requests')} for a former pupil’s CTF to answer`,
  },
  {
    permission: 'joiners:register',
    href: '/joiners',
    count: (services, user) =>
      countRows(
        services.db
          .selectFrom('joiners')
          .where('school_laestab', '=', user.orgCode)
          .where('state', '=', 'seeking')
          .where('match_record_id', 'is not', null)
          .where('match_reviewed_at', 'is', null),
      ),
    text: (n) => `${counted(n, 'new pupil has', 'new pupils have')} a likely record in the repository to check`,
  },
];
