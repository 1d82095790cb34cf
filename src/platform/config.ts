/**
 * Configuration from the environment, validated at start. Each setting has a default that makes the embedded
 * mode work out of the box, a line of documentation (used by `s2s serve --help` and docs/configuration.md), and a
 * message that names the variable when its value is wrong.
 */
import path from 'node:path';
import { z } from 'zod';
import { anchorSinkProblem } from './audit/anchor-sinks.js';

interface Setting<T> {
  variable: string;
  doc: string;
  defaultText: string;
  parse: (raw: string | undefined) => T;
}

function setting<T>(variable: string, doc: string, defaultText: string, schema: z.ZodType<T>): Setting<T> {
  return {
    variable,
    doc,
    defaultText,
    parse(raw) {
      const result = schema.safeParse(raw === '' ? undefined : raw);
      if (!result.success) {
        const reason = result.error.issues.map((issue) => issue.message).join('; ');
        throw new ConfigError(`${variable}: ${reason}`);
      }
      return result.data;
    },
  };
}

export class ConfigError extends Error {}

const positiveInt = (fallback: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(1).max(max))
    .optional()
    .transform((value) => value ?? fallback);

export const settings = {
  port: setting('PORT', 'TCP port the service listens on.', '3000', positiveInt(3000, 65535)),
  host: setting(
    'HOST',
    'Address the service listens on. Set 0.0.0.0 (or a specific address) to be reached from other machines.',
    '127.0.0.1',
    z
      .string()
      .optional()
      .transform((v) => v ?? '127.0.0.1'),
  ),
  dataDir: setting(
    'S2S_DATA_DIR',
    'Directory for the embedded database, the file blob store and the generated key file.',
    './data',
    z
      .string()
      .optional()
      .transform((v) => path.resolve(v ?? './data')),
  ),
  databaseUrl: setting(
    'DATABASE_URL',
    'PostgreSQL connection string (postgres://user:password@host:5432/db). Unset: embedded PGlite in S2S_DATA_DIR.',
    'unset',
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
      .optional(),
  ),
  databasePoolSize: setting(
    'S2S_DATABASE_POOL_SIZE',
    'Connections each serving process keeps open to PostgreSQL (server mode only).',
    '10',
    positiveInt(10, 500),
  ),
  masterKey: setting(
    'S2S_MASTER_KEY',
    'Master key that wraps every file’s data key: 32 bytes as 64 hex characters or base64. Unset: read S2S_MASTER_KEY_FILE, or in embedded mode create S2S_DATA_DIR/master.key with a warning.',
    'unset',
    z
      .string()
      .refine((v) => decodeKey(v) !== undefined, 'must be 32 bytes written as 64 hex characters or as base64')
      .optional(),
  ),
  masterKeyFile: setting(
    'S2S_MASTER_KEY_FILE',
    'File holding the master key (same format as S2S_MASTER_KEY). Used when S2S_MASTER_KEY is unset.',
    'unset',
    z.string().optional(),
  ),
  readOnlyMasterKey: setting(
    'S2S_READ_ONLY_MASTER_KEY',
    'A second master key this node opens with but never wraps with: the old key while `s2s keys rotate` moves everything to S2S_MASTER_KEY (see docs/keys.md). Same format.',
    'unset',
    z
      .string()
      .refine((v) => decodeKey(v) !== undefined, 'must be 32 bytes written as 64 hex characters or as base64')
      .optional(),
  ),
  readOnlyMasterKeyFile: setting(
    'S2S_READ_ONLY_MASTER_KEY_FILE',
    'File holding the read-only master key. Used when S2S_READ_ONLY_MASTER_KEY is unset.',
    'unset',
    z.string().optional(),
  ),
  blobStore: setting(
    'S2S_BLOB_STORE',
    'Where encrypted file bodies live: fs (S2S_DATA_DIR/blobs) or postgres (in the database, for nodes without shared disk).',
    'fs',
    z
      .enum(['fs', 'postgres'], { message: 'must be fs or postgres' })
      .optional()
      .transform((v) => v ?? 'fs'),
  ),
  publicUrl: setting(
    'S2S_PUBLIC_URL',
    'Address users reach the service at; used in set-up links. An https address makes cookies Secure.',
    'http://localhost:PORT',
    z.string().url('must be a full URL such as https://s2s.example.gov.uk').optional(),
  ),
  logLevel: setting(
    'LOG_LEVEL',
    'Log level: fatal, error, warn, info, debug, trace or silent.',
    'info',
    z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { message: 'must be a pino log level' })
      .optional()
      .transform((v) => v ?? 'info'),
  ),
  seedDemo: setting(
    'S2S_DEMO',
    'Seed the demo establishments and one account per role when the database is empty: true or false.',
    'true on the embedded database, false with DATABASE_URL',
    // Unset stays undefined here: loadConfig decides, because the default depends on DATABASE_URL.
    z
      .enum(['true', 'false'], { message: 'must be true or false' })
      .optional()
      .transform((v) => (v === undefined ? undefined : v === 'true')),
  ),
  environment: setting(
    'S2S_ENV',
    'development or production. production refuses to start with S2S_DEMO on, without S2S_MASTER_KEY or S2S_MASTER_KEY_FILE (or with the generated key file), or with an S2S_PUBLIC_URL that is not https.',
    'development',
    z
      .enum(['development', 'production'], { message: 'must be development or production' })
      .optional()
      .transform((v) => v ?? 'development'),
  ),
  sessionIdleMinutes: setting(
    'S2S_SESSION_IDLE_MINUTES',
    'A session ends after this many minutes without a request.',
    '30',
    positiveInt(30, 24 * 60),
  ),
  sessionMaxHours: setting(
    'S2S_SESSION_MAX_HOURS',
    'A session ends this many hours after sign-in, whatever the activity.',
    '12',
    positiveInt(12, 7 * 24),
  ),
  trustProxy: setting(
    'S2S_TRUST_PROXY',
    'Trust X-Forwarded-For from this many proxies in front of the service (0: none). Source addresses in the audit trail depend on it.',
    '0',
    z
      .string()
      .regex(/^\d+$/, 'must be a whole number')
      .optional()
      .transform((v) => Number(v ?? '0')),
  ),
  reservedSpaceMb: setting(
    'S2S_RESERVED_SPACE_MB',
    'Embedded database only: space kept in reserve in S2S_DATA_DIR and given up when the disk fills, so that downloads and sign-ins (which are audited) go on while new files are refused. 0: none.',
    '64',
    z
      .string()
      .regex(/^\d+$/, 'must be a whole number')
      .optional()
      .transform((v) => Number(v ?? '64')),
  ),
  maxEventLoopDelayMs: setting(
    'S2S_MAX_EVENT_LOOP_DELAY_MS',
    'Above this event-loop delay the node answers 503 with Retry-After instead of stalling.',
    '1000',
    positiveInt(1000, 60_000),
  ),
  maxFileMb: setting(
    'S2S_MAX_FILE_MB',
    'Largest single file (or zip) accepted, in megabytes.',
    '100',
    positiveInt(100, 4096),
  ),
  maxZipMb: setting(
    'S2S_MAX_ZIP_MB',
    'Largest .zip upload, in megabytes (its files are checked one by one).',
    '500',
    positiveInt(500, 16_384),
  ),
  maxFilesPerRequest: setting(
    'S2S_MAX_FILES_PER_REQUEST',
    'Most files in one upload request; send more as a .zip.',
    '100',
    positiveInt(100, 10_000),
  ),
  maxPupilsPerFile: setting(
    'S2S_MAX_PUPILS_PER_FILE',
    'Most pupils in one CTF or ATF; a larger file is refused with a message naming this limit.',
    '15000',
    positiveInt(15_000, 1_000_000),
  ),
  maxZipEntries: setting('S2S_MAX_ZIP_ENTRIES', 'Most files in one .zip upload.', '5000', positiveInt(5000, 100_000)),
  maxZipRatio: setting(
    'S2S_MAX_ZIP_RATIO',
    'Largest compression ratio of a .zip entry; beyond it the zip is refused as a zip bomb.',
    '200',
    positiveInt(200, 10_000),
  ),
  maxZipTotalMb: setting(
    'S2S_MAX_ZIP_TOTAL_MB',
    'Largest total uncompressed size of a .zip upload, in megabytes.',
    '2048',
    positiveInt(2048, 65_536),
  ),
  zipWaitSeconds: setting(
    'S2S_ZIP_WAIT_SECONDS',
    'How long an upload request waits for its .zip files to be unpacked. Past it the answer is 202 Accepted with each zip’s job id and status address, and the unpacking goes on.',
    '20',
    positiveInt(20, 3600),
  ),
  workers: setting(
    'S2S_WORKERS',
    'Processes each node runs to serve requests, sharing its port: one uses one core, so set it to the number of cores. More than one needs DATABASE_URL (the embedded database belongs to one process).',
    '1',
    positiveInt(1, 64),
  ),
  bulkWorkers: setting(
    'S2S_BULK_WORKERS',
    'Bulk jobs (zip unpacking) each serving process runs at once; the rest wait in a queue shared fairly between organisations.',
    '2',
    positiveInt(2, 64),
  ),
  jobMaxAttempts: setting(
    'S2S_JOB_MAX_ATTEMPTS',
    'Times a bulk job is started before it is given up as failed: each start after the first follows a node that stopped part-way through it (a crash, a kill), and a job that stops its node every time must not be taken up for ever.',
    '5',
    positiveInt(5, 100),
  ),
  jobRetentionDays: setting(
    'S2S_JOB_RETENTION_DAYS',
    'Days a finished bulk job (done or failed) and its per-file results are kept, then deleted by housekeeping. At least 7: senders are promised their zips of the last week.',
    '30',
    positiveInt(30, 3650).pipe(z.number().min(7, 'must be at least 7 (senders see their zips of the last week)')),
  ),
  jobPollSeconds: setting(
    'S2S_JOB_POLL_SECONDS',
    'How often an idle bulk worker looks for work when it has heard of none. New jobs wake workers at once (on PostgreSQL by LISTEN/NOTIFY, across nodes); this slow poll only catches a wake-up that was lost.',
    '5',
    positiveInt(5, 600),
  ),
  maxConcurrentUploads: setting(
    'S2S_MAX_CONCURRENT_UPLOADS',
    'Upload requests one serving process handles at once; beyond it the process answers 503 with Retry-After.',
    '128',
    positiveInt(128, 10_000),
  ),
  maxConcurrentUploadsPerUser: setting(
    'S2S_MAX_CONCURRENT_UPLOADS_PER_USER',
    'Upload requests one user (all their sessions and API tokens) may have in progress at once on one serving process; beyond it they get 429 with Retry-After.',
    '8',
    positiveInt(8, 10_000),
  ),
  maxConcurrentUploadsPerOrganisation: setting(
    'S2S_MAX_CONCURRENT_UPLOADS_PER_ORG',
    'Upload requests one school, LA or DfE may have in progress at once on one serving process; beyond it its users get 429 with Retry-After.',
    '32',
    positiveInt(32, 10_000),
  ),
  minBodyBytesPerSecond: setting(
    'S2S_MIN_BODY_BYTES_PER_SECOND',
    'Slowest a request body may arrive, averaged over S2S_SLOW_BODY_WINDOW_SECONDS of reading; a slower sender is disconnected, so trickled bodies cannot hold a process.',
    '1024',
    positiveInt(1024, 100_000_000),
  ),
  slowBodyWindowSeconds: setting(
    'S2S_SLOW_BODY_WINDOW_SECONDS',
    'Seconds of reading over which S2S_MIN_BODY_BYTES_PER_SECOND is judged.',
    '30',
    positiveInt(30, 3600),
  ),
  retentionCollectedDays: setting(
    'S2S_RETENTION_COLLECTED_DAYS',
    'Days a collected file is kept after its first collection, then destroyed.',
    '30',
    positiveInt(30, 3650),
  ),
  retentionUncollectedDays: setting(
    'S2S_RETENTION_UNCOLLECTED_DAYS',
    'Days an uncollected file is kept after it was sent, then destroyed (senders and LAs are warned a week before).',
    '60',
    positiveInt(60, 3650),
  ),
  repositoryRetentionDays: setting(
    'S2S_REPOSITORY_RETENTION_DAYS',
    'Days an unknown-destination (XXXXXXX/MMMMMMM) file and its pupils stay in the repository.',
    '365',
    positiveInt(365, 3650),
  ),
  repositorySearchesPerMinute: setting(
    'S2S_REPOSITORY_SEARCHES_PER_MINUTE',
    'Repository searches one user may make in a minute; beyond it the search is refused until the minute has passed.',
    '10',
    positiveInt(10, 1000),
  ),
  repositorySearchAlertPerDay: setting(
    'S2S_REPOSITORY_SEARCH_ALERT_PER_DAY',
    "Repository searches by one user in 24 hours that are flagged to the user's LA administrators as unusual.",
    '60',
    positiveInt(60, 100_000),
  ),
  probeAlertPerDay: setting(
    'S2S_PROBE_ALERT_PER_DAY',
    "Refusals by id (403 or 404 on a route naming a record) to one user in a UTC day that are flagged to the user's LA administrators as probing.",
    '20',
    positiveInt(20, 100_000),
  ),
  ctfRequestSchoolDays: setting(
    'S2S_CTF_REQUEST_SCHOOL_DAYS',
    "School days a previous school has to answer a request for a new pupil's CTF before s2s passes it to the new school's LA.",
    '10',
    positiveInt(10, 100),
  ),
  ctfArrivalSchoolDays: setting(
    'S2S_CTF_ARRIVAL_SCHOOL_DAYS',
    "School days within which a CTF the previous school says it has sent must reach the new school, carrying the pupil, before s2s passes the search to the new school's LA.",
    '3',
    positiveInt(3, 100),
  ),
  enquiryLasWithoutApproval: setting(
    'S2S_ENQUIRY_LAS_WITHOUT_APPROVAL',
    'LAs a missing-pupil enquiry may go to on the officer’s word alone; sending to more needs the LA administrator’s approval.',
    '3',
    positiveInt(3, 20),
  ),
  smtpUrl: setting(
    'S2S_SMTP_URL',
    'SMTP server for email notices, such as smtps://user:password@mail.example.gov.uk:465; unset, no email is sent (notifications stay in the service).',
    'unset',
    z
      .string()
      .url('must be an smtp:// or smtps:// address')
      .refine((v) => /^smtps?:\/\//.test(v), 'must be an smtp:// or smtps:// address')
      .optional(),
  ),
  supportEmail: setting(
    'S2S_SUPPORT_EMAIL',
    'The service desk’s email address, shown on the help page to LA administrators (schools are sent to their LA first). Unset, the page names no desk.',
    'unset',
    z.email({ message: 'must be an email address' }).max(200).optional(),
  ),
  smtpFrom: setting(
    'S2S_SMTP_FROM',
    'The sender of email notices.',
    's2s <no-reply@localhost>',
    z
      .string()
      .max(200)
      .optional()
      .transform((v) => v ?? 's2s <no-reply@localhost>'),
  ),
  cmeThresholdSchoolDays: setting(
    'S2S_CME_THRESHOLD_SCHOOL_DAYS',
    'School days out of education after which a child on an LA’s register counts as missing education (DfE guidance: 20).',
    '20',
    positiveInt(20, 200),
  ),
  metricsToken: setting(
    'S2S_METRICS_TOKEN',
    'Bearer token a Prometheus scraper sends to read GET /metrics (at least 32 characters, such as `openssl rand -hex 32`). Unset: /metrics answers 404.',
    'unset',
    z.string().min(32, 'must be at least 32 characters, so it cannot be guessed').optional(),
  ),
  auditAnchorSink: setting(
    'S2S_AUDIT_ANCHOR_SINK',
    'Where the service writes audit anchors (the chain head, which shows if the trail’s tail is removed): an absolute file path on another volume, an https:// address that receives a JSON POST, or syslog://host:port (UDP). Unset: no anchors are written.',
    'unset',
    z
      .string()
      .superRefine((v, context) => {
        const problem = anchorSinkProblem(v);
        if (problem) context.addIssue({ code: 'custom', message: problem });
      })
      .optional(),
  ),
  auditAnchorMinutes: setting(
    'S2S_AUDIT_ANCHOR_MINUTES',
    'Minutes between audit anchors written to S2S_AUDIT_ANCHOR_SINK.',
    '60',
    positiveInt(60, 7 * 24 * 60),
  ),
} as const;

