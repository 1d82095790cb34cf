/** Accounts, sign-in, two-factor and API tokens. */
import type { Capability } from '../platform/capability.js';
import { identityRoutes } from './routes.js';
import { purgeExpiredSessions } from './sessions.js';

export const identity: Capability = {
  name: 'identity',
  routes: [identityRoutes],
  navigation: [
    { href: '/users', text: 'Users', permission: 'users:manage' },
    { href: '/account/api-tokens', text: 'API tokens', permission: 'account:tokens' },
  ],
  homeTiles: [
    {
      href: '/users',
      title: 'Manage users',
      text: (user) =>
        user.role === 'la-admin'
          ? 'Add and look after accounts for your local authority and its schools.'
          : 'Add and look after local authority administrators.',
      permission: 'users:manage',
    },
    {
      href: '/account/api-tokens',
      title: 'API tokens',
      text: 'Let your management information system (MIS) send and collect files for you.',
      permission: 'account:tokens',
    },
  ],
  housekeeping: [
    {
      name: 'end expired sessions',
      run: async (services, now) => ({
        sessions: await purgeExpiredSessions(services.db, now, {
          idleMinutes: services.config.sessionIdleMinutes,
          maxHours: services.config.sessionMaxHours,
        }),
      }),
      purged: { sessions: 'sessions' },
    },
  ],
};
