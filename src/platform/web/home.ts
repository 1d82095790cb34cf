/** The home page: what the signed-in user can do, by role, from the cards the capabilities offer. */
import type { FastifyPluginAsync } from 'fastify';
import type { HomeTile } from '../capability.js';
import { can, roleNames } from '../permissions.js';

export const homeRoutes: FastifyPluginAsync<{ tiles: readonly HomeTile[] }> = async (app, { tiles }) => {
  app.get('/', { config: { access: 'signed-in' } }, async (request, reply) => {
    const user = request.user!;
    const shown = tiles
      .filter((tile) => can(user.role, tile.permission))
      .map((tile) => ({
        href: tile.href,
        title: tile.title,
        text: typeof tile.text === 'function' ? tile.text(user) : tile.text,
      }));
    return reply.render('platform/views/home.njk', { title: 'Home', tasks: shown, roleName: roleNames[user.role] });
  });
};
