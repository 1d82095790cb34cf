/** Leavers: recording them, reminders of the CTF still to send, and the LA's view of its schools' leavers. */
import type { Capability } from '../platform/capability.js';
import { leaverApiRoutes } from './api-routes.js';
import { leaverPages } from './pages.js';
import { forgetOldSentPupils, remindLeavers } from './remind-leavers.js';

export const leavers: Capability = {
  name: 'leavers',
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
};
