/**
 * Anchors of the audit trail. The hash chain shows that no row was altered, removed from the middle or re-ordered,
 * but a chain whose last rows were deleted is still a valid chain: only a copy of the head kept somewhere the
 * database's users cannot reach shows that rows once came after it. An anchor is that copy: the head's sequence
 * number and hash, printed by `s2s audit anchor` and written by the service to an external sink at intervals.
 */
import type { Db } from '../database.js';
import { GENESIS, verifyAuditChain } from './record-audit.js';

export interface AuditAnchor {
  seq: number;
  hash: string;
  /** When the anchor was taken; informative only (the chain proves nothing about wall-clock time). */
  at?: string;
}

export async function takeAnchor(db: Db, now: Date): Promise<AuditAnchor> {
  const head = await db
    .selectFrom('audit_events')
    .select(['seq', 'hash'])
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return { seq: head?.seq ?? 0, hash: head?.hash ?? GENESIS, at: now.toISOString() };
}

/** One line, so that a sink may simply append anchors and the last line is the newest. */
export function formatAnchor(anchor: AuditAnchor): string {
  return `s2s-audit-anchor seq=${anchor.seq} hash=${anchor.hash}${anchor.at ? ` at=${anchor.at}` : ''}`;
}

export class AnchorFormatError extends Error {}

/**
 * Reads an anchor from a line `formatAnchor` wrote, from the short form `SEQ:HASH`, or from a whole sink file
 * (its last anchor line counts).
 */
export function parseAnchor(text: string): AuditAnchor {
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  const last = lines.at(-1);
  if (last === undefined) throw new AnchorFormatError('The anchor is empty.');
  const long = /seq=(\d+) hash=([0-9a-f]{64})(?: at=(\S+))?/.exec(last);
  if (long) return { seq: Number(long[1]), hash: long[2]!, ...(long[3] ? { at: long[3] } : {}) };
  const short = /^(\d+):([0-9a-f]{64})$/.exec(last);
  if (short) return { seq: Number(short[1]), hash: short[2]! };
  throw new AnchorFormatError(
    'The anchor is not one s2s wrote: expected "s2s-audit-anchor seq=N hash=<64 hex characters>" or "N:<64 hex characters>".',
  );
}

export interface AnchorReport {
  ok: boolean;
  checked: number;
  headSeq: number;
  headHash: string;
  problem?: string;
}

/**
 * The chain must be intact and must still hold the anchored row with the anchored hash: fewer rows means its tail
 * was cut off; another hash at that position means the tail was cut off and the chain then grew again over it.
 */
export async function verifyAgainstAnchor(db: Db, auditKey: Buffer, anchor: AuditAnchor): Promise<AnchorReport> {
  const chain = await verifyAuditChain(db, auditKey);
  const base = { checked: chain.checked, headSeq: chain.checked, headHash: chain.headHash };
  if (!chain.ok) {
    return {
      ok: false,
      ...base,
      problem: `the chain is broken at row ${chain.firstBad!.seq}: ${chain.firstBad!.reason}`,
    };
  }
  const taken = anchor.at ? ` (anchor taken ${anchor.at})` : '';
  if (chain.checked < anchor.seq) {
    const missing = chain.checked + 1 === anchor.seq ? `row ${anchor.seq}` : `rows ${chain.checked + 1}–${anchor.seq}`;
    return {
      ok: false,
      ...base,
      problem: `the chain ends at row ${chain.checked} but the anchor records row ${anchor.seq}${taken}: ${missing} missing, the trail's tail was removed`,
    };
  }
  if (anchor.seq === 0) return anchor.hash === GENESIS ? { ok: true, ...base } : mismatch();
  const row = await db.selectFrom('audit_events').select('hash').where('seq', '=', anchor.seq).executeTakeFirst();
  return row?.hash === anchor.hash ? { ok: true, ...base } : mismatch();

  function mismatch(): AnchorReport {
    return {
      ok: false,
      ...base,
      problem: `row ${anchor.seq} is not the row the anchor records${taken}: rows up to ${anchor.seq} were replaced, the trail's tail was removed and the chain grew again over it`,
    };
  }
}
