/**
 * `reply.render(template, context, status)`: renders a page inside the GOV.UK layout with what every page needs
 * (the user, the navigation for their role, a CSRF token for forms, the CSP nonce).
 */
import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { can, type Permission } from '../permissions.js';
import { randomToken } from '../keys.js';
import type { Services } from '../services.js';
import { ANONYMOUS_COOKIE, csrfToken } from './csrf.js';
import { createViews } from './views.js';

declare module 'fastify' {
  interface FastifyReply {
    render(template: string, context?: Record<string, unknown>, status?: number): FastifyReply;
  }
}

const navigationItems: Array<{ href: string; text: string; permission: Permission | 'signed-in' }> = [
  { href: '/', text: 'Home', permission: 'signed-in' },
  { href: '/inbox', text: 'Inbox', permission: 'transfers:receive' },
  { href: '/send', text: 'Send files', permission: 'transfers:send' },
  { href: '/sent', text: 'Sent files', permission: 'transfers:send' },
  { href: '/files-within-la', text: 'Files at your schools', permission: 'transfers:oversee' },
  { href: '/repository', text: 'Find a pupil’s record', permission: 'repository:search' },
  { href: '/repository/found', text: 'Children found', permission: 'repository:oversee' },
  { href: '/joiners', text: 'New pupils', permission: 'joiners:register' },
  { href: '/ctf-requests', text: 'CTF requests', permission: 'ctf-requests:answer' },
  { href: '/leavers', text: 'Leavers', permission: 'leavers:record' },
  { href: '/joiners/with-la', text: 'New pupils not found', permission: 'joiners:oversee' },
  { href: '/leavers/at-your-schools', text: 'Leavers', permission: 'leavers:oversee' },
  { href: '/enquiries', text: 'Missing-pupil enquiries', permission: 'enquiries:make' },
  { href: '/enquiries/received', text: 'Enquiries to your LA', permission: 'enquiries:make' },
  { href: '/cme-cases', text: 'Children missing education', permission: 'cme:cases' },
  { href: '/reports/usage', text: 'Reports', permission: 'reports:la' },
  { href: '/reports/national', text: 'National figures', permission: 'reports:national' },
  { href: '/notifications', text: 'Notifications', permission: 'signed-in' },
  { href: '/find-a-school', text: 'Find a school', permission: 'establishments:search' },
  { href: '/repository/alerts', text: 'Search alerts', permission: 'repository:alerts' },
  { href: '/users', text: 'Users', permission: 'users:manage' },
  { href: '/audit', text: 'Audit trail', permission: 'audit:view' },
  { href: '/account/api-tokens', text: 'API tokens', permission: 'account:tokens' },
];

function navigationFor(request: FastifyRequest) {
  const user = request.user;
  if (!user) return [];
  const path = request.url.split('?')[0]!;
  const items = navigationItems.filter((item) => item.permission === 'signed-in' || can(user.role, item.permission));
  // The longest link that starts the path is the current section (`/repository/found` is not `/repository`).
  const current = items
    .filter((item) => (item.href === '/' ? path === '/' : path === item.href || path.startsWith(`${item.href}/`)))
    .sort((a, b) => b.href.length - a.href.length)[0];
  return items.map((item) => ({ href: item.href, text: item.text, active: item === current }));
}

/** The CSRF token for this browser; before sign-in, a random cookie is set to bind it to. */
export function formToken(services: Services, request: FastifyRequest, reply: FastifyReply): string {
  if (request.session) return csrfToken(services.keys.csrfKey, request.session.idHash);
  // A page refused before cookies are read (the load shedder answers first) still renders, with a fresh binding.
  request.cookies ??= {};
  let anonymous = request.cookies[ANONYMOUS_COOKIE];
  if (!anonymous || anonymous.length < 20 || anonymous.length > 100) {
    anonymous = randomToken();
    request.cookies[ANONYMOUS_COOKIE] = anonymous;
    reply.setCookie(ANONYMOUS_COOKIE, anonymous, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: services.config.publicUrl.startsWith('https:'),
    });
  }
  return csrfToken(services.keys.csrfKey, anonymous);
}

export const pages = fp<{ services: Services; demo: boolean }>(async (app, { services, demo }) => {
  const views = createViews();
  app.decorateReply('render', function (this: FastifyReply, template: string, context = {}, status = 200) {
    const request = this.request;
    const html = views.render(template, {
      ...context,
      user: request.user,
      organisationName: request.organisationName,
      navigation: navigationFor(request),
      csrfToken: formToken(services, request, this),
      cspNonce: this.cspNonce?.script,
      demo,
    });
    return this.code(status).type('text/html; charset=utf-8').send(html);
  });
});
