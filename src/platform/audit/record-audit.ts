/**
 * The audit trail: an append-only, hash-chained log. Each row's hash is an HMAC (keyed from the master key) over
 * the previous row's hash and the row's own fields, so altering, removing or re-ordering rows breaks the chain,
 * and nobody without the key can forge a consistent replacement. Appends take a transaction-scoped advisory
 * lock so that several nodes writing at once still produce one chain.
 */
import crypto from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../database.js';

export interface AuditActor {
  userId: string;
  email: string;
  role: string;
  orgKind: string;
  orgCode: string;
  laCode: string | null;
}

export interface AuditEvent {
  action: string;
  outcome?: 'success' | 'failure' | 'denied';
  actor?: AuditActor | null;
  /** The LA whose trail shows this event; defaults to the actor's LA. */
  laCode?: string | null;
  target?: { kind: string; id: string } | null;
  sourceIp?: string | null;
  details?: Record<string, unknown>;
}

export type RecordAudit = (event: AuditEvent) => Promise<void>;

export const GENESIS = '0'.repeat(64);
const AUDIT_LOCK = 7_243_001;

interface ChainFields {
  seq: number;
  at: Date;
  actor_user_id: string | null;
  actor_email: string | null;
  actor_role: string | null;
  org_kind: string | null;
  org_code: string | null;
  la_code: string | null;
  action: string;
  outcome: string;
  target_kind: string | null;
  target_id: string | null;
  source_ip: string | null;
  details: Record<string, unknown>;
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

export function chainHash(key: Buffer, prevHash: string, row: ChainFields): string {
  const fields = [
    row.seq,
    new Date(row.at).toISOString(),
    row.actor_user_id,
    row.actor_email,
    row.actor_role,
    row.org_kind,
    row.org_code,
    row.la_code,
    row.action,
    row.outcome,
    row.target_kind,
    row.target_id,
    row.source_ip,
    canonical(row.details),
  ];
  return crypto.createHmac('sha256', key).update(prevHash).update(JSON.stringify(fields)).digest('hex');
}

/**
 * Appends are grouped: events that arrive while a write is in flight go together in the next transaction (one
 * lock, one read of the chain's head, one multi-row insert), so the chain's single lock does not make every
 * request wait its turn. Each caller's promise settles only once its own row is committed.
 */
export function auditRecorder(db: Db, auditKey: Buffer, now: () => Date): RecordAudit {
  const pending: Array<{ event: AuditEvent; at: Date; resolve: () => void; reject: (error: unknown) => void }> = [];
  let flushing: Promise<void> | null = null;

  async function flush(): Promise<void> {
    while (pending.length > 0) {
      const batch = pending.splice(0, 500);
      try {
        await db.transaction().execute(async (trx) => {
          await sql`SELECT pg_advisory_xact_lock(${AUDIT_LOCK})`.execute(trx);
          const last = await trx
            .selectFrom('audit_events')
            .select(['seq', 'hash'])
            .orderBy('seq', 'desc')
            .limit(1)
            .executeTakeFirst();
          let seq = last?.seq ?? 0;
          let prevHash = last?.hash ?? GENESIS;
          const rows = batch.map(({ event, at }) => {
            const actor = event.actor ?? null;
            const row: ChainFields = {
              seq: ++seq,
              at,
              actor_user_id: actor?.userId ?? null,
              actor_email: actor?.email ?? null,
              actor_role: actor?.role ?? null,
              org_kind: actor?.orgKind ?? null,
              org_code: actor?.orgCode ?? null,
              la_code: event.laCode !== undefined ? event.laCode : (actor?.laCode ?? null),
              action: event.action,
              outcome: event.outcome ?? 'success',
              target_kind: event.target?.kind ?? null,
              target_id: event.target?.id ?? null,
              source_ip: event.sourceIp ?? null,
              details: event.details ?? {},
            };
            const hash = chainHash(auditKey, prevHash, row);
            const stored = {
              ...row,
              outcome: row.outcome as 'success' | 'failure' | 'denied',
              details: JSON.stringify(row.details),
              prev_hash: prevHash,
              hash,
            };
            prevHash = hash;
            return stored;
          });
          await trx.insertInto('audit_events').values(rows).execute();
        });
        for (const item of batch) item.resolve();
      } catch (error) {
        for (const item of batch) item.reject(error);
      }
    }
  }

  function start(): void {
    if (flushing) return;
    // An event that arrives after the loop's last check but before this settles starts the next round.
    flushing = flush().finally(() => {
      flushing = null;
      if (pending.length > 0) start();
    });
  }

  return (event) =>
    new Promise<void>((resolve, reject) => {
      pending.push({ event, at: now(), resolve, reject });
      start();
    });
}

export interface ChainReport {
  ok: boolean;
  checked: number;
  headHash: string;
  firstBad?: { seq: number; reason: string };
}

/** Walks the whole chain in pages, so that verifying millions of rows needs little memory. */
export async function verifyAuditChain(db: Db, auditKey: Buffer): Promise<ChainReport> {
  let expectedSeq = 1;
  let prevHash = GENESIS;
  let checked = 0;
  const page = 5000;
  for (;;) {
    const rows = await db
      .selectFrom('audit_events')
      .selectAll()
      .where('seq', '>=', expectedSeq)
      .orderBy('seq')
      .limit(page)
      .execute();
    for (const row of rows) {
      if (row.seq !== expectedSeq) {
        return {
          ok: false,
          checked,
          headHash: prevHash,
          firstBad: { seq: expectedSeq, reason: `row ${expectedSeq} is missing (next row is ${row.seq})` },
        };
      }
      if (row.prev_hash !== prevHash) {
        return {
          ok: false,
          checked,
          headHash: prevHash,
          firstBad: { seq: row.seq, reason: `row ${row.seq} does not follow row ${row.seq - 1}` },
        };
      }
      if (chainHash(auditKey, prevHash, { ...row, details: row.details }) !== row.hash) {
        return {
          ok: false,
          checked,
          headHash: prevHash,
          firstBad: { seq: row.seq, reason: `row ${row.seq} was altered after it was written` },
        };
      }
      prevHash = row.hash;
      expectedSeq++;
      checked++;
    }
    if (rows.length < page) break;
  }
  return { ok: true, checked, headHash: prevHash };
}
