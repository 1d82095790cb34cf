/**
 * Periodic tidying that any node may run at any time: expired sessions and stale rate-limit counters are
 * deleted. Each step is an idempotent DELETE, so nodes running it at once do no harm.
 */
import { purgeExpiredSessions } from '../identity/sessions.js';
import { purgeRateLimits } from './rate-limit-store.js';
import type { Services } from './services.js';

export async function housekeeping(services: Services): Promise<{ sessions: number }> {
  const now = services.now();
  const sessions = await purgeExpiredSessions(services.db, now, {
    idleMinutes: services.config.sessionIdleMinutes,
    maxHours: services.config.sessionMaxHours,
  });
  await purgeRateLimits(services.db, new Date(now.getTime() - 60 * 60_000));
  return { sessions };
}

/** Runs housekeeping every `minutes` until stopped; failures are logged, never fatal. */
export function scheduleHousekeeping(services: Services, onError: (error: unknown) => void, minutes = 10): () => void {
  const timer = setInterval(() => {
    housekeeping(services).catch(onError);
  }, minutes * 60_000);
  timer.unref();
  return () => clearInterval(timer);
}
