/** New pupils: registering a joiner, requests for their CTF, and those passed to the LA. */
import type { Capability } from '../platform/capability.js';
import { extension } from '../platform/extensions.js';
import { transferContributors } from '../transfers/public.js';
import { joinerApiRoutes } from './api-routes.js';
import { passOverdueRequests } from './ctf-requests.js';
import { joinerFromCtfPages } from './from-ctf-pages.js';
import { joinerPages } from './pages.js';
import { joinerCtfContributor, joinerCtfJob } from './receive-ctfs.js';
import { joinersToDo } from './to-do.js';

export const joiners: Capability = {
  name: 'joiners',
  toDo: joinersToDo,
  routes: [joinerApiRoutes, joinerPages, joinerFromCtfPages],
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
  // A CTF delivered to a school waiting for one is read for the new pupils waiting for it, once its upload commits.
  jobs: [joinerCtfJob],
  extensions: [extension(transferContributors, joinerCtfContributor)],
};
