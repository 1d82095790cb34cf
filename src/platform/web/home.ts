/**
 * The home page: what needs doing today, counted from the records for the signed-in user, then what they can do,
 * by role, from the cards the capabilities offer.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { HomeTile, ToDo } from '../capability.js';
import { can, roleNames } from '../permissions.js';
import type { Services } from '../services.js';

export const homeRoutes: FastifyPluginAsync<{
  services: Services;
  tiles: readonly HomeTile[];
  toDo: readonly ToDo[];
}> = async (app, { services, tiles, toDo }) => {
  app.get('/', { config: { access: 'signed-in' } }, async (request, reply) => {
    const user = request.user!;
    const shown = tiles
      .filter((tile) => can(user.role, tile.permission))
      .map((tile) => ({
        href: tile.href,
        title: tile.title,
        text: typeof tile.text === 'function' ? tile.text(user) : tile.text,
      }));
    const mine = toDo.filter((item) => can(user.role, item.permission));
    const counts = await Promise.all(mine.map((item) => item.count(services, user)));
    const waiting = mine
      .map((item, i) => ({ href: item.href, count: counts[i]!, text: counts[i]! > 0 ? item.text(counts[i]!) : '' }))
      .filter((item) => item.count > 0);
    return reply.render('platform/views/home.njk', {
      title: 'Home',
      tasks: shown,
      waiting,
      roleName: roleNames[user.role],
    });
  });
};
