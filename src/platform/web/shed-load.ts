/**
 * When to answer 503 because the node is falling behind. @fastify/under-pressure samples the event-loop delay each
 * second and, when no delay was measured in that second at all (the loop was busy for the whole of it), reads the
 * delay as infinite. That only proves the loop was blocked for about a second — pressure when the threshold is a
 * second or less, not when an operator (or a test on a crowded machine) set it higher.
 */
export const SAMPLE_INTERVAL_MS = 1000;

export function isPressure(type: string, value: number | undefined, maxEventLoopDelayMs: number): boolean {
  if (type === 'eventLoopDelay' && value === Infinity) return maxEventLoopDelayMs <= SAMPLE_INTERVAL_MS;
  return true;
}

export class ServiceBusyError extends Error {
  readonly statusCode = 503;
  readonly code = 'BUSY';
}
