/** New pupils: registering a joiner, requests for their CTF, and those passed to the LA. */
import type { Capability } from '../platform/capability.js';
import { joinerApiRoutes } from './api-routes.js';
import { passOverdueRequests } from './ctf-requests.js';
import { joinerPages } from './pages.js';

export const joiners: Capability = {
  name: 'joiners',
  routes: [joinerApiRoutes, joinerPages],
  navigation: [
    { href: '/joiners', text: 'New pupils', permission: 'joiners:register' },
    { href: '/ctf-requests', text: 'CTF requests', permission: 'ctf-requests:answer' },
    { href: '/joiners/with-la', text: 'New pupils not found', permission: 'joiners:oversee' },
  ],
  housekeeping: [
    {
      name: 'pass unanswered CTF requests to the LA',
      run: async (services) => ({ requestsPassedToLa: await passOverdueRequests(services) }),
    },
  ],
};
