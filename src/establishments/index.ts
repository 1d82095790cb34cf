/** The establishment register: finding a school, and importing GIAS extracts. */
import type { Capability } from '../platform/capability.js';
import { establishmentRoutes } from './routes.js';

export const establishments: Capability = {
  name: 'establishments',
  routes: [establishmentRoutes],
  navigation: [{ href: '/find-a-school', text: 'Find a school', permission: 'establishments:search' }],
  homeTiles: [
    {
      href: '/find-a-school',
      title: 'Find a school',
      text: 'Look up a school’s LAEstab, URN and status before you send a file.',
      permission: 'establishments:search',
    },
  ],
};
