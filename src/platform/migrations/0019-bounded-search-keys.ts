/**
 * Search keys hold sound codes of at most a bounded length (`maxSoundCodeLength`), so that no name can make a key
 * too large for its index. Records written before have their keys recomputed when any key is longer than that: a
 * search now cuts its codes the same way, and would miss a record whose key kept the whole code.
 */
import type { Kysely } from 'kysely';
import { maxSearchKeyLength } from './search-keys-at-0019.js';
import { recomputeSearchKeys } from './search-key-backfill.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await recomputeSearchKeys(db, { keysLongerThan: maxSearchKeyLength });
}

export async function down(): Promise<void> {
  // Bounded keys still find every record the whole codes found; there is nothing to put back.
}
