/**
 * `reply.render(template, context, status)`: renders a page inside the GOV.UK layout with what every page needs
 * (the user, the navigation for their role, a CSRF token for forms, the CSP nonce).
 */
import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FooterLink, NavigationEntry } from '../capability.js';
import { can } from '../permissions.js';
import { randomToken } from '../keys.js';
import type { Services } from '../services.js';
import { ANONYMOUS_COOKIE, csrfToken } from './csrf.js';
import { setConfirmation, takeConfirmation } from './confirmation.js';
import { createViews } from './views.js';

declare module 'fastify' {
  interface FastifyReply {
    render(template: string, context?: Record<string, unknown>, status?: number): FastifyReply;
    /** Shows `message` in a success banner on the next page this browser is shown (see confirmation.ts). */
    confirm(message: string): FastifyReply;
  }
}

const API_DOCS: FooterLink = { href: '/api-docs', text: 'API for MIS suppliers' };
const HOME: NavigationEntry = { href: '/', text: 'Home', permission: 'signed-in' };

function navigationFor(request: FastifyRequest, navigationItems: readonly NavigationEntry[]) {
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

/**
 * When a signed-in browser session will end unless it is used: after the idle limit from now (this page's request
 * has just renewed it), or at its absolute limit if that comes first. The page's script warns before either.
 */
function sessionTimeout(services: Services, request: FastifyRequest) {
  const session = request.session;
  if (!request.user || !session || session.stage !== 'active') return undefined;
  const idleSeconds = services.config.sessionIdleMinutes * 60;
  const endsAt = session.createdAt.getTime() + services.config.sessionMaxHours * 3_600_000;
  const maxSecondsLeft = Math.max(0, Math.floor((endsAt - services.now().getTime()) / 1000));
  return { idleSeconds, maxSecondsLeft, warnSeconds: Math.min(120, Math.floor(idleSeconds / 2)) };
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

export const pages = fp<{
  services: Services;
  demo: boolean;
  navigation: readonly NavigationEntry[];
  footer: readonly FooterLink[];
}>(async (app, { services, demo, navigation, footer }) => {
  const views = createViews();
  const navigationItems = [HOME, ...navigation];
  const secure = services.config.publicUrl.startsWith('https:');
  app.decorateReply('confirm', function (this: FastifyReply, message: string) {
    setConfirmation(this, services.keys.csrfKey, secure, message);
    return this;
  });
  app.decorateReply('render', function (this: FastifyReply, template: string, context = {}, status = 200) {
    const request = this.request;
    // A page that refuses a form keeps the message for the page after it.
    const confirmation = status < 300 ? takeConfirmation(request, this, services.keys.csrfKey) : undefined;
    const html = views.render(template, {
      ...context,
      confirmation,
      user: request.user,
      organisationName: request.organisationName,
      navigation: navigationFor(request, navigationItems),
      footerLinks: [...footer, API_DOCS],
      sessionTimeout: sessionTimeout(services, request),
      csrfToken: formToken(services, request, this),
      cspNonce: this.cspNonce?.script,
      demo,
    });
    return this.code(status).type('text/html; charset=utf-8').send(html);
  });
});
