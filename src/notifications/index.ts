/** Notifications in the service, and the email notices that point to them. */
import type { Capability } from '../platform/capability.js';
import { sendEmailNotices } from './email-notices.js';
import { notificationPages } from './pages.js';

export const notifications: Capability = {
  name: 'notifications',
  routes: [notificationPages],
  navigation: [{ href: '/notifications', text: 'Notifications', permission: 'signed-in' }],
  periodic: [
    {
      name: 'send email notices',
      everySeconds: 60,
      run: async (services) => {
        await sendEmailNotices(services.db, services.now(), services.mailer, services.config.publicUrl);
      },
    },
  ],
};
