/**
 * Builds the web application from small, named steps, in the order a request meets them: security headers and
 * load shedding, parsing, static assets, who the user is, what they may do, CSRF, then one error handler, then
 * each capability's routes. The whole request pipeline reads on one screen.
 */
import '../platform/web/fastify-types.js';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import underPressure from '@fastify/under-pressure';
import Fastify, { type FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import { auditActor } from '../platform/user.js';
import { countRefusalById } from '../repository/probing-alerts.js';
import { authenticate } from '../identity/authenticate.js';
import { authorise } from '../identity/authorise.js';
import type { Access } from '../platform/permissions.js';
import type { Services } from '../platform/services.js';
import { capabilities } from './capabilities.js';
import { postgresRateLimitStore } from '../platform/rate-limit-store.js';
import { apiDocsRoutes } from '../platform/web/api-docs.js';
import { declareApiErrors, type ApiOperation } from '../platform/web/api-route.js';
import { isApi } from '../platform/web/http-error.js';
import { rewriteBadAddress } from '../platform/web/bad-address.js';
import { isPressure, SAMPLE_INTERVAL_MS, ServiceBusyError } from '../platform/web/shed-load.js';
import { disconnectSlowBodies } from '../platform/web/slow-bodies.js';
import { checkCsrf } from '../platform/web/check-csrf.js';
import { handleErrors } from '../platform/web/errors.js';
import { answerUnreadableRequest } from '../platform/web/unreadable-requests.js';
import { healthRoutes } from '../platform/web/health.js';
import { metricsRoutes } from '../platform/web/metrics-route.js';
import { loggedHeaderPaths, serializeError, serializeRequest } from '../platform/web/log-serializers.js';
import { homeRoutes } from '../platform/web/home.js';
import { pages } from '../platform/web/pages.js';
import { staticAssets } from '../platform/web/static-assets.js';

export interface RouteEntry {
  method: string;
  url: string;
  access: Access;
  signInStage?: string | undefined;
  /** The route shows children's details, so each answer it gives is audited as a read of pupil data. */
  pupilData: boolean;
  /** An API operation's declaration, for the OpenAPI document. */
  api?: ApiOperation | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    routeTable: RouteEntry[];
  }
}

export interface AppOptions {
  /** `stream` lets a test read what would be logged. */
  logger?: boolean | { level: string; stream?: DestinationStream };
  /** Shows the demo banner. */
  demo?: boolean;
}

/**
 * Builds the app and starts nothing: no workers, no housekeeping, no timers of its own. A test, a benchmark or a
 * command builds it freely; `s2s serve` starts what a serving node runs (`startBulkWork`).
 */
