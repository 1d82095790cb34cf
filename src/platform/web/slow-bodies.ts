/**
 * Disconnects a request whose body arrives slower than a minimum rate, so connections that trickle a body at a byte a
 * second cannot hold a process's upload slots (or its memory) for hours. It watches the socket's byte count once a
 * second and adds nothing to the body stream itself, so parsers read exactly as before. A second in which s2s was not
 * reading the body does not count against the sender: the rate is judged over the seconds the service was ready to
 * read.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';

export interface SlowBodyLimits {
  minBytesPerSecond: number;
  windowSeconds: number;
  /** Each disconnection, for counting. */
  onDisconnected?: () => void;
}

const withBody = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function disconnectSlowBodies(app: FastifyInstance, limits: SlowBodyLimits): void {
  app.addHook('onRequest', async (request) => {
    if (!withBody.has(request.method) || request.raw.complete) return;
    watchBody(request, limits);
  });
}

function watchBody(
  request: FastifyRequest,
  { minBytesPerSecond, windowSeconds, onDisconnected }: SlowBodyLimits,
): void {
  const raw = request.raw;
  const socket = raw.socket;
  let readingSeconds = 0;
  let bytesWhileReading = 0;
  let lastBytes = socket.bytesRead;
  const timer = setInterval(() => {
    const bytes = socket.bytesRead;
    const arrived = bytes - lastBytes;
    lastBytes = bytes;
    if (raw.complete || socket.destroyed) return stop();
    // Only seconds in which s2s was reading count: before a parser attaches, or while it holds the sender back
    // because it is busy with what it has read, the socket stops on s2s's account, not the sender's.
    if (raw.readableFlowing !== true) return;
    readingSeconds += 1;
    bytesWhileReading += arrived;
    if (readingSeconds < windowSeconds) return;
    if (bytesWhileReading < minBytesPerSecond * readingSeconds) {
      request.log.warn(
        { reqId: request.id, userId: request.user?.id, bytesPerSecond: Math.round(bytesWhileReading / readingSeconds) },
        'request body arriving too slowly: disconnected',
      );
      stop();
      socket.destroy();
      onDisconnected?.();
      return;
    }
    // A fresh window: a sender that was fast once may not trickle the rest.
    readingSeconds = 0;
    bytesWhileReading = 0;
  }, 1000);
  timer.unref();
  const stop = () => clearInterval(timer);
  raw.once('end', stop);
  raw.once('close', stop);
}