type Settings = typeof settings;
export type Config = { [K in keyof Settings]: ReturnType<Settings[K]['parse']> } & {
  publicUrl: string;
  seedDemo: boolean;
};

export function decodeKey(text: string): Buffer | undefined {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) {
    const bytes = Buffer.from(trimmed, 'base64');
    if (bytes.length === 32) return bytes;
  }
  return undefined;
}

/** Reads every setting; collects all problems so that one start names every wrong variable at once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, s] of Object.entries(settings)) {
    try {
      values[key] = s.parse(env[s.variable]);
    } catch (error) {
      problems.push(error instanceof ConfigError ? error.message : String(error));
    }
  }
  if (!problems.some((p) => p.startsWith('S2S_WORKERS')) && Number(values.workers) > 1 && !values.databaseUrl) {
    problems.push('S2S_WORKERS: more than one process needs DATABASE_URL; the embedded database serves one process.');
  }
  if (values.environment === 'production') problems.push(...productionProblems(values, env));
  if (problems.length > 0) {
    throw new ConfigError(`Configuration is not valid:\n  ${problems.join('\n  ')}`);
  }
  const config = values as Config;
  // The demo accounts (a DfE administrator among them) are for the embedded quick start only.
  config.seedDemo = (values.seedDemo as boolean | undefined) ?? !config.databaseUrl;
  config.publicUrl = (config.publicUrl ?? `http://localhost:${config.port}`).replace(/\/$/, '');
  return config;
}

/**
 * What a production node must not run with: demo accounts whose passwords are printed, a master key generated
 * beside the data it protects, or a public address that sends session cookies in clear.
 */
