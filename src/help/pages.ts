/** Help and contact, accessibility, privacy and cookies: public pages, readable before signing in. */
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../platform/services.js';

export const helpPages: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const config = services.config;
  const page = (url: string, template: string, title: string, context: () => Record<string, unknown> = () => ({})) =>
    app.get(url, { config: { access: 'public' } }, async (_request, reply) =>
      reply.render(`help/views/${template}`, { title, ...context() }),
    );

  page('/help', 'help.njk', 'Help and contact', () => ({ supportEmail: config.supportEmail }));
  page('/accessibility-statement', 'accessibility.njk', 'Accessibility statement', () => ({
    supportEmail: config.supportEmail,
  }));
  page('/privacy', 'privacy.njk', 'Privacy notice', () => ({
    uncollectedDays: config.retentionUncollectedDays,
    collectedDays: config.retentionCollectedDays,
    repositoryDays: config.repositoryRetentionDays,
    jobDays: config.jobRetentionDays,
    supportEmail: config.supportEmail,
  }));
  page('/cookies', 'cookies.njk', 'Cookies', () => ({
    idleMinutes: config.sessionIdleMinutes,
    maxHours: config.sessionMaxHours,
  }));
};
