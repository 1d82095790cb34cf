/** Every user's notifications: what needs them, newest first, each with a link to it. */
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../platform/services.js';
import { listNotifications, markNotificationsRead } from './notify.js';

export const notificationPages: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.get('/notifications', { config: { access: 'signed-in' } }, async (request, reply) => {
    const notifications = await listNotifications(services.db, request.user!);
    // Seen is read: the page itself is the acknowledgement.
    await markNotificationsRead(services.db, request.user!, services.now());
    return reply.render('notifications/views/notifications.njk', { title: 'Notifications', notifications });
  });
};
