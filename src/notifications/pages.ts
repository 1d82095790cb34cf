/** Every user's notifications: what needs them, newest first, each with a link to it; and what waits in the inbox. */
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../platform/services.js';
import { can } from '../platform/permissions.js';
import { inboxWaiting, listNotifications, markNotificationsRead } from './notify.js';

export const notificationPages: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.get('/notifications', { config: { access: 'signed-in' } }, async (request, reply) => {
    const user = request.user!;
    const notifications = await listNotifications(services.db, user);
    // Seen is read: the page itself is the acknowledgement.
    await markNotificationsRead(services.db, user, services.now());
    // What waits in the inbox is counted as it stands, not sent as a notice for every file.
    const inbox = can(user.role, 'transfers:receive') ? await inboxWaiting(services.db, user, services.now()) : null;
    return reply.render('notifications/views/notifications.njk', { title: 'Notifications', notifications, inbox });
  });
};
