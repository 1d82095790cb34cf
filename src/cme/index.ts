/** Children missing education: the LA's register of cases, and the usage and CME reports. */
import type { Capability } from '../platform/capability.js';
import { cmeApiRoutes } from './api-routes.js';
import { cmePages } from './pages.js';
import { reportPages } from './reports/pages.js';

export const cme: Capability = {
  name: 'cme',
  routes: [cmeApiRoutes, cmePages, reportPages],
  navigation: [
    { href: '/cme-cases', text: 'Children missing education', permission: 'cme:cases' },
    { href: '/reports/usage', text: 'Reports', permission: 'reports:la' },
    { href: '/reports/national', text: 'National figures', permission: 'reports:national' },
  ],
};
