/** What transfers puts on the home page: files waiting to be collected. */
import type { ToDo } from '../platform/capability.js';
import { countRows } from '../platform/count-rows.js';
import { counted } from '../platform/words.js';

export const transfersToDo: ToDo[] = [
  {
    permission: 'transfers:receive',
    href: '/inbox',
    count: (services, user) =>
      countRows(
        services.db
          .selectFrom('transfer_files')
          .where('recipient_org_code', '=', user.orgCode)
          .where('status', '=', 'delivered')
          .where('collected_at', 'is', null),
      ),
    text: (n) => `${counted(n, 'file', 'files')} waiting in your inbox, not yet downloaded`,
  },
];
