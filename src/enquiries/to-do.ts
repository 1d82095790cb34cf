/** What enquiries put on the home page: other LAs' enquiries to answer, and enquiries waiting for approval. */
import type { ToDo } from '../platform/capability.js';
import { counted } from '../platform/words.js';

export const enquiriesToDo: ToDo[] = [
  {
    permission: 'enquiries:make',
    href: '/enquiries/received',
    async count(services, user) {
      const row = await services.db
        .selectFrom('enquiry_recipients as r')
        .innerJoin('enquiries as e', 'e.id', 'r.enquiry_id')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('r.la_code', '=', user.laCode ?? user.orgCode)
        .where('r.sent_at', 'is not', null)
        .where('r.answer', 'is', null)
        .where('e.state', '=', 'sent')
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    text: (n) => `${counted(n, 'enquiry', 'enquiries')} from other LAs to answer`,
  },
  {
    permission: 'enquiries:approve',
    href: '/enquiries',
    async count(services, user) {
      const row = await services.db
        .selectFrom('enquiries')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('la_code', '=', user.laCode ?? user.orgCode)
        .where('state', '=', 'awaiting-approval')
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    text: (n) => `${counted(n, 'enquiry', 'enquiries')} waiting for your approval`,
  },
];
