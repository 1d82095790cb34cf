/**
 * The service keys — the audit chain's, the UPN digests', CSRF's — live in `service_keys`, sealed under the master
 * key, because what they protect must outlive a master key: re-keying the audit chain would be rewriting history,
 * and UPN digests cannot be recomputed without the UPNs they hide. A database without them (new, or from before
 * they were stored) gets the values s2s used to derive from the master key, so nothing made before stops working.
 */
import type { Db } from './database.js';
import { derivedServiceKeys, type KeyRing, type MasterKey, type ServiceKeyValues } from './keys.js';
import type { ServiceKeysTable } from './schema.js';

type Purpose = ServiceKeysTable['purpose'];

const purposes: Record<keyof ServiceKeyValues, Purpose> = {
  csrfKey: 'csrf',
  auditKey: 'audit-chain',
  pupilIndexKey: 'sent-ctf-pupils',
};

export function serviceKeyContext(purpose: Purpose): string {
  return `service-key:${purpose}`;
}

export async function loadServiceKeys(db: Db, ring: KeyRing, current: MasterKey): Promise<ServiceKeyValues> {
  const initial = derivedServiceKeys(current.key);
  const rows = Object.entries(purposes).map(([name, purpose]) => ({
    purpose,
    key_id: ring.currentId,
    sealed: ring.seal(initial[name as keyof ServiceKeyValues], serviceKeyContext(purpose)),
  }));
  // Several nodes may start together on a new database: the first insert wins and everyone reads what it wrote.
  await db
    .insertInto('service_keys')
    .values(rows)
    .onConflict((oc) => oc.column('purpose').doNothing())
    .execute();
  const stored = await db.selectFrom('service_keys').select(['purpose', 'key_id', 'sealed']).execute();
  const byPurpose = new Map(stored.map((row) => [row.purpose, row]));
  const open = (purpose: Purpose) => {
    const row = byPurpose.get(purpose)!;
    return ring.open(row.sealed, serviceKeyContext(purpose), row.key_id);
  };
  return { csrfKey: open('csrf'), auditKey: open('audit-chain'), pupilIndexKey: open('sent-ctf-pupils') };
}

/** Re-seals every service key not yet under the current master key; the keys themselves do not change. */
export async function resealServiceKeys(db: Db, ring: KeyRing): Promise<number> {
  const stale = await db
    .selectFrom('service_keys')
    .select(['purpose', 'key_id', 'sealed'])
    .where('key_id', '<>', ring.currentId)
    .execute();
  for (const row of stale) {
    const value = ring.open(row.sealed, serviceKeyContext(row.purpose), row.key_id);
    await db
      .updateTable('service_keys')
      .set({ key_id: ring.currentId, sealed: ring.seal(value, serviceKeyContext(row.purpose)) })
      .where('purpose', '=', row.purpose)
      .where('sealed', '=', row.sealed)
      .execute();
  }
  return stale.length;
}
