/** What transfers puts on the home page: files waiting to be collected. */
import type { ToDo } from '../platform/capability.js';
import { counted } from '../platform/words.js';

export const transfersToDo: ToDo[] = [
  {
    permission: 'transfers:receive',
    href: '/inbox',
    async count(services, user) {
      const row = await services.db
        .selectFrom('transfer_files')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('recipient_org_code', '=', user.orgCode)
        .where('status', '=', 'delivered')
        .where('collected_at', 'is', null)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    text: (n) => `${counted(n, 'file', 'files')} waiting in your inbox, not yet downloaded`,
  },
];
