/** Missing-pupil enquiries between LAs. */
import type { Capability } from '../platform/capability.js';
import { extension } from '../platform/extensions.js';
import { afterCommitEffects } from '../transfers/public.js';
import { enquiryApiRoutes } from './api-routes.js';
import { enquiryAlertEffect } from './enquiry-alert-effect.js';
import { enquiryPages } from './pages.js';
import { enquiriesToDo } from './to-do.js';

export const enquiries: Capability = {
  name: 'enquiries',
  toDo: enquiriesToDo,
  routes: [enquiryApiRoutes, enquiryPages],
  navigation: [
    { href: '/enquiries', text: 'Missing-pupil enquiries', permission: 'enquiries:make' },
    { href: '/enquiries/received', text: 'Enquiries to your LA', permission: 'enquiries:make' },
  ],
  // Records arriving in the repository are matched against open enquiries once their upload commits.
  jobs: [enquiryAlertEffect],
  extensions: [extension(afterCommitEffects, enquiryAlertEffect)],
};
