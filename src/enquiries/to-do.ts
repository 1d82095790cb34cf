/** What enquiries put on the home page: other LAs' enquiries to answer, and enquiries waiting for approval. */
import type { ToDo } from '../platform/capability.js';
import { countRows } from '../platform/count-rows.js';
import { counted } from '../platform/words.js';

export const enquiriesToDo: ToDo[] = [
  {
    permission: 'enquiries:make',
    href: '/enquiries/received',
    count: (services, user) =>
      countRows(
        services.db
          .selectFrom('enquiry_recipients as r')
          .innerJoin('enquiries as e', 'e.id', 'r.enquiry_id')
          .where('r.la_code', '=', user.laCode ?? user.orgCode)
          .where('r.sent_at', 'is not', null)
          .where('r.answer', 'is', null)
          .where('e.state', '=', 'sent'),
      ),
    text: (n) => `${counted(n, 'enquiry', 'enquiries')} from other LAs to answer`,
  },
  {
    permission: 'enquiries:approve',
    href: '/enquiries',
    count: (services, user) =>
      countRows(
        services.db
          .selectFrom('enquiries')
          .where('la_code', '=', user.laCode ?? user.orgCode)
          .where('state', '=', 'awaiting-approval'),
      ),
    text: (n) => `${counted(n, 'enquiry', 'enquiries')} waiting for your approval`,
  },
];