export async function buildApp(services: Services, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger:
      typeof options.logger === 'object'
        ? {
            ...options.logger,
            serializers: { req: serializeRequest, err: (error: unknown) => serializeError(error) },
            // The upload parser logs its options at trace, the request's headers among them.
            redact: { paths: loggedHeaderPaths, censor: '[redacted]' },
          }
        : (options.logger ?? false),
    trustProxy: (_address: string, hop: number) => hop < services.config.trustProxy,
    bodyLimit: 1024 * 1024,
    // A whole request, headers and body, must arrive within two hours (500 MB at 70 KB/s); slower bodies are cut
    // off sooner by the minimum rate (disconnectSlowBodies). Headers must arrive within Fastify's 60 s.
    requestTimeout: 2 * 60 * 60 * 1000,
    // Request ids in logs, never personal data.
    genReqId: () => crypto.randomUUID(),
    routerOptions: { ignoreTrailingSlash: true },
    rewriteUrl: rewriteBadAddress,
    clientErrorHandler: answerUnreadableRequest,
  });

  // 1. Every route must say who may call it; the app refuses to start otherwise. The table of routes feeds the
  // authorisation matrix test.
  const routeTable: RouteEntry[] = [];
  app.decorate('routeTable', routeTable);
  app.addHook('onRoute', (route) => {
    if (!route.config?.access) {
      throw new Error(`Route ${String(route.method)} ${route.url} declares no access rule (config.access)`);
    }
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD')
        routeTable.push({
          method,
          url: route.url,
          access: route.config.access,
          signInStage: route.config.signInStage,
          pupilData: route.config.pupilData ?? false,
          api: route.config.api,
        });
    }
  });

  // 2. Security headers: a strict CSP with per-response nonces and no inline script.
  await app.register(helmet, {
    enableCSPNonces: true,
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        upgradeInsecureRequests: null,
      },
    },
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: 'same-origin' },
  });

  // 3. Shed load with 503 and Retry-After rather than stall when the event loop falls behind.
  await app.register(underPressure, {
    maxEventLoopDelay: services.config.maxEventLoopDelayMs,
    sampleInterval: SAMPLE_INTERVAL_MS,
    retryAfter: 10,
    exposeStatusRoute: false,
    // Resolving with nothing lets the request through; a rejection becomes the service's own 503 page or answer.
    pressureHandler: (_request, _reply, type, value) =>
      isPressure(type, value, services.config.maxEventLoopDelayMs)
        ? Promise.reject(new ServiceBusyError('The service is busy.'))
        : undefined,
  });

  // Bodies must keep arriving: a sender that trickles is disconnected (upload slots are bounded per user as well).
  disconnectSlowBodies(app, {
    minBytesPerSecond: services.config.minBodyBytesPerSecond,
    windowSeconds: services.config.slowBodyWindowSeconds,
    onDisconnected: () => services.metrics.countSlowBody(),
  });

  // Every answer is timed by its route for the operator's metrics, shed or refused ones included.
  await app.register(metricsRoutes, { metrics: services.metrics, token: services.config.metricsToken });

  // 4. Parsing, with small limits: forms are short.
  await app.register(cookie);
  await app.register(formbody, { bodyLimit: 64 * 1024 });
  // Uploads stream part by part. The parser only truncates a part one byte past the larger limit; the
  // transfer code counts as it reads and refuses that file alone, in its own words, leaving the rest.
  await app.register(multipart, {
    throwFileSizeLimit: false,
    limits: {
      fileSize: Math.max(services.config.maxFileMb, services.config.maxZipMb) * 1024 * 1024 + 1,
      files: services.config.maxFilesPerRequest,
      fields: 5,
      fieldSize: 1024,
      parts: services.config.maxFilesPerRequest + 5,
    },
  });
  await app.register(rateLimit, {
    global: false,
    store: postgresRateLimitStore(services.db, services.now),
    keyGenerator: (request) => request.ip,
  });

  // 5. Rendering and static files.
  await app.register(pages, {
    services,
    demo: options.demo ?? false,
    navigation: capabilities.flatMap((capability) => capability.navigation ?? []),
    footer: capabilities.flatMap((capability) => capability.footer ?? []),
  });
  await app.register(staticAssets);

  // 6. Who is calling, 7. what they may do, 8. forms carry a CSRF token.
  await app.register(authenticate, { services });
  await app.register(authorise, { services });
  await app.register(checkCsrf, { services });

  // Error answers of the API leave through its one declared error schema, whichever step gave them.
  declareApiErrors(app, isApi);

  // 9. One error handler, and plain pages that reveal nothing internal. Registered before the routes so that
  // every route's context inherits it.
  await app.register(handleErrors, {
    largestBodyBytes: Math.max(services.config.maxFileMb, services.config.maxZipMb) * 1024 * 1024 * 1.1,
    storage: services.storage,
    metrics: services.metrics,
  });

  // 10. Capabilities: each brings its routes, pages and bulk-job handlers in its manifest.
  await app.register(healthRoutes, { services });
  await app.register(homeRoutes, {
    services,
    tiles: capabilities.flatMap((capability) => capability.homeTiles ?? []),
    toDo: capabilities.flatMap((capability) => capability.toDo ?? []),
  });
  for (const capability of capabilities) {
    for (const routes of capability.routes ?? []) await app.register(routes, { services });
  }

  // What this node does with bulk work when it takes any: `startBulkWork` (run by `s2s serve`) starts the workers.
  for (const kind of capabilities.flatMap((capability) => capability.jobs ?? [])) {
    services.jobs.register(kind.kind, kind.handler(services, app.log), kind.options?.(services));
  }
  // Workers started later stop with the app (stopping workers never started does nothing).
  app.addHook('onClose', async () => services.jobs.stop());
  await app.register(apiDocsRoutes);

  // Every read of children's details is audited: routes that show them say so, and each answer they give is logged
  // before it is sent, so nothing is read unrecorded.
  app.addHook('onSend', async (request, reply) => {
    // A refused form (422) shows its page again, children's details included.
    if (!request.routeOptions.config.pupilData || (reply.statusCode !== 200 && reply.statusCode !== 422)) return;
    if (!request.user) return;
    await services.audit({
      action: 'pupil-data.viewed',
      actor: auditActor(request.user),
      sourceIp: request.ip,
      details: { route: request.routeOptions.url ?? '', params: request.params ?? {} },
    });
  });

  // Guessing ids is seen: a refusal or a miss on a route that names something by id is recorded with who asked.
  // A route that answers "not found" hands over to the not-found handler, which forgets the route, so it is kept.
  const routeAsked = new WeakMap<object, string>();
  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.url) routeAsked.set(request.raw, request.routeOptions.url);
  });
  app.addHook('onSend', async (request, reply) => {
    if (!request.user || (reply.statusCode !== 403 && reply.statusCode !== 404)) return;
    const params = (request.params ?? {}) as Record<string, unknown>;
    if (Object.keys(params).length === 0) return;
    await services.audit({
      action: 'request.refused-by-id',
      actor: auditActor(request.user),
      sourceIp: request.ip,
      details: {
        route: routeAsked.get(request.raw) ?? request.routeOptions.url ?? '',
        params,
        status: reply.statusCode,
      },
    });
    await countRefusalById(services, request.user, request.ip);
  });

  // Nothing shown to a signed-in user may be kept by a browser or proxy cache.
  app.addHook('onSend', async (_request, reply) => {
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
  });
  return app;
}

/** Starts this node's share of the bulk work (zip unpacking), until the app closes; before or after it is ready. */
export function startBulkWork(app: FastifyInstance, services: Services): void {
  services.jobs.start(services.config.bulkWorkers, {
    onError: (error) => app.log.error({ err: error }, 'bulk job failed'),
    onRequeued: (job, error) =>
      app.log.warn(
        { err: error, job: job.id, kind: job.kind },
        'bulk job put back in the queue: the database went away under it; it resumes where it stopped',
      ),
    onPollFailed: () => services.metrics.countJobPollFailed(),
    // One line when the queue cannot be polled and one when it can again, not one a poll: workers wait longer
    // after each failed poll (up to 10 s) rather than ask a database that is away over and over.
    onPollingLost: (error) =>
      app.log.warn(
        { err: error },
        'bulk jobs: cannot poll the queue (database unavailable?); polling again with growing pauses',
      ),
    onPollingBack: (afterMs) =>
      app.log.info({ afterMs }, `bulk jobs: polling again, after ${Math.round(afterMs / 1000)} s of failed polls`),
  });
}
