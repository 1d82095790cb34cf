/**
 * How idle bulk workers hear that a job was queued, so that they wait for work instead of polling for it. Embedded,
 * every job is queued by the one process that holds the database, so the news travels in-process. On PostgreSQL a
 * job may be queued by any node: the queuing statement is followed by a NOTIFY, and each node keeps one connection
 * of its own LISTENing, reconnecting after an outage. Workers still poll, slowly, so that a lost notification delays
 * a job by one poll and never strands it.
 */
import { EventEmitter } from 'node:events';
import { sql } from 'kysely';
import pg from 'pg';
import { CONNECT_TIMEOUT_MS, type Db } from './database.js';

/** The channel new jobs are announced on. */
export const JOBS_CHANNEL = 's2s_jobs';

export interface JobWakeups {
  /**
   * Says a job was queued over `db`. Inside a transaction, PostgreSQL delivers the notification at its commit, so no
   * node looks for a job it cannot yet see.
   */
  announce(db: Db): Promise<void>;
  /** Calls `listener` at each announcement, and after a lost connection comes back; returns how to stop. */
  listen(listener: () => void): () => void;
}

/** Announcements within this process only: what the embedded database needs, with its single process. */
export function inProcessWakeups(): JobWakeups {
  const news = new EventEmitter();
  news.setMaxListeners(0);
  return {
    async announce() {
      news.emit('job');
    },
    listen(listener) {
      news.on('job', listener);
      return () => news.off('job', listener);
    },
  };
}

export interface ListenerEvents {
  /** The listening connection failed, and is opened again after `retryMs`: once, however many tries fail after. */
  onLost?: (error: unknown, retryMs: number) => void;
  /** It listens again after failing (workers are woken, in case a job was queued meanwhile). */
  onBack?: () => void;
  /** It listens: at first, and after each reconnection. */
  onListening?: () => void;
}

/**
 * Announcements across nodes through PostgreSQL's LISTEN/NOTIFY. The listening connection is opened with the first
 * listener and closed with the last, so a command that starts no workers opens none.
 */
export function postgresWakeups(
  connectionString: string,
  events: ListenerEvents = {},
  retry = { firstMs: 500, longestMs: 10_000 },
): JobWakeups {
  const local = inProcessWakeups();
  const listeners = new Set<() => void>();
  let client: pg.Client | undefined;
  let reconnect: NodeJS.Timeout | undefined;
  let failures = 0;
  const wakeAll = () => listeners.forEach((listener) => listener());

  function connect() {
    reconnect = undefined;
    const connection = new pg.Client({
      connectionString,
      application_name: 's2s job wakeups',
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      keepAlive: true,
    });
    client = connection;
    let lost = false;
    const onLost = (error: unknown) => {
      if (lost || client !== connection) return;
      lost = true;
      client = undefined;
      void connection.end().catch(() => undefined);
      if (listeners.size === 0) return;
      const retryMs = Math.min(retry.firstMs * 2 ** failures, retry.longestMs);
      if (failures++ === 0) events.onLost?.(error, retryMs);
      reconnect = setTimeout(connect, retryMs);
      reconnect.unref();
    };
    connection.on('error', onLost);
    connection.on('end', () => onLost(new Error('Connection terminated')));
    connection.on('notification', (message) => {
      if (message.channel === JOBS_CHANNEL) wakeAll();
    });
    connection
      .connect()
      .then(() => connection.query(`LISTEN ${JOBS_CHANNEL}`))
      .then(() => {
        if (client !== connection) return;
        if (failures > 0) events.onBack?.();
        failures = 0;
        events.onListening?.();
        // A job queued while nobody listened was announced to no one.
        wakeAll();
      })
      .catch(onLost);
  }

  function disconnect() {
    if (reconnect) clearTimeout(reconnect);
    reconnect = undefined;
    const connection = client;
    client = undefined;
    void connection?.end().catch(() => undefined);
  }

  return {
    async announce(db) {
      await sql`SELECT pg_notify(${JOBS_CHANNEL}, '')`.execute(db);
      // This node's own workers need not wait for the notification's round trip.
      await local.announce(db);
    },
    listen(listener) {
      listeners.add(listener);
      const stopLocal = local.listen(listener);
      if (listeners.size === 1 && !client && !reconnect) connect();
      return () => {
        stopLocal();
        listeners.delete(listener);
        if (listeners.size === 0) disconnect();
      };
    },
  };
}
