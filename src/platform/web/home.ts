/** The home page: what the signed-in user can do, by role. */
import type { FastifyPluginAsync } from 'fastify';
import { can } from '../permissions.js';
import { roleNames } from '../permissions.js';
import type { Services } from '../services.js';

export const homeRoutes: FastifyPluginAsync<{ services: Services }> = async (app) => {
  app.get('/', { config: { access: 'signed-in' } }, async (request, reply) => {
    const user = request.user!;
    const tasks = [
      can(user.role, 'transfers:receive') && {
        href: '/inbox',
        title: 'Inbox',
        text: 'Collect the CTFs and other files sent to you.',
      },
      can(user.role, 'transfers:send') && {
        href: '/send',
        title: 'Send files',
        text: 'Send a CTF when a pupil leaves, or other files to a school or local authority. See who collected them on the sent list.',
      },
      can(user.role, 'transfers:oversee') && {
        href: '/files-within-la',
        title: 'Files at your schools',
        text: 'See files waiting at your schools, and chase those not collected before they are deleted.',
      },
      can(user.role, 'establishments:search') && {
        href: '/find-a-school',
        title: 'Find a school',
        text: 'Look up a school’s LAEstab, URN and status before you send a file.',
      },
      can(user.role, 'users:manage') && {
        href: '/users',
        title: 'Manage users',
        text:
          user.role === 'la-admin'
            ? 'Add and look after accounts for your local authority and its schools.'
            : 'Add and look after local authority administrators.',
      },
      can(user.role, 'audit:view') && {
        href: '/audit',
        title: 'Audit trail',
        text: 'See who signed in, who changed accounts and who opened pupil records.',
      },
      can(user.role, 'account:tokens') && {
        href: '/account/api-tokens',
        title: 'API tokens',
        text: 'Let your management information system (MIS) send and collect files for you.',
      },
    ].filter(Boolean);
    return reply.render('platform/views/home.njk', { title: 'Home', tasks, roleName: roleNames[user.role] });
  });
};
