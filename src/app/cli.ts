/**
 * The `s2s` command: the service itself (`s2s serve`) and the operator commands. Each command uses the same
 * configuration as the service; with the embedded database, a command that finds the service running says so.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { anchorSink, scheduleAuditAnchors } from '../platform/audit/anchor-sinks.js';
import {
  AnchorFormatError,
  formatAnchor,
  parseAnchor,
  takeAnchor,
  verifyAgainstAnchor,
  type AuditAnchor,
} from '../platform/audit/audit-anchor.js';
import { verifyAuditChain } from '../platform/audit/record-audit.js';
import { formatDemoCredentials, seedDemo } from '../demo/seed-demo.js';
import { importRegister } from '../establishments/import-register.js';
import { RegisterRefusedError } from '../establishments/register-refused.js';
import { repairRepositoryFiles } from '../transfers/repair-repository.js';
import { findUserByEmail, createUser } from '../identity/accounts.js';
import { AccountError } from '../platform/user.js';
import { createApiToken, listApiTokens, revokeApiToken, type ApiToken } from '../identity/api-tokens.js';
import { roles } from '../platform/permissions.js';
import { configHelp, ConfigError, loadConfig, type Config } from '../platform/config.js';
import { DataDirInUseError } from '../platform/data-dir-lock.js';
import { isDatabaseUnavailable } from '../platform/database.js';
import { housekeeping, scheduleHousekeeping } from './housekeeping.js';
import type { Role } from '../platform/schema.js';
import { MasterKeyMissingError, type Keys } from '../platform/keys.js';
import { keyUsage, type KeyUsage } from '../platform/rotate-master-key.js';
import { rotateInBackground, rotateWithAudit } from '../platform/rotate-in-background.js';
import type { Services } from '../platform/services.js';
import {
  isServingProcess,
  leaveSupervision,
  reportListening,
  superviseServingProcesses,
} from '../platform/serving-processes.js';
import { gatherNodeMetrics } from '../platform/node-metrics.js';
import { buildApp, startBulkWork } from './app.js';
import { composeServices } from './services.js';
import { serializeError, type SerializedError } from '../platform/web/log-serializers.js';

export interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

class UsageError extends Error {}

const usage = `Usage: s2s <command> [options]

Commands:
  serve                                   Start the service (http://localhost:3000 by default)
  establishments import FILE.csv          Import a GIAS establishment extract (CSV in Windows-1252 or UTF-8)
  users add --email E --name N --org ORG --role R
                                          Add a user; ORG is a LAEstab, an LA code or DFE. Prints a set-up link
  tokens create --email E --name LABEL    Create an API token for a user; prints it once
  tokens list --email E                   List a user's API tokens (never the tokens themselves)
  tokens revoke --email E --id ID|--all   Revoke one of a user's API tokens, or all that are live
  audit verify [--anchor ANCHOR|FILE]     Check the audit trail's hash chain; exits 1 naming the first bad row.
                                          With --anchor, also that no row after the anchored head was removed
  audit anchor                            Print the audit trail's head (sequence number and hash) to keep elsewhere
  keys status                             Show how many stored keys each master key wraps
  keys rotate                             Re-wrap everything under S2S_MASTER_KEY that is still under
                                          S2S_READ_ONLY_MASTER_KEY; resumable, safe beside running nodes
  purge                                   Destroy files past their retention now (the service also does it every 10 minutes)
  repository repair [--dry-run]           Give records to CTFs kept in the unknown-destination repository without
                                          any (sent under another label before s2s read files by content); list
                                          the files that are not CTFs, with their senders
  ctf validate FILE...                    Validate CTF/ATF files
  ctf generate --out DIR [...]            Write synthetic, fictitious CTFs

Configuration comes from the environment: s2s serve --help lists it.`;

async function withServices<T>(purpose: string, io: Io, work: (services: Services) => Promise<T>): Promise<T> {
  const services = await composeServices(loadConfig(), {
    purpose,
    onWarning: (m) => io.stderr.write(`warning: ${m}\n`),
  });
  try {
    return await work(services);
  } finally {
    await services.close();
  }
}

async function serve(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({ args, options: { help: { type: 'boolean', short: 'h' } }, strict: true });
  if (values.help) {
    io.stdout.write(`Usage: s2s serve\n\nStarts the s2s service.\n\n${configHelp()}\n`);
    return 0;
  }
  const config = loadConfig();
  const warn = (m: string) => io.stderr.write(`warning: ${m}\n`);
  const waiting = (m: string) => io.stderr.write(`waiting for the database: ${m}\n`);
  if (isServingProcess()) return serveRequests(config, warn, waiting);
  const services = await composeServices(config, {
    purpose: 's2s serve',
    onWarning: warn,
    onWaitingForDatabase: waiting,
  });
  const demo = config.seedDemo ? await seedDemo(services) : [];
  const running = () => {
    io.stdout.write(
      `s2s is running at ${config.publicUrl} (database: ${services.databaseKind === 'pglite' ? `embedded, ${config.dataDir}` : 'PostgreSQL'}` +
        `${config.workers > 1 ? `, ${config.workers} serving processes` : ''})\n`,
    );
    if (demo.length > 0) {
      const freshStart =
        services.databaseKind === 'pglite'
          ? `Stop s2s, delete ${config.dataDir} and start it again: the demo is made afresh with new ones.`
          : undefined;
      io.stdout.write(formatDemoCredentials(demo, config.publicUrl, freshStart) + '\n');
    }
  };
  if (config.workers === 1) {
    const app = await listen(services, config);
    const stopHousekeeping = scheduleHousekeeping(
      services,
      (error) => app.log.error({ err: error }, 'housekeeping failed'),
      10,
      (bodies) => app.log.warn({ litterBodies: bodies }, 'removed file bodies no file refers to, left by a crash'),
    );
    const stopAnchors = scheduleAnchors(services, (error) => app.log.error({ err: error }, 'audit anchor not written'));
    const stopRotation = rotateInBackground(services, {
      onFinished: (report) => app.log.info({ rotation: report }, rotationFinished(services)),
      onError: (error) => app.log.error({ err: error }, 'master key rotation stopped'),
    });
    running();
    await stopSignal();
    io.stdout.write('stopping…\n');
    stopHousekeeping();
    stopAnchors();
    await stopRotation();
    await app.close();
    await services.close();
    return 0;
  }
  // Several serving processes: this one migrated and seeded above, before any of them started, and alone runs
  // housekeeping (which is safe on many nodes, but needs no more than one per node).
  const stopHousekeeping = scheduleHousekeeping(
    services,
    (error) => io.stderr.write(`housekeeping failed: ${safeMessage(error)}\n`),
    10,
    (bodies) => io.stderr.write(`housekeeping removed ${bodies} file bodies no file refers to, left by a crash\n`),
  );
  const stopAnchors = scheduleAnchors(services, (error) =>
    io.stderr.write(`audit anchor not written: ${safeMessage(error)}\n`),
  );
  const stopRotation = rotateInBackground(services, {
    onFinished: () => io.stdout.write(`${rotationFinished(services)}\n`),
    onError: (error) => io.stderr.write(`master key rotation stopped: ${safeMessage(error)}\n`),
  });
  // A scrape reaches one serving process, which asks this one for the whole node's figures.
  gatherNodeMetrics(services.metrics);
  const code = await superviseServingProcesses(config.workers, {
    onReady: () => running(),
    onProblem: (message) => io.stderr.write(`${message}\n`),
  });
  io.stdout.write('stopped\n');
  stopHousekeeping();
  stopAnchors();
  await stopRotation();
  await services.close();
  return code;
}

function rotationFinished(services: Services): string {
  return (
    `master key rotation finished: everything is wrapped under ${services.keys.masterKeyId}; ` +
    'S2S_READ_ONLY_MASTER_KEY can be removed at the next restart'
  );
}

/** One process per node writes anchors, as it runs housekeeping; without a configured sink, none. */
function scheduleAnchors(services: Services, onError: (error: unknown) => void): () => void {
  const sink = services.config.auditAnchorSink;
  if (!sink) return () => {};
  return scheduleAuditAnchors(services.db, anchorSink(sink), {
    minutes: services.config.auditAnchorMinutes,
    now: services.now,
    onError,
  });
}

function stopSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

/** A serving process: the app, listening, and its share of the bulk work. */
async function listen(services: Services, config: Config) {
  const app = await buildApp(services, { logger: { level: config.logLevel }, demo: config.seedDemo });
  startBulkWork(app, services);
  await app.listen({ port: config.port, host: config.host });
  return app;
}

/**
 * One of several serving processes: serves until told to stop. The first process migrated before starting it, so a
 * serving process restarted while the database is away waits for it and never migrates.
 */
async function serveRequests(config: Config, warn: (m: string) => void, waiting: (m: string) => void): Promise<number> {
  const services = await composeServices(config, {
    purpose: 's2s serve',
    onWarning: warn,
    onWaitingForDatabase: waiting,
    migrate: false,
    watchJobQueue: false,
  });
  const app = await listen(services, config);
  reportListening(config.port);
  await stopSignal();
  await app.close();
  await services.close();
  leaveSupervision();
  return 0;
}

async function establishments(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'import' || rest.length !== 1) throw new UsageError('Usage: s2s establishments import FILE.csv');
  const file = rest[0]!;
  return withServices('s2s establishments import', io, async (services) => {
    const report = await importRegister(services.db, file, services.now());
    io.stdout.write(
      `read as ${report.encoding}: ` +
        `added ${report.added}, updated ${report.updated}, unchanged ${report.unchanged}, rejected ${report.rejected.length}` +
        ` (local authorities: added ${report.localAuthorities.added}, updated ${report.localAuthorities.updated})\n`,
    );
    for (const r of report.rejected) io.stdout.write(`${file}:${r.line}: rejected: ${r.reason}\n`);
    return 0;
  });
}

