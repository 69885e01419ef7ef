import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { ajvFormats, ajvOptions, createAjv, installJsonBodyParser, toInvalidParams } from '@mmtel/validation';
import type { ValidateFunction } from 'ajv';
import { installAfterResponse } from './after-response.js';
import { ConfigError, type ServerConfig } from './config.js';
import { registerDocsSite } from './docs-site/index.js';
import { type HandlerContext, type HandlerServices, RequestContext } from './handler-context.js';
import { handlers } from './handlers/index.js';
import { installErrorHandling, sendProblem } from './http/error-handler.js';
import { jsonText } from './http/json-text.js';
import { LazyValidators } from './http/lazy-validators.js';
import { warmUpOnceReady } from './warm-up.js';
import { OneLineRequestLog } from './http/request-log.js';
import { httpServerOptions } from './http/http-server.js';
import { operationResolver } from './http/operation-routes.js';
import { problem } from './http/problem.js';
import { bundledSpec, componentSchema, type OpenApiDocument } from './http/spec.js';
import { registerSpecRoutes } from './http/spec-routes.js';
import { loggerOptions, type LogStyle } from './logging.js';
import { Metrics } from './metrics.js';
import {
  DEFAULT_DELIVERY_POLICY,
  type DeliveryPolicy,
  NotificationEngine,
  NotificationQueue,
  rememberPermanentRedirects,
  SessionEventTarget,
  WebSocketHub,
} from './notifications/index.js';
import { acceptWebsocketUpgrades } from './notifications/websocket-upgrades.js';
import { registerNotificationWebsocket } from './notifications/websocket-route.js';
import { SessionService, type SessionValidator } from './sessions/session-service.js';
import { authenticate, type AuthenticationOptions } from './security/authentication.js';
import { installOverloadProtection, installRateLimit } from './security/limits.js';
import { ApiName } from './security/scopes.js';
import type { SigningKey } from './security/signing-key.js';
import type { TokenVerifier } from './security/token-verifier.js';
import { TargetPolicy } from './security/target-policy.js';
import type { NetworkAdapter } from './network/network-adapter.js';
import { selectNetwork } from './network/select-network.js';
import { NetworkSimulator } from './simulator/network-simulator.js';
import { openStore } from './store/open-store.js';
import type { Store } from './store/store.js';

/** What buildApp needs; everything but `config` has a default. */
export interface BuildOptions {
  config: ServerConfig;
  /** An open store to use (and not close); by default one is opened from the config and closed with the app. */
  store?: Store;
  /** Pino options, or false for no logs. Defaults to JSON logs at config.logLevel. */
  logger?: boolean | { level: string };
  /**
   * Logs written to stdout in this style (main.ts: logging.ts's choice for the terminal); the
   * readable style logs one line per request. Ignored when `logger` is given.
   */
  logStyle?: LogStyle;
  /**
   * Identifies the AF behind a request in `MMTEL_AUTH=none` mode (in `oauth2` mode the token
   * does); by default the client certificate's subject under mutual TLS, else one shared tenant.
   */
  identify?: (request: FastifyRequest) => string;
  /** Resolves notification target host names for the SSRF policy (the system resolver by default). */
  resolveTarget?: ConstructorParameters<typeof TargetPolicy>[0]['resolve'];
  /** Unique name of this instance in the outbox leases. */
  instanceId?: string;
}

/** The running parts of an app, for main.ts and the tests. */
export interface MmtelServer {
  sessions: SessionService;
  simulator: NetworkSimulator;
  /** Where notifications are enqueued (validated, stored, then delivered by the engine). */
  notifications: NotificationQueue;
  engine: NotificationEngine;
  store: Store;
  metrics: Metrics;
}

declare module 'fastify' {
  interface FastifyInstance {
    mmtel: MmtelServer;
  }
}

/**
 * Builds the MMTel Enabler Server: both TS 29.392 APIs from the bundled specs through
 * fastify-openapi-glue, the notification engine, health and metrics. Never listens: main.ts does.
 * Reads top to bottom: the HTTP server and its policies, then store → services → engine → routes.
 */