function productionProblems(values: Record<string, unknown>, env: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
  const demo = values.seedDemo as boolean | undefined;
  if (demo === true || (demo === undefined && !values.databaseUrl)) {
    problems.push('S2S_DEMO: must be false when S2S_ENV is production (the demo accounts have printed passwords).');
  }
  const keyFile = values.masterKeyFile as string | undefined;
  const generatedKeyFile = path.join(String(values.dataDir), 'master.key');
  if (!env.S2S_MASTER_KEY && !keyFile) {
    problems.push(
      'S2S_MASTER_KEY: set it or S2S_MASTER_KEY_FILE when S2S_ENV is production; a generated key file is not accepted.',
    );
  } else if (!env.S2S_MASTER_KEY && keyFile && path.resolve(keyFile) === generatedKeyFile) {
    problems.push(
      `S2S_MASTER_KEY_FILE: ${generatedKeyFile} is the key file the embedded quick start generates beside the data; keep the production key elsewhere.`,
    );
  }
  const publicUrl = values.publicUrl as string | undefined;
  if (!publicUrl || !publicUrl.startsWith('https://')) {
    problems.push('S2S_PUBLIC_URL: must be an https:// address when S2S_ENV is production.');
  }
  return problems;
}

export function configHelp(): string {
  const lines = Object.values(settings).map((s) => `  ${s.variable.padEnd(28)} ${s.doc} (default: ${s.defaultText})`);
  return `Environment variables:\n${lines.join('\n')}`;
}

export function configReference(): Array<{ variable: string; doc: string; defaultText: string }> {
  return Object.values(settings).map(({ variable, doc, defaultText }) => ({ variable, doc, defaultText }));
}