async function users(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'add') throw new UsageError('Usage: s2s users add --email E --name N --org ORG --role R');
  const { values } = parseArgs({
    args: rest,
    options: { email: { type: 'string' }, name: { type: 'string' }, org: { type: 'string' }, role: { type: 'string' } },
    strict: true,
  });
  const missing = (['email', 'name', 'org', 'role'] as const).filter((k) => !values[k]);
  if (missing.length > 0)
    throw new UsageError(
      `Missing ${missing.map((m) => `--${m}`).join(', ')}. Usage: s2s users add --email E --name N --org ORG --role R`,
    );
  if (!(roles as readonly string[]).includes(values.role!))
    throw new UsageError(`--role must be one of: ${roles.join(', ')}`);
  return withServices('s2s users add', io, async (services) => {
    const { user, setupLink } = await createUser(
      services,
      { email: values.email!, name: values.name!, org: values.org!, role: values.role as Role },
      null,
    );
    io.stdout.write(
      `Added ${user.email} (${user.role}, ${user.orgCode}).\nSet-up link (works once, for 7 days): ${setupLink}\n`,
    );
    return 0;
  });
}

const tokensUsage =
  'Usage: s2s tokens create --email E --name LABEL | s2s tokens list --email E | s2s tokens revoke --email E (--id ID | --all)';

async function tokens(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'create' && sub !== 'list' && sub !== 'revoke') throw new UsageError(tokensUsage);
  const { values } = parseArgs({
    args: rest,
    options: {
      email: { type: 'string' },
      ...(sub === 'create' ? { name: { type: 'string' } } : {}),
      ...(sub === 'revoke' ? { id: { type: 'string' }, all: { type: 'boolean' } } : {}),
    },
    strict: true,
  });
  if (!values.email) throw new UsageError(tokensUsage);
  if (sub === 'create' && !values.name) throw new UsageError(tokensUsage);
  if (sub === 'revoke' && (values.id === undefined) === (values.all !== true)) {
    throw new UsageError(`Give either --id or --all. ${tokensUsage}`);
  }
  return withServices(`s2s tokens ${sub}`, io, async (services) => {
    const user = await findUserByEmail(services.db, values.email!);
    if (!user) throw new AccountError('USER_NOT_FOUND', `There is no account with email ${values.email}`);
    if (sub === 'create') {
      const { token } = await createApiToken(services, user, String(values.name), null);
      io.stdout.write(`${token}\n`);
      io.stderr.write('This token is shown once. It acts as the user with their permissions until revoked.\n');
      return 0;
    }
    const held = await listApiTokens(services.db, user.id);
    if (sub === 'list') {
      if (held.length === 0) io.stderr.write(`${user.email} has no API tokens.\n`);
      else io.stdout.write(formatTokens(held));
      return 0;
    }
    // Each revocation goes through the same service call as the administrators' page, and is audited as one.
    const chosen = values.all ? held.filter((t) => t.revokedAt === null) : held.filter((t) => t.id === values.id);
    if (!values.all && (chosen.length === 0 || chosen[0]!.revokedAt !== null)) {
      io.stderr.write(`s2s: ${user.email} has no live API token with id ${String(values.id)}\n`);
      return 1;
    }
    let revoked = 0;
    for (const t of chosen) if (await revokeApiToken(services, user, t.id, null, null)) revoked++;
    io.stdout.write(`revoked ${revoked} API token${revoked === 1 ? '' : 's'} of ${user.email}\n`);
    return 0;
  });
}

