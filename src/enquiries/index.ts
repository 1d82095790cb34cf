/** Missing-pupil enquiries between LAs. */
import type { Capability } from '../platform/capability.js';
import { enquiryApiRoutes } from './api-routes.js';
import { enquiryPages } from './pages.js';

export const enquiries: Capability = {
  name: 'enquiries',
  routes: [enquiryApiRoutes, enquiryPages],
  navigation: [
    { href: '/enquiries', text: 'Missing-pupil enquiries', permission: 'enquiries:make' },
    { href: '/enquiries/received', text: 'Enquiries to your LA', permission: 'enquiries:make' },
  ],
};
