/** Reading the audit trail: an LA admin sees their LA's events, a DfE admin all events; filterable and paged. */
import type { Db } from '../platform/database.js';
import type { User } from '../platform/user.js';

export interface AuditFilter {
  action?: string;
  email?: string;
  from?: string;
  to?: string;
  before?: number;
}

export const AUDIT_PAGE = 50;

export async function readAuditTrail(db: Db, viewer: User, filter: AuditFilter) {
  let query = db
    .selectFrom('audit_events')
    .select([
      'seq',
      'at',
      'actor_email',
      'actor_role',
      'org_code',
      'action',
      'outcome',
      'target_kind',
      'target_id',
      'source_ip',
      'details',
    ]);
  if (viewer.role === 'la-admin') query = query.where('la_code', '=', viewer.laCode);
  else if (viewer.role !== 'dfe-admin') return [];
  if (filter.action) query = query.where('action', '=', filter.action);
  if (filter.email) query = query.where('actor_email', '=', filter.email.toLowerCase());
  if (filter.from) query = query.where('at', '>=', new Date(`${filter.from}T00:00:00Z`));
  if (filter.to) query = query.where('at', '<', new Date(new Date(`${filter.to}T00:00:00Z`).getTime() + 86_400_000));
  if (filter.before) query = query.where('seq', '<', filter.before);
  return query.orderBy('seq', 'desc').limit(AUDIT_PAGE).execute();
}

export async function auditActions(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('audit_events').select('action').distinct().orderBy('action').execute();
  return rows.map((r) => r.action);
}
