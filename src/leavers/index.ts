/** Leavers: recording them, reminders of the CTF still to send, and the LA's view of its schools' leavers. */
import type { Capability } from '../platform/capability.js';
import { extension } from '../platform/extensions.js';
import { transferContributors } from '../transfers/public.js';
import { leaverApiRoutes } from './api-routes.js';
import { leaversContributors } from './leavers-contributors.js';
import { leaverPages } from './pages.js';
import { forgetOldSentPupils, remindLeavers } from './remind-leavers.js';
import { leaversToDo } from './to-do.js';

export const leavers: Capability = {
  name: 'leavers',
  toDo: leaversToDo,
  routes: [leaverApiRoutes, leaverPages],
  navigation: [
    { href: '/leavers', text: 'Leavers', permission: 'leavers:record' },
    { href: '/leavers/at-your-schools', text: 'Leavers', permission: 'leavers:oversee' },
  ],
  housekeeping: [
    {
      name: 'remind schools of leavers’ CTFs',
      async run(services, now) {
        const leaversReminded = await remindLeavers(services.db, now);
        await forgetOldSentPupils(services.db, now);
        return { leaversReminded };
      },
    },
  ],
  // A school's CTF marks its leavers sent; removed, it no longer counts.
  extensions: [extension(transferContributors, leaversContributors)],
};
