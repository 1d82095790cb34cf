/** The unknown-destination repository: searching it, children found, and alerts on probing searches. */
import type { Capability } from '../platform/capability.js';
import { extension } from '../platform/extensions.js';
import { transferContributors } from '../transfers/public.js';
import { repositoryApiRoutes } from './api-routes.js';
import { repositoryPages } from './pages.js';
import { repositoryContributors } from './repository-records.js';
import { repositoryToDo } from './to-do.js';

export const repository: Capability = {
  name: 'repository',
  toDo: repositoryToDo,
  routes: [repositoryApiRoutes, repositoryPages],
  navigation: [
    { href: '/repository', text: 'Find a pupil’s record', permission: 'repository:search' },
    { href: '/repository/found', text: 'Children found', permission: 'repository:oversee' },
    { href: '/repository/alerts', text: 'Search alerts', permission: 'repository:alerts' },
  ],
  // A file for the repository brings its pupils' records, which expire with it.
  extensions: [extension(transferContributors, repositoryContributors)],
};
