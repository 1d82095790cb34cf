/** What leavers puts on the home page: leavers whose CTF is overdue, at the school or at the LA's schools. */
import type { ToDo } from '../platform/capability.js';
import { londonDate } from '../platform/school-days.js';
import { countRows } from '../platform/count-rows.js';
import { counted } from '../platform/words.js';

export const leaversToDo: ToDo[] = [
  {
    permission: 'leavers:record',
    href: '/leavers',
    count: (services, user) =>
      countRows(
        services.db
          .selectFrom('leavers')
          .where('school_laestab', '=', user.orgCode)
          .where('ctf_file_id', 'is', null)
          .where('ctf_due_on', '<', londonDate(services.now())),
      ),
    text: (n) => `${counted(n, 'leaver’s CTF is', 'leavers’ CTFs are')} overdue: send ${n === 1 ? 'it' : 'them'} now`,
  },
  {
    permission: 'leavers:oversee',
    href: '/leavers/at-your-schools',
    count: (services, user) =>
      countRows(
        services.db
          .selectFrom('leavers')
          .where('la_code', '=', user.laCode ?? user.orgCode)
          .where('ctf_file_id', 'is', null)
          .where('ctf_due_on', '<', londonDate(services.now())),
      ),
    text: (n) => `${counted(n, 'leaver', 'leavers')} from your schools with the CTF overdue`,
  },
];
