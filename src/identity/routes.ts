/**
 * Identity pages and API: sign-in with two-factor, account set-up links, sign-out, user management within an
 * administrator's reach, and the user's own API tokens. Handlers parse input, call one service, render.
 */
import { askAreYouSure, isConfirmed } from '../platform/web/are-you-sure.js';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Services } from '../platform/services.js';
import { changeAccount, completeSetup, createUser, findSetupToken, listUsersInReach, userInReach } from './accounts.js';
import { AccountError, auditActor, type User } from '../platform/user.js';
import { createApiToken, listApiTokens, revokeApiToken } from './api-tokens.js';
import { THROTTLE_WINDOW_MINUTES } from './sign-in-throttle.js';
import { SESSION_COOKIE } from './authenticate.js';
import { manageableRoles, roleNames } from '../platform/permissions.js';
import { organisationNames } from '../establishments/public.js';
import { safeNextPage, withNextPage } from './next-page.js';
import { endSession, startSession } from './sessions.js';
import {
  checkPassword,
  checkTwoFactor,
  confirmEnrolment,
  openPendingEnrolment,
  pendingEnrolment,
  type CodeOutcome,
  type PasswordOutcome,
} from './sign-in.js';
import { totpQrSvg, totpUri } from './two-factor.js';
import { ANONYMOUS_COOKIE } from '../platform/web/csrf.js';
import type { Role } from '../platform/schema.js';
import { orgKinds, roles } from '../platform/vocabulary.js';
import { apiRoute, idField } from '../platform/web/api-route.js';

type FormErrors = Array<{ text: string; href: string }>;

const signInLimit = { rateLimit: { max: 30, timeWindow: 60_000 } };

function field(body: unknown, name: string): string {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
}

// One fixed wording, whatever the email and however far into the window: it must tell nothing about accounts.
function blockedMessage(outcome: PasswordOutcome | CodeOutcome): string | undefined {
  if (outcome.outcome === 'throttled') {
    return `Too many attempts to sign in from here. Wait up to ${THROTTLE_WINDOW_MINUTES} minutes, then try again.`;
  }
  return undefined;
}