export async function buildApp(options: BuildOptions): Promise<FastifyInstance> {
  const { config } = options;
  const validators = new LazyValidators();
  const app = createFastify(config, options.logger, options.logStyle, validators);
  await installOverloadProtection(app, config.security.limits);
  const targets = await notificationTargets(config, options.resolveTarget);
  const signingKey = await tokenSigningKey(config);
  const auth: AuthenticationOptions = { verifier: await tokenVerifier(config, signingKey), identify: options.identify };
  const callControl = bundledSpec('callcontrol');
  const callEvent = bundledSpec('callevent');
  const simulatorSpec = bundledSpec('simulator');

  const store =
    options.store ??
    (await openStore({
      dataDir: config.dataDir,
      databaseUrl: config.databaseUrl,
      pgPoolSize: config.pgPoolSize,
      leaseMs: config.notifications.leaseMs,
      synchronousCommit: config.synchronousCommit,
    }));
  if (!options.store) app.addHook('onClose', async () => store.close());
  const metrics = new Metrics(store);

  // The services enqueue through the queue; the engine, built after them, is woken by it and
  // tells them where a 308 moved a notification URI.
  const notifications = new NotificationQueue(store.outbox);
  const sessionEventTarget = await SessionEventTarget.open(store.targets, config.sessionEventNotificationUri);
  const validateSession = sessionValidator(callControl);
  const sessions = new SessionService(store, notifications, config, validateSession, (uri) => targets.check(uri));
  const simulator = new NetworkSimulator({
    sessions,
    notifier: notifications,
    outbox: store.outbox,
    sessionEventTarget,
    config: config.simulator,
    log: app.log,
  });
  const network = await selectNetwork({ config, simulator, sessions, log: app.log });
  if (network !== undefined) sessions.observe(network);
  const websockets = new WebSocketHub();
  const engine = new NotificationEngine({
    store,
    queue: notifications,
    instanceId: options.instanceId ?? randomUUID(),
    logger: app.log,
    policy: deliveryPolicy(config, store.outbox.leaseMs),
    websockets,
    ...(!targets.allowsEverything && { checkTarget: (url: URL) => targets.check(url), lookup: targets.lookup }),
    metrics: metrics.engineHooks(),
    onPermanentRedirect: rememberPermanentRedirects(sessions, sessionEventTarget),
    // A developer watching the log sees every notification go out; production keeps it for debug.
    deliveredLogLevel: config.profile === 'development' ? 'info' : 'debug',
  });
  app.decorate('mmtel', { sessions, simulator, notifications, engine, store, metrics });
  runBackgroundWork(app, { engine, simulator, network, store, retentionMs: config.notifications.retentionMs });
  warmUpOnceReady(app, [() => metrics.load(), () => validators.warmUp(), () => notifications.warmUp(), () => validateSession.warmUp()]);

  // Before any scope is registered: a scope inherits the hooks its parent has when it is registered.
  installAfterResponse(app, metrics);
  if (signingKey !== undefined) {
    const { registerTokenEndpoint } = await import('./security/token-endpoint.js');
    await registerTokenEndpoint(app, {
      config: { ...config.security.tokenEndpoint, ...config.security.oauth2 },
      key: signingKey,
      defaultIssuer: `${config.apiRoot}/capif-security/v1`,
    });
  }
  const services: HandlerServices = { sessions, simulator };
  const contextOf = (request: FastifyRequest): HandlerContext => new RequestContext(request, services);
  const apis: Array<[ApiName, OpenApiDocument]> = [
    [ApiName.CALL_CONTROL, callControl],
    [ApiName.CALL_EVENT, callEvent],
  ];
  if (config.simulator.enabled) apis.push([ApiName.SIMULATOR, simulatorSpec]);
  // The APIs share the rate limit (one budget per AF) and the response validation; each API has a
  // scope of its own that authenticates for that API. The rate limit, a route-level hook, runs
  // after the scope's authentication, so that it counts per AF.
  await app.register(async (scope) => {
    await installRateLimit(scope, config.security.limits, store.rateCounters);
    // Loaded only when on (the development profile): the production start does not pay for it.
    if (config.validateResponses)
      await scope.register((await import('@fastify/response-validation')).default, { ajv: { ...ajvOptions, plugins: [ajvFormats] } });
    const resolver = operationResolver(handlers, contextOf);
    for (const [api, spec] of apis) {
      await scope.register(async (apiScope) => {
        authenticate(apiScope, api, auth);
        await registerSpecRoutes(apiScope, forGlue(spec), resolver, basePathOf(spec));
      });
    }
  });
  // In a scope of its own: @fastify/websocket wraps the handler of every route in its scope, and
  // the API routes have no use for that (a measurable cost per request).
  await app.register(async (scope) => {
    await acceptWebsocketUpgrades(scope);
    authenticate(scope, ApiName.CALL_CONTROL, auth);
    registerNotificationWebsocket(scope, websockets, sessions);
  });
  registerOperationsRoutes(app, store, metrics);
  await registerDocsSite(app, config);
  return app;
}

