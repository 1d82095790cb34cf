/**
 * The pages a UK public service must have, linked from every page's footer: help and contact, the accessibility
 * statement, the privacy notice and cookies. They read the service's own settings, so what they promise (how long
 * files are kept, when a session ends) is what this deployment does.
 */
import type { Capability } from '../platform/capability.js';
import { helpPages } from './pages.js';

export const help: Capability = {
  name: 'help',
  routes: [helpPages],
  footer: [
    { href: '/help', text: 'Help and contact' },
    { href: '/accessibility-statement', text: 'Accessibility statement' },
    { href: '/privacy', text: 'Privacy' },
    { href: '/cookies', text: 'Cookies' },
  ],
};
