/** The audit trail as administrators read it. */
import type { Capability } from '../platform/capability.js';
import { auditRoutes } from './routes.js';

export const audit: Capability = {
  name: 'audit',
  routes: [auditRoutes],
  navigation: [{ href: '/audit', text: 'Audit trail', permission: 'audit:view' }],
  homeTiles: [
    {
      href: '/audit',
      title: 'Audit trail',
      text: 'See who signed in, who changed accounts and who opened pupil records.',
      permission: 'audit:view',
    },
  ],
};
