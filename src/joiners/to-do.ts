/** What new pupils put on the home page: requests for a former pupil's CTF, and strong matches to look at. */
import type { ToDo } from '../platform/capability.js';
import { counted } from '../platform/words.js';

export const joinersToDo: ToDo[] = [
  {
    permission: 'ctf-requests:answer',
    href: '/ctf-requests',
    async count(services, user) {
      const row = await services.db
        .selectFrom('ctf_requests')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('holder_laestab', '=', user.orgCode)
        .where('answered_at', 'is', null)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    text: (n) => `${counted(n, 'request', 'requests')} for a former pupil’s CTF to answer`,
  },
  {
    permission: 'joiners:register',
    href: '/joiners',
    async count(services, user) {
      const row = await services.db
        .selectFrom('joiners')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('school_laestab', '=', user.orgCode)
        .where('state', '=', 'seeking')
        .where('match_record_id', 'is not', null)
        .where('match_reviewed_at', 'is', null)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    text: (n) => `${counted(n, 'new pupil has', 'new pupils have')} a likely record in the repository to check`,
  },
];