/** One line per token, tab-separated under a header; the token itself is never stored, so never shown. */
function formatTokens(held: ApiToken[]): string {
  const when = (d: Date | null, none: string) => (d ? d.toISOString() : none);
  const lines = held.map((t) =>
    [t.id, t.label, `${t.prefix}…`, when(t.createdAt, ''), when(t.lastUsedAt, 'never'), when(t.revokedAt, 'live')].join(
      '\t',
    ),
  );
  return ['id\tname\tstarts with\tcreated\tlast used\trevoked', ...lines].join('\n') + '\n';
}

async function audit(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'anchor' && rest.length === 0) {
    return withServices('s2s audit anchor', io, async (services) => {
      io.stdout.write(`${formatAnchor(await takeAnchor(services.db, services.now()))}\n`);
      return 0;
    });
  }
  if (sub !== 'verify') throw new UsageError('Usage: s2s audit verify [--anchor ANCHOR-OR-FILE] | s2s audit anchor');
  const { values } = parseArgs({ args: rest, options: { anchor: { type: 'string' } }, strict: true });
  const anchor = values.anchor === undefined ? undefined : readAnchorArgument(values.anchor);
  return withServices('s2s audit verify', io, async (services) => {
    if (anchor) {
      const checked = await verifyAgainstAnchor(services.db, services.keys.auditKey, anchor);
      if (checked.ok) {
        io.stdout.write(
          `audit trail intact and reaches the anchor at row ${anchor.seq}: ${checked.checked} rows, head ${checked.headHash}\n`,
        );
        return 0;
      }
      io.stdout.write(`audit trail FAILS its anchor: ${checked.problem}\n`);
      return 1;
    }
    const report = await verifyAuditChain(services.db, services.keys.auditKey);
    if (report.ok) {
      io.stdout.write(`audit trail intact: ${report.checked} rows, head ${report.headHash}\n`);
      return 0;
    }
    io.stdout.write(
      `audit trail BROKEN at row ${report.firstBad!.seq}: ${report.firstBad!.reason} (${report.checked} rows before it are intact)\n`,
    );
    return 1;
  });
}

