/** The audit trail page for administrators. */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { Services } from '../platform/services.js';
import { organisationNames } from '../establishments/public.js';
import { actionWords, targetLink } from './action-words.js';
import { AUDIT_PAGE, auditActions, readAuditTrail } from './audit-trail.js';
import { childrenOfRows } from './target-children.js';

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((v) => !Number.isNaN(Date.parse(v)));

const filterSchema = z.object({
  action: z
    .string()
    .max(60)
    .regex(/^[a-z.-]*$/)
    .optional(),
  email: z.string().max(254).optional(),
  from: z.union([isoDate, z.literal('')]).optional(),
  to: z.union([isoDate, z.literal('')]).optional(),
  before: z
    .string()
    .regex(/^\d{1,15}$/)
    .optional(),
});

export const auditRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.get<{ Querystring: Record<string, string> }>(
    '/audit',
    // An LA administrator reads the names of the children the rows are about.
    { config: { access: 'audit:view', pupilData: true } },
    async (request, reply) => {
      const parsed = filterSchema.safeParse(request.query);
      const errors = parsed.success
        ? []
        : parsed.error.issues.map((issue) => ({
            text: `Check the ${String(issue.path[0])} filter: ${issue.message}`,
            href: `#${String(issue.path[0])}`,
          }));
      const filter = parsed.success ? parsed.data : {};
      const events = await readAuditTrail(services.db, request.user!, {
        action: filter.action || undefined,
        email: filter.email?.trim() || undefined,
        from: filter.from || undefined,
        to: filter.to || undefined,
        before: filter.before ? Number(filter.before) : undefined,
      });
      const next = events.length === AUDIT_PAGE ? events[events.length - 1]!.seq : undefined;
      const nextQuery = next
        ? new URLSearchParams({
            ...Object.fromEntries(Object.entries(filter).filter(([, v]) => v)),
            before: String(next),
          }).toString()
        : undefined;
      const orgNames = Object.fromEntries(
        await organisationNames(
          services.db,
          events.map((e) => e.org_code),
        ),
      );
      const user = request.user!;
      const children = user.role === 'la-admin' ? await childrenOfRows(services.db, events) : {};
      return reply.render('audit/views/audit.njk', {
        title: 'Audit trail',
        events: events.map((e) => {
          const details = (typeof e.details === 'object' && e.details !== null ? e.details : {}) as Record<
            string,
            unknown
          >;
          return {
            ...e,
            words: actionWords(e.action),
            reason: typeof details.reason === 'string' ? details.reason : null,
            child: e.target_kind && e.target_id ? (children[`${e.target_kind}:${e.target_id}`] ?? null) : null,
            link: targetLink(e.target_kind, e.target_id),
          };
        }),
        orgNames,
        filter,
        actions: (await auditActions(services.db)).map((a) => ({
          value: a,
          text: actionWords(a),
          selected: a === filter.action,
        })),
        errors,
        nextQuery,
        scope: request.user!.role === 'la-admin' ? 'your local authority and its schools' : 'every organisation',
      });
    },
  );
};