/** Fastify with the server's HTTP options, serializer, JSON parsers and ProblemDetails errors. */
function createFastify(
  config: ServerConfig,
  logger: BuildOptions['logger'],
  style: LogStyle | undefined,
  validators: LazyValidators,
): FastifyInstance {
  const oneLinePerRequest = logger === undefined && style === 'pretty';
  const app = Fastify({
    logger: logger ?? (style !== undefined ? loggerOptions(config, style) : { level: config.logLevel }),
    ...(oneLinePerRequest && { logController: new OneLineRequestLog() }),
    bodyLimit: config.bodyLimit,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    return503OnClosing: true,
    // Compiling the specs' schemas takes a few seconds on a loaded 2-core machine; Fastify's
    // 10 s default has been seen to trip there.
    pluginTimeout: 60_000,
    ajv: { customOptions: ajvOptions, plugins: [ajvFormats] },
    // Route validators compiled at first use or once ready, not before ready (http/lazy-validators.ts).
    schemaController: validators.schemaController(),
    ...httpServerOptions(config.security),
    frameworkErrors: routingProblem,
  });
  // Bodies are sent as the handlers built them: jsonText (JSON.stringify, integers kept integers)
  // drops nothing, unlike a schema-driven serializer that silently removes attributes it does not know.
  app.setSerializerCompiler(() => (data) => jsonText(data));
  installJsonParsers(app);
  installErrorHandling(app);
  return app;
}

/** The SSRF policy on notification targets; the configured SessionEventNotificationUri must pass it. */
async function notificationTargets(config: ServerConfig, resolve: BuildOptions['resolveTarget']): Promise<TargetPolicy> {
  const targets = new TargetPolicy({
    allowPrivate: config.security.targets.allowPrivate,
    allow: config.security.targets.allowNetworks,
    ...(resolve && { resolve }),
  });
  if (config.sessionEventNotificationUri !== undefined) {
    await targets.check(config.sessionEventNotificationUri).catch((error: Error) => {
      throw new ConfigError(
        `MMTEL_SESSION_EVENT_NOTIFICATION_URI="${config.sessionEventNotificationUri}" is not an allowed notification target: ${error.message} (see MMTEL_ALLOW_PRIVATE_TARGETS, MMTEL_ALLOWED_TARGET_NETWORKS)`,
      );
    });
  }
  return targets;
}

/**
 * Checks a whole ImsSession against the spec (the result of a merge patch). Compiled on first
 * use or by `warmUp` once the server is ready (~80 ms): the start does not wait for it.
 */
function sessionValidator(callControl: OpenApiDocument): SessionValidator & { warmUp(): void } {
  let validate: ValidateFunction | undefined;
  const compiled = () => (validate ??= createAjv().compile(componentSchema(callControl, 'ImsSession')));
  const check = (session: unknown) => {
    const valid = compiled();
    return valid(session) ? [] : toInvalidParams(valid.errors);
  };
  return Object.assign(check, { warmUp: () => void compiled() });
}

/** The configured delivery policy; the redirect bound and the poll interval are the engine's own. */
function deliveryPolicy(config: ServerConfig, leaseMs: number): DeliveryPolicy {
  const { timeoutMs, maxAttempts, maxAgeMs, initialBackoffMs, maxBackoffMs, concurrency } = config.notifications;
  return { ...DEFAULT_DELIVERY_POLICY, timeoutMs, maxAttempts, maxAgeMs, initialBackoffMs, maxBackoffMs, concurrency, leaseMs };
}

/**
 * What runs beside the requests: the engine delivers from ready to close, finished notifications
 * leave the delivery record once their retention has passed, and the network (the simulator's
 * scenarios, the SIP adapter's calls) stops at close.
 */
