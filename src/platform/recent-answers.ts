/**
 * Answers a process keeps for a short while so that it need not ask the database again on every request: kept per
 * database (tests and benchmarks run several in one process), each for `ttlMs`, and never more than `max` per
 * database, the oldest going first.
 */
import type { Db } from './database.js';

export interface RecentAnswers<T> {
  get(db: Db, key: string): T | undefined;
  set(db: Db, key: string, value: T): void;
  /** Forgets every answer `matches` picks, at once, on this process. */
  forget(db: Db, matches: (value: T) => boolean): void;
}

export function recentAnswers<T>(ttlMs: number, max: number): RecentAnswers<T> {
  const stores = new WeakMap<Db, Map<string, { value: T; until: number }>>();
  const storeFor = (db: Db) => {
    let store = stores.get(db);
    if (!store) {
      store = new Map();
      stores.set(db, store);
    }
    return store;
  };
  return {
    get(db, key) {
      const store = storeFor(db);
      const kept = store.get(key);
      if (kept && kept.until > Date.now()) return kept.value;
      store.delete(key);
      return undefined;
    },
    set(db, key, value) {
      const store = storeFor(db);
      if (store.size >= max) store.delete(store.keys().next().value!);
      store.set(key, { value, until: Date.now() + ttlMs });
    },
    forget(db, matches) {
      const store = storeFor(db);
      for (const [key, kept] of store) if (matches(kept.value)) store.delete(key);
    },
  };
}