/** `--anchor` takes the line `s2s audit anchor` printed, or a sink file whose last line is the newest anchor. */
function readAnchorArgument(value: string): AuditAnchor {
  try {
    return parseAnchor(value);
  } catch (error) {
    if (!(error instanceof AnchorFormatError) || !fs.existsSync(value)) {
      throw new UsageError(`--anchor: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  try {
    return parseAnchor(fs.readFileSync(value, 'utf8'));
  } catch (error) {
    throw new UsageError(`--anchor: ${value}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function keys(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  const usageText = 'Usage: s2s keys status | s2s keys rotate [--batch N]';
  if (sub === 'status' && rest.length === 0) {
    return withServices('s2s keys status', io, async (services) => {
      io.stdout.write(formatKeyUsage(await keyUsage(services.db), services.keys));
      return 0;
    });
  }
  if (sub !== 'rotate') throw new UsageError(usageText);
  const { values } = parseArgs({ args: rest, options: { batch: { type: 'string' } }, strict: true });
  const batchSize = values.batch === undefined ? 500 : Number(values.batch);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
    throw new UsageError('--batch: a whole number from 1 to 10000');
  }
  return withServices('s2s keys rotate', io, async (services) => {
    const report = await rotateWithAudit(services, {
      batchSize,
      onBatch: (progress) => {
        io.stderr.write(`re-wrapped ${progress.fileKeys} file keys so far\n`);
      },
    });
    io.stdout.write(
      `re-wrapped ${report.fileKeys} file keys, ${report.twoFactorSecrets} two-factor secrets, ` +
        `${report.pendingEnrolments} enrolments in progress and ${report.serviceKeys} service keys under master key ${services.keys.masterKeyId}\n`,
    );
    io.stdout.write(formatKeyUsage(await keyUsage(services.db), services.keys));
    return 0;
  });
}

function formatKeyUsage(usage: KeyUsage[], held: Keys): string {
  const lines = usage.map((u) => {
    const name = u.keyId ?? '(written before key ids were kept)';
    const role =
      u.keyId === held.masterKeyId
        ? ' — current'
        : u.keyId && held.blobKeys.heldIds.includes(u.keyId)
          ? ' — read-only'
          : '';
    return `master key ${name}${role}: ${u.fileKeys} file keys, ${u.twoFactorSecrets} two-factor secrets, ${u.serviceKeys} service keys`;
  });
  const left = usage.filter((u) => u.keyId !== held.masterKeyId);
  lines.push(
    left.length === 0
      ? `Nothing is wrapped under any other key: a read-only master key can be retired.`
      : `Not yet under the current key: run s2s keys rotate, or let a serving node finish it.`,
  );
  return lines.join('\n') + '\n';
}

async function purge(args: string[], io: Io): Promise<number> {
  if (args.length > 0) throw new UsageError('Usage: s2s purge');
  return withServices('s2s purge', io, async (services) => {
    const report = await housekeeping(services);
    io.stdout.write(
      `destroyed ${report.files} expired files (${report.repositoryRecords} unknown-destination records), removed ${report.sessions} expired sessions, passed ${report.requestsPassedToLa} unanswered CTF requests to LAs, reminded schools of ${report.leaversReminded} leavers’ CTFs, deleted ${report.finishedJobs} finished bulk jobs, removed ${report.litterBodies} file bodies no file refers to\n`,
    );
    return 0;
  });
}

async function repository(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  const dryRun = rest.length === 1 && rest[0] === '--dry-run';
  if (sub !== 'repair' || (rest.length > 0 && !dryRun))
    throw new UsageError('Usage: s2s repository repair [--dry-run]');
  return withServices('s2s repository repair', io, async (services) => {
    const report = await repairRepositoryFiles(services, { dryRun });
    const would = dryRun ? 'would give' : 'gave';
    for (const f of report.repaired) {
      const problems = f.problems > 0 ? ` (the CTF engine finds ${f.problems} problems in it)` : '';
      io.stdout.write(`${f.fileId} ${f.fileName}: ${would} ${f.records} pupil records${problems}
`);
    }
    for (const f of report.unrepaired) {
      io.stdout.write(
        `${f.fileId} ${f.fileName}: not repaired: ${f.reason}; sent by ${f.senderOrgCode} on ${f.receivedAt.toISOString().slice(0, 10)}, kept until ${f.expiresAt.toISOString().slice(0, 10)}. Ask the sender for the pupil's CTF.\n`,
      );
    }
    io.stdout.write(
      `${report.checked} repository files without records checked: ${report.repaired.length} ${dryRun ? 'can be repaired' : 'repaired'}, ${report.unrepaired.length} not CTFs or without pupils${dryRun ? ' (dry run: nothing changed)' : ''}\n`,
    );
    return 0;
  });
}

async function ctf(args: string[], io: Io): Promise<number> {
  const { ctfCommand } = await import('./ctf-cli.js');
  return ctfCommand(args, io);
}

const commands: Record<string, (args: string[], io: Io) => Promise<number>> = {
  serve,
  establishments,
  users,
  tokens,
  audit,
  keys,
  purge,
  repository,
  ctf,
};

export async function main(
  argv: string[],
  io: Io = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(`${usage}\n`);
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    io.stderr.write(`s2s: unknown command "${name}"\n\n${usage}\n`);
    return 2;
  }
  try {
    return await command(args, io);
  } catch (error) {
    if (
      error instanceof UsageError ||
      (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))
    ) {
      io.stderr.write(`s2s: ${error.message}\n`);
      return 2;
    }
    if (
      error instanceof ConfigError ||
      error instanceof DataDirInUseError ||
      error instanceof AccountError ||
      error instanceof MasterKeyMissingError ||
      error instanceof RegisterRefusedError
    ) {
      io.stderr.write(`s2s: ${error.message}\n`);
      return 1;
    }
    // An operator's command run while the database is away: one line saying so, not a stack trace. (`serve`
    // waits for it instead; a command has someone at the keyboard to run it again.)
    if (isDatabaseUnavailable(error)) {
      const reason = firstMessage(error);
      io.stderr.write(
        `s2s: the database cannot be reached (${reason}). Check DATABASE_URL and that PostgreSQL is running, then run the command again.\n`,
      );
      return 1;
    }

    throw error;
  }
}

/**
 * An error's words for the terminal, as the log would give them: a database error's quoted values (which can be a
 * child's details) left out.
 */
function safeMessage(error: unknown): string {
  return serializeError(error).message;
}

/** The innermost message of an error and its causes (the driver's own words, without our wrapping), made safe. */
function firstMessage(error: unknown): string {
  let serialized = serializeError(error);
  while (serialized.cause) serialized = serialized.cause as SerializedError;
  return serialized.message || safeMessage(error);
}