export const identityRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const secure = services.config.publicUrl.startsWith('https:');

  async function beginSession(
    request: FastifyRequest,
    reply: FastifyReply,
    user: User,
    stage: 'two-factor' | 'enrol' | 'active',
    pending: Buffer | null = null,
  ) {
    // A new id at every step: an id known before sign-in is never promoted.
    if (request.session) await endSession(services.db, request.session.idHash);
    const id = await startSession(services.db, services.now(), user.id, stage, request.ip, pending);
    reply.setCookie(SESSION_COOKIE, id, { path: '/', httpOnly: true, sameSite: 'lax', secure });
    reply.clearCookie(ANONYMOUS_COOKIE, { path: '/' });
  }

  // The session timeout warning's "Stay signed in": the request itself renews the session (authenticate).
  app.get('/session/alive', { config: { access: 'signed-in' } }, async (_request, reply) => reply.code(204).send());

  // --- Sign in -------------------------------------------------------------------------------------------
  const nextFrom = (request: FastifyRequest) =>
    safeNextPage((request.query as Record<string, unknown> | undefined)?.next ?? field(request.body, 'next'));

  app.get('/sign-in', { config: { access: 'public' } }, async (request, reply) => {
    const next = nextFrom(request);
    if (request.user) return reply.redirect(next ?? '/', 303);
    return reply.render('identity/views/sign-in.njk', { title: 'Sign in', next });
  });

  app.post('/sign-in', { config: { access: 'public', ...signInLimit } }, async (request, reply) => {
    const email = field(request.body, 'email').trim();
    const password = field(request.body, 'password');
    const next = nextFrom(request);
    const errors: FormErrors = [];
    if (!email) errors.push({ text: 'Enter your email address', href: '#email' });
    if (!password) errors.push({ text: 'Enter your password', href: '#password' });
    if (errors.length === 0) {
      const outcome = await checkPassword(services, email, password, request.ip);
      if (outcome.outcome === 'ok') {
        if (outcome.next === 'enrol') {
          const pending = pendingEnrolment(services, outcome.user.id);
          await beginSession(request, reply, outcome.user, 'enrol', pending.sealed);
          return reply.redirect(withNextPage('/two-factor/set-up', next), 303);
        }
        await beginSession(request, reply, outcome.user, 'two-factor');
        return reply.redirect(withNextPage('/sign-in/two-factor', next), 303);
      }
      errors.push({ text: blockedMessage(outcome) ?? 'Enter a correct email address and password', href: '#email' });
    }
    return reply.render('identity/views/sign-in.njk', { title: 'Sign in', errors, email, next }, 400);
  });

  app.get('/sign-in/two-factor', { config: { access: 'public', signInStage: 'two-factor' } }, async (request, reply) =>
    reply.render('identity/views/two-factor.njk', { title: 'Enter your security code', next: nextFrom(request) }),
  );

  app.post(
    '/sign-in/two-factor',
    { config: { access: 'public', signInStage: 'two-factor', ...signInLimit } },
    async (request, reply) => {
      const code = field(request.body, 'code');
      const outcome = await checkTwoFactor(services, request.session!.userId, code, request.ip);
      const next = nextFrom(request);
      if (outcome.outcome === 'ok') {
        await beginSession(request, reply, outcome.user, 'active');
        return reply.redirect(next ?? '/', 303);
      }
      const errors = [
        { text: blockedMessage(outcome) ?? 'Enter the 6-digit code shown in your authenticator app', href: '#code' },
      ];
      return reply.render('identity/views/two-factor.njk', { title: 'Enter your security code', errors, next }, 400);
    },
  );

  async function enrolPage(request: FastifyRequest, reply: FastifyReply, errors: FormErrors = [], status = 200) {
    const session = request.session!;
    const user = await services.db
      .selectFrom('users')
      .select('email')
      .where('id', '=', session.userId)
      .executeTakeFirstOrThrow();
    const secret = openPendingEnrolment(services, session.userId, session.pendingTotpSecret!);
    const uri = totpUri(secret, user.email);
    return reply.render(
      'identity/views/enrol.njk',
      {
        title: 'Set up two-factor authentication',
        qrSvg: await totpQrSvg(uri),
        secret: secret.replace(/(.{4})/g, '$1 ').trim(),
        errors,
        next: nextFrom(request),
      },
      status,
    );
  }

  app.get('/two-factor/set-up', { config: { access: 'public', signInStage: 'enrol' } }, (request, reply) =>
    enrolPage(request, reply),
  );

  app.post(
    '/two-factor/set-up',
    { config: { access: 'public', signInStage: 'enrol', ...signInLimit } },
    async (request, reply) => {
      const session = request.session!;
      const outcome = await confirmEnrolment(
        services,
        session.userId,
        session.pendingTotpSecret!,
        field(request.body, 'code'),
        request.ip,
      );
      if (outcome.outcome === 'ok') {
        await beginSession(request, reply, outcome.user, 'active');
        return reply.redirect(nextFrom(request) ?? '/', 303);
      }
      return enrolPage(
        request,
        reply,
        [{ text: blockedMessage(outcome) ?? 'Enter the 6-digit code shown in your authenticator app', href: '#code' }],
        400,
      );
    },
  );

  app.post('/sign-out', { config: { access: 'signed-in' } }, async (request, reply) => {
    await endSession(services.db, request.session!.idHash);
    await services.audit({ action: 'sign-out', actor: auditActor(request.user!), sourceIp: request.ip });
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect('/signed-out', 303);
  });

  app.get('/signed-out', { config: { access: 'public' } }, async (_request, reply) =>
    reply.render('platform/views/error.njk', {
      title: 'You have signed out',
      paragraphs: ['Close the browser if you are on a shared computer.'],
      link: { href: '/sign-in', text: 'Sign in again' },
    }),
  );

  // --- Account set-up from a one-time link ---------------------------------------------------------------
  app.get<{ Params: { token: string } }>('/set-up/:token', { config: { access: 'public' } }, async (request, reply) => {
    const user = await findSetupToken(services, request.params.token);
    if (!user) return setupExpired(reply);
    return reply.render('identity/views/set-up.njk', {
      title: 'Create your password',
      email: user.email,
      token: request.params.token,
    });
  });

  app.post<{ Params: { token: string } }>(
    '/set-up/:token',
    { config: { access: 'public', ...signInLimit } },
    async (request, reply) => {
      try {
        await completeSetup(
          services,
          request.params.token,
          field(request.body, 'password'),
          field(request.body, 'confirm'),
          request.ip,
        );
        return reply.render('platform/views/error.njk', {
          title: 'Your password is set',
          paragraphs: [
            'Sign in now. You will set up two-factor authentication with an authenticator app on your phone.',
          ],
          link: { href: '/sign-in', text: 'Sign in' },
        });
      } catch (error) {
        if (!(error instanceof AccountError)) throw error;
        if (error.code === 'SETUP_LINK_INVALID') return setupExpired(reply);
        const user = await findSetupToken(services, request.params.token);
        return reply.render(
          'identity/views/set-up.njk',
          {
            title: 'Create your password',
            email: user?.email,
            token: request.params.token,
            errors: [{ text: error.message, href: `#${error.field ?? 'password'}` }],
          },
          400,
        );
      }
    },
  );

  function setupExpired(reply: FastifyReply) {
    return reply.render(
      'platform/views/error.njk',
      {
        title: 'This link has expired or has already been used',
        paragraphs: ['Set-up links work once and for 7 days. Ask your s2s administrator to send you a new one.'],
      },
      404,
    );
  }

  // --- Users (administrators) ----------------------------------------------------------------------------
  app.get('/users', { config: { access: 'users:manage' } }, async (request, reply) => {
    const users = await listUsersInReach(services.db, request.user!);
    const orgNames = Object.fromEntries(
      await organisationNames(
        services.db,
        users.map((u) => u.orgCode),
      ),
    );
    return reply.render('identity/views/users.njk', { title: 'Users', users, roleNames, orgNames });
  });

  function newUserForm(
    request: FastifyRequest,
    reply: FastifyReply,
    values: Record<string, string> = {},
    errors: FormErrors = [],
    status = 200,
  ) {
    const manager = request.user!;
    const roles = manageableRoles[manager.role].map((role) => ({
      value: role,
      text: roleNames[role],
      checked: values.role === role,
    }));
    return reply.render(
      'identity/views/user-new.njk',
      { title: 'Add a user', roles, values, errors, laCode: manager.laCode, backLink: '/users' },
      status,
    );
  }

  app.get('/users/new', { config: { access: 'users:manage' } }, (request, reply) => newUserForm(request, reply));

  const newUserSchema = z.object({
    name: z.string().max(200).default(''),
    email: z.string().max(254).default(''),
    role: z.string().max(20).default(''),
    org: z.string().max(20).default(''),
  });

  app.post('/users/new', { config: { access: 'users:manage' } }, async (request, reply) => {
    const parsed = newUserSchema.safeParse(request.body ?? {});
    const values = parsed.success ? parsed.data : { name: '', email: '', role: '', org: '' };
    const manager = request.user!;
    if (!(manageableRoles[manager.role] as readonly string[]).includes(values.role)) {
      return newUserForm(request, reply, values, [{ text: 'Select the user’s role', href: '#role' }], 400);
    }
    try {
      const created = await createUser(services, { ...values, role: values.role as Role }, manager, request.ip);
      return reply.render('identity/views/user-created.njk', {
        title: 'User added',
        created: created.user,
        setupLink: created.setupLink,
      });
    } catch (error) {
      if (!(error instanceof AccountError)) throw error;
      return newUserForm(request, reply, values, [{ text: error.message, href: `#${error.field ?? 'email'}` }], 400);
    }
  });

  app.get<{ Params: { id: string } }>('/users/:id', { config: { access: 'users:manage' } }, async (request, reply) => {
    const target = await userInReach(services.db, request.user!, request.params.id);
    if (!target) return reply.callNotFound();
    return reply.render('identity/views/user.njk', {
      title: target.name,
      target,
      organisation: (await organisationNames(services.db, [target.orgCode])).get(target.orgCode) ?? null,
      roleNames,
      tokens: await listApiTokens(services.db, target.id),
      backLink: '/users',
      now: services.now(),
    });
  });

  app.post<{ Params: { id: string; tokenId: string } }>(
    '/users/:id/api-tokens/:tokenId/revoke',
    { config: { access: 'users:manage' } },
    async (request, reply) => {
      const target = await userInReach(services.db, request.user!, request.params.id);
      if (!target) return reply.callNotFound();
      const revoked = await revokeApiToken(services, target, request.params.tokenId, request.ip, request.user!);
      if (!revoked) return reply.callNotFound();
      return reply
        .confirm('The API token is revoked: it no longer works.')
        .redirect(`/users/${target.id}#api-tokens`, 303);
    },
  );

  const changes = ['disable', 'enable', 'reset-two-factor', 'reset-password'] as const;
  /** The changes asked about first, with what they do. */
  const questions: Partial<
    Record<(typeof changes)[number], { heading: (name: string) => string; explanation: string; confirm: string }>
  > = {
    disable: {
      heading: (name) => `Are you sure you want to stop ${name} signing in?`,
      explanation: 'Their sessions end now and their API tokens stop working. You can let them sign in again later.',
      confirm: 'Yes, stop them signing in',
    },
    'reset-two-factor': {
      heading: (name) => `Are you sure you want to reset ${name}’s two-factor authentication?`,
      explanation:
        'Their authenticator app stops working for s2s. At their next sign-in they set up two-factor authentication again. Do this only when you have checked who is asking, for example by calling them at school.',
      confirm: 'Yes, reset two-factor authentication',
    },
    'reset-password': {
      heading: (name) => `Are you sure you want to reset ${name}’s password?`,
      explanation:
        'Their password stops working now. You will be given a set-up link to send them; it works once, for 7 days.',
      confirm: 'Yes, reset the password',
    },
  };

  app.post<{ Params: { id: string; change: string }; Body: Record<string, unknown> }>(
    '/users/:id/:change',
    { config: { access: 'users:manage' } },
    async (request, reply) => {
      const change = changes.find((c) => c === request.params.change);
      const target = await userInReach(services.db, request.user!, request.params.id);
      if (!change || !target) return reply.callNotFound();
      const question = questions[change];
      if (question && !isConfirmed(request.body)) {
        return askAreYouSure(reply, {
          heading: question.heading(target.name),
          rows: [
            { key: { text: 'Name' }, value: { text: target.name } },
            { key: { text: 'Email' }, value: { text: target.email } },
          ],
          explanation: [question.explanation],
          action: `/users/${target.id}/${change}`,
          confirm: question.confirm,
          cancel: `/users/${target.id}`,
          destructive: change === 'disable',
        });
      }
      try {
        const result = await changeAccount(services, request.user!, target, change, request.ip);
        const messages: Record<(typeof changes)[number], string> = {
          disable: `${target.name} can no longer sign in.`,
          enable: `${target.name} can sign in again.`,
          'reset-two-factor': `${target.name} will set up two-factor authentication again at their next sign-in.`,
          'reset-password': `Send this new set-up link to ${target.name}. It works once, for 7 days.`,
        };
        return reply.render('identity/views/user-changed.njk', {
          title: 'Account updated',
          message: messages[change],
          setupLink: result.setupLink,
          target,
        });
      } catch (error) {
        if (!(error instanceof AccountError)) throw error;
        return reply.render(
          'identity/views/user.njk',
          {
            title: target.name,
            target,
            organisation: (await organisationNames(services.db, [target.orgCode])).get(target.orgCode) ?? null,
            roleNames,
            tokens: await listApiTokens(services.db, target.id),
            backLink: '/users',
            errors: [{ text: error.message, href: '#actions' }],
          },
          400,
        );
      }
    },
  );

  // --- API tokens ----------------------------------------------------------------------------------------
  app.get('/account/api-tokens', { config: { access: 'account:tokens' } }, async (request, reply) => {
    const tokens = await listApiTokens(services.db, request.user!.id);
    return reply.render('identity/views/api-tokens.njk', { title: 'API tokens', tokens });
  });

  app.post('/account/api-tokens', { config: { access: 'account:tokens' } }, async (request, reply) => {
    try {
      const { token, apiToken } = await createApiToken(
        services,
        request.user!,
        field(request.body, 'label'),
        request.ip,
      );
      return reply.render('identity/views/api-token-created.njk', { title: 'API token created', token, apiToken });
    } catch (error) {
      if (!(error instanceof AccountError)) throw error;
      const tokens = await listApiTokens(services.db, request.user!.id);
      return reply.render(
        'identity/views/api-tokens.njk',
        { title: 'API tokens', tokens, errors: [{ text: error.message, href: '#label' }] },
        400,
      );
    }
  });

  app.post<{ Params: { id: string } }>(
    '/account/api-tokens/:id/revoke',
    { config: { access: 'account:tokens' } },
    async (request, reply) => {
      const revoked = await revokeApiToken(services, request.user!, request.params.id, request.ip);
      if (!revoked) return reply.callNotFound();
      return reply.confirm('The API token is revoked: it no longer works.').redirect('/account/api-tokens', 303);
    },
  );

  // --- API -----------------------------------------------------------------------------------------------
  apiRoute(
    app,
    {
      method: 'GET',
      url: '/api/v1/me',
      access: 'signed-in',
      summary: 'Who this token acts as',
      responses: {
        200: {
          description: 'The token’s user and organisation.',
          body: z.object({
            id: idField,
            email: z.string(),
            name: z.string(),
            role: z.enum(roles),
            organisation: z.object({ kind: z.enum(orgKinds), code: z.string() }),
            laCode: z.string().nullable(),
          }),
        },
      },
    },
    async (request) => {
      const user = request.user!;
      return {
        id: user.id,
        email: user.email,
        name: user.name,
        role: user.role,
        organisation: { kind: user.orgKind, code: user.orgCode },
        laCode: user.laCode,
      };
    },
  );
};
