/** What the repository puts on the home page: search alerts an LA administrator has not yet reviewed. */
import type { ToDo } from '../platform/capability.js';
import { countRows } from '../platform/count-rows.js';
import { counted } from '../platform/words.js';

export const repositoryToDo: ToDo[] = [
  {
    permission: 'repository:alerts',
    href: '/repository/alerts',
    async count(services, user) {
      const la = user.laCode ?? user.orgCode;
      let total = 0;
      for (const table of ['repository_search_alerts', 'probing_alerts'] as const) {
        total += await countRows(
          services.db.selectFrom(table).where('la_code', '=', la).where('reviewed_at', 'is', null),
        );
      }
      return total;
    },
    text: (n) => `${counted(n, 'search alert', 'search alerts')} to review`,
  },
];
