/**
 * Wires every dependency by hand, in one place: configuration, database, keys, blob store, audit and clock.
 * The return type is the `Services` type; tests build the same graph with real parts and a fixed clock.
 */
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { auditRecorder } from './audit/record-audit.js';
import { createBlobStore } from './blobs.js';
import type { Config } from './config.js';
import { isDatabaseUnavailable, migrateToLatest, openDatabase, type Db, type OpenedDatabase } from './database.js';
import { inProcessWakeups, postgresWakeups } from './job-wakeups.js';
import { jobQueue, POLL_PAUSES } from './jobs.js';
import { smtpMailer, type Mailer } from './mailer.js';
import { createMetrics } from './metrics.js';
import { inOneTransaction } from './one-transaction.js';
import { keyRing, loadMasterKey, nodeKeys, type Keys } from './keys.js';
import { checkMasterKeysHeld } from './rotate-master-key.js';
import { loadServiceKeys } from './service-keys.js';
import { storageHealth } from './storage-full.js';
import { extensionsOf, type Extension } from './extensions.js';

export interface ServiceOptions {
  /** What the capabilities plug into one another's extension points: given by the composition root. */
  extensions?: readonly Extension[];
  /** An already-open database (tests pass a copy of the template); otherwise opened from config. */
  database?: OpenedDatabase;
  now?: () => Date;
  /** What the process is doing, recorded in the embedded data directory's lock. */
  purpose?: string;
  onWarning?: (message: string) => void;
  /** Sends email notices; by default SMTP at S2S_SMTP_URL when it is set, otherwise none. */
  mailer?: Mailer;
  /**
   * Apply migrations (the default). A node's serving processes start after its first process has migrated, and
   * do not migrate again, so one restarted while the database is away only waits for it.
   */
  migrate?: boolean;
  /**
   * While the database cannot be reached at start, wait for it: try again with growing pauses (up to 30 s), calling
   * this with a line for each failed attempt. Without it, an unreachable database fails the start at once.
   */
  onWaitingForDatabase?: (message: string) => void;
  /**
   * Read the job queue's depth at each metrics scrape (the default). A node's serving processes leave it to the
   * first process, which answers for the whole node, so the table is read once a scrape.
   */
  watchJobQueue?: boolean;
}

const LONGEST_WAIT_S = 30;

/** Runs `work`, and while it fails because the database cannot be reached, reports and runs it again later. */
export async function whenDatabaseReachable<T>(
  work: () => Promise<T>,
  onWaiting: ((message: string) => void) | undefined,
  pauseMs: (seconds: number) => Promise<unknown> = (seconds) => sleep(seconds * 1000),
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!onWaiting || !isDatabaseUnavailable(error)) throw error;
      const seconds = Math.min(2 ** (attempt - 1), LONGEST_WAIT_S);
      const reason = error instanceof Error ? error.message : String(error);
      onWaiting(`the database cannot be reached (${reason}): attempt ${attempt} failed, trying again in ${seconds} s`);
      await pauseMs(seconds);
    }
  }
}

export async function createServices(config: Config, options: ServiceOptions = {}) {
  const embedded = !config.databaseUrl;
  const master = loadMasterKey({
    masterKey: config.masterKey,
    masterKeyFile: config.masterKeyFile,
    readOnlyMasterKey: config.readOnlyMasterKey,
    readOnlyMasterKeyFile: config.readOnlyMasterKeyFile,
    dataDir: config.dataDir,
    embedded,
  });
  if (master.createdFile) {
    options.onWarning?.(
      `Created a new master key at ${master.createdFile}. Every stored file is encrypted under it: back it up ` +
        'separately from the data, and set S2S_MASTER_KEY (or S2S_MASTER_KEY_FILE) in production.',
    );
  }
  const opened =
    options.database ??
    (await openDatabase(
      { databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: config.databasePoolSize },
      options.purpose ?? 's2s',
    ));
  let keys: Keys;
  try {
    keys = await whenDatabaseReachable(async () => {
      if (options.migrate !== false) await migrateToLatest(opened.db);
      await checkMasterKeysHeld(opened.db, keyRing(master.keys, 'blob-key-wrap'));
      const serviceKeys = await loadServiceKeys(opened.db, keyRing(master.keys, 'service-key-wrap'), master.keys[0]!);
      return nodeKeys(master.keys, serviceKeys);
    }, options.onWaitingForDatabase);
  } catch (error) {
    // A node that cannot start lets go of the database (and, embedded, of the data directory's lock).
    if (!options.database) await opened.close();
    throw error;
  }
  const now = options.now ?? (() => new Date());
  const db = opened.db;
  const blobDir = path.join(config.dataDir, 'blobs');
  const storage = storageHealth(
    { blobs: config.blobStore === 'fs' ? blobDir : undefined, database: embedded ? config.dataDir : undefined },
    {
      reserve: embedded
        ? { file: path.join(config.dataDir, 'reserved-space'), bytes: config.reservedSpaceMb * 1024 * 1024 }
        : undefined,
    },
  );
  // One way of hearing of new jobs for the node, shared by the queue over every handle: a job queued inside a
  // transaction wakes the workers too.
  const jobWakeups = opened.connectionString
    ? postgresWakeups(opened.connectionString, {
        onLost: (error, retryMs) =>
          options.onWarning?.(
            `bulk jobs: not listening for new jobs (${error instanceof Error ? error.message : String(error)}); ` +
              `trying again in ${retryMs} ms, polling every ${config.jobPollSeconds} s meanwhile`,
          ),
        onBack: () => options.onWarning?.('bulk jobs: listening for new jobs again'),
      })
    : inProcessWakeups();
  const jobOptions = {
    maxAttempts: config.jobMaxAttempts,
    pauses: { ...POLL_PAUSES, idleMs: config.jobPollSeconds * 1000 },
    wakeups: jobWakeups,
  };
  // What writes to the database, built again over another handle by `servicesInOneTransaction`, and with another
  // clock by the demo, which plays out weeks of activity at the times it happened.
  const overDatabase = (handle: Db, clock: () => Date = now) => ({
    db: handle,
    audit: auditRecorder(handle, keys.auditKey, clock),
    jobs: jobQueue(handle, clock, jobOptions),
    blobs: createBlobStore({ db: handle, blobKeys: keys.blobKeys, kind: config.blobStore, dir: blobDir, storage }),
  });
  const { jobs, ...bound } = overDatabase(db);
  const metrics = createMetrics();
  if (opened.poolWaiting) metrics.watchPoolWaiting(opened.poolWaiting);
  if (options.watchJobQueue !== false) metrics.watchJobQueue(() => jobs.waiting());
  return {
    config,
    ...bound,
    extensions: extensionsOf(options.extensions ?? []),
    databaseKind: opened.kind,
    keys,
    secrets: keys.secrets,
    publicUrl: config.publicUrl,
    now,
    storage,
    jobs,
    metrics,
    mailer: options.mailer ?? (config.smtpUrl ? smtpMailer(config.smtpUrl, config.smtpFrom) : undefined),
    overDatabase,
    async close() {
      await jobs.stop();
      await opened.close();
    },
  };
}

export type Services = Awaited<ReturnType<typeof createServices>>;

/**
 * Runs `work` with the services over one transaction: everything it writes is committed together, or (an error, a
 * crash) not at all. File bodies on disk are written at once; those of a rolled-back file are left for housekeeping's
 * litter removal.
 */
export function servicesInOneTransaction<T>(services: Services, work: (services: Services) => Promise<T>): Promise<T> {
  return inOneTransaction(services.db, (handle) => work({ ...services, ...services.overDatabase(handle) }));
}
