/**
 * A @fastify/rate-limit store that keeps counters in PostgreSQL, so that every node behind the load balancer
 * counts the same requests. One upsert per counted request; only routes that opt in are counted.
 */
import { sql } from 'kysely';
import type { Db } from './database.js';

type Callback = (error: Error | null, result?: { current: number; ttl: number }) => void;

export function postgresRateLimitStore(db: Db, now: () => Date) {
  class PostgresStore {
    private prefix = 'global';

    withPrefix(prefix: string) {
      this.prefix = prefix;
      return this;
    }

    incr(key: string, callback: Callback, timeWindow: number) {
      const at = now();
      const id = `${this.prefix}:${key}`.slice(0, 300);
      const expired = sql<boolean>`rate_limits.window_start + (${timeWindow} * interval '1 millisecond') <= ${at}`;
      db.insertInto('rate_limits')
        .values({ key: id, window_start: at, count: 1 })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet({
            count: sql`CASE WHEN ${expired} THEN 1 ELSE rate_limits.count + 1 END`,
            window_start: sql`CASE WHEN ${expired} THEN ${at}::timestamptz ELSE rate_limits.window_start END`,
          }),
        )
        .returning(['count', 'window_start'])
        .executeTakeFirstOrThrow()
        .then((row) => {
          const ttl = Math.max(0, new Date(row.window_start).getTime() + timeWindow - at.getTime());
          callback(null, { current: row.count, ttl });
        })
        .catch((error: Error) => callback(error));
    }

    // Each limited route counts separately: the plugin passes the route as `routeInfo`.
    child(options: object) {
      const route = (options as { routeInfo?: { url?: string; method?: unknown } }).routeInfo;
      return new PostgresStore().withPrefix(`${String(route?.method ?? '')} ${route?.url ?? ''}`);
    }
  }
  return PostgresStore;
}

export async function purgeRateLimits(db: Db, before: Date): Promise<void> {
  await db.deleteFrom('rate_limits').where('window_start', '<', before).execute();
}