function runBackgroundWork(
  app: FastifyInstance,
  parts: {
    engine: NotificationEngine;
    simulator: NetworkSimulator;
    network: NetworkAdapter | undefined;
    store: Store;
    retentionMs: number;
  },
): void {
  const { engine, simulator, network, store, retentionMs } = parts;
  app.addHook('onReady', async () => engine.start());
  // The SIP adapter binds its sockets here, not in buildApp, which never listens.
  if (network !== undefined) app.addHook('onReady', async () => network.start());
  const pruning = setInterval(
    () => {
      store.outbox.prune(Date.now() - retentionMs).catch((err: unknown) => app.log.warn({ err }, 'pruning the outbox failed'));
    },
    Math.min(60_000, Math.max(1_000, retentionMs)),
  ).unref();
  app.addHook('onClose', async () => clearInterval(pruning));
  app.addHook('preClose', async () => {
    await simulator.stop();
    if (network !== undefined && network !== simulator) await network.stop();
    await engine.stop();
  });
}

/**
 * Only the JSON media types the specs name have a parser; any other type gets 415. The
 * problem+json parser exists because the specs name that type (for responses) and glue checks
 * every named type has one; a request sent with it still gets 415 from the operation check.
 */
function installJsonParsers(app: FastifyInstance): void {
  installJsonBodyParser(app, ['application/json', 'application/merge-patch+json', 'application/problem+json']);
}

/**
 * Errors Fastify raises while routing, before any hook: a path parameter over `maxParamLength`
 * (no resource can have such an id: 404) and a malformed percent-encoding (400), as ProblemDetails
 * (fuzz findings F8 and F9).
 */
function routingProblem(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH')
    void sendProblem(reply, problem('RESOURCE_URI_STRUCTURE_NOT_FOUND', 'No resource has an identifier that long.'));
  else if (error.code === 'FST_ERR_BAD_URL')
    void sendProblem(reply, problem('INVALID_MSG_FORMAT', 'The request URI is not validly percent-encoded.'));
  else void sendProblem(reply, problem('INVALID_MSG_FORMAT', error.message));
}

function registerOperationsRoutes(app: FastifyInstance, store: Store, metrics: Metrics): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (request, reply) => {
    try {
      await store.ping();
      return { status: 'ready', store: store.kind };
    } catch (err) {
      request.log.warn({ err }, 'store not ready');
      return sendProblem(reply, problem('NF_CONGESTION', `The ${store.kind} store does not answer.`));
    }
  });
  app.get('/metrics', async (_request, reply) => {
    const { contentType, text } = await metrics.exposition();
    reply.type(contentType);
    return text;
  });
}

/**
 * The spec as fastify-openapi-glue gets it: without the security schemes, because the 3GPP
 * form `tokenUrl: '{tokenUrl}'` fails glue's OpenAPI schema check (it is not a uri-reference),
 * and because authentication is the server's own concern, not glue's.
 */
function forGlue(spec: OpenApiDocument): OpenApiDocument {
  const { security: _security, components, ...rest } = spec;
  const { securitySchemes: _schemes, ...otherComponents } = components ?? {};
  return { ...rest, components: otherComponents };
}

/** The key of the development token endpoint: from MMTEL_OAUTH_SIGNING_KEY_FILE, else generated. */
async function tokenSigningKey(config: ServerConfig): Promise<SigningKey | undefined> {
  const { tokenEndpoint } = config.security;
  if (!tokenEndpoint.enabled) return undefined;
  // Loaded only here: jose (~45–55 ms of start-up) serves only the token endpoint and OAuth 2.0.
  const { generateSigningKey, readSigningKey } = await import('./security/signing-key.js');
  return tokenEndpoint.signingKeyFile !== undefined ? readSigningKey(tokenEndpoint.signingKeyFile) : (await generateSigningKey()).key;
}

/** The Bearer token verifier of the `oauth2` mode; none in the `none` mode, which then never loads jose. */
async function tokenVerifier(config: ServerConfig, signingKey: SigningKey | undefined): Promise<TokenVerifier | undefined> {
  if (config.security.auth !== 'oauth2') return undefined;
  const { TokenVerifier } = await import('./security/token-verifier.js');
  return TokenVerifier.create(config.security.oauth2, signingKey ? [signingKey.publicJwk] : []);
}

function basePathOf(spec: OpenApiDocument): string {
  const servers = spec.servers as Array<{ url: string }> | undefined;
  return (servers?.[0]?.url ?? '').replace(/^\{apiRoot\}/, '');
}
