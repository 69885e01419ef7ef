import { resolve } from 'node:path';
import { invalidNetwork } from './security/target-policy.js';

/** How the server runs; read from the environment by `loadConfig`. */
export interface ServerConfig {
  host: string;
  port: number;
  /** The public {apiRoot} used in Location headers and `self` links, without a trailing slash. */
  apiRoot: string;
  /** The locally configured SessionEventNotificationUri (TS 29.392 clause 6.3.5.2.2), if any. */
  sessionEventNotificationUri?: string;
  /** Directory of the embedded (LMDB) store. */
  dataDir: string;
  /** PostgreSQL connection string; when set it replaces the embedded store. */
  databaseUrl?: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** `production` turns response validation off unless asked for. */
  profile: 'development' | 'production';
  /** Validate every response against the spec and fail loudly on a mismatch. */
  validateResponses: boolean;
  /** Largest request body accepted, in bytes (413 above). */
  bodyLimit: number;
  /** The optional features this server supports (TS 29.122 clause 5.2.7), hex. */
  supportedFeatures: string;
  notifications: {
    timeoutMs: number;
    maxAttempts: number;
    /** Give up on a notification this long after it was accepted. */
    maxAgeMs: number;
    initialBackoffMs: number;
    maxBackoffMs: number;
    concurrency: number;
    /** Delivered and given-up notifications stay in the delivery record this long. */
    retentionMs: number;
    /** How long an instance holds a notification it claimed before another may take it over. */
    leaseMs: number;
  };
  simulator: {
    /** Serve the simulator control API under /sim/v1 and run scenarios. */
    enabled: boolean;
    /** Scenario used when neither the request nor the called party picks one. */
    defaultScenario: string;
    /** Scenario per called party (`tel:+123=busy,sip:bob@example.com=no-answer`). */
    scenarioByParty: Record<string, string>;
    /** Delay between two scenario steps, ms (0 for tests). */
    stepDelayMs: number;
    /** Delay before the remote party hangs up in `remote-release`, ms. */
    releaseAfterMs: number;
  };
  security: SecurityConfig;
}

/** TS 29.122 clause 6: who may call, where notifications may go, and how much a client may ask. */
export interface SecurityConfig {
  /** `none`: the `{}` security requirement (transport trust, optionally mutual TLS); `oauth2`: Bearer tokens. */
  auth: 'none' | 'oauth2';
  oauth2: {
    /** Keys that verify token signatures: a JWKS file, a JWKS URL or a PEM public key (any of them). */
    jwksFile?: string;
    jwksUrl?: string;
    publicKeyFile?: string;
    issuer?: string;
    audience?: string;
    /** This AEF's id in CAPIF scopes (`3gpp#<aefId>:<apiName>`); any aefId when unset. */
    aefId?: string;
    clockToleranceSec: number;
  };
  /** HTTPS; a client CA turns on mutual TLS (a client certificate is then required). */
  tls?: { certFile: string; keyFile: string; clientCaFile?: string };
  /** The development CAPIF-like token endpoint (TS 29.222 clause 8.5.4.2.4 form). */
  tokenEndpoint: {
    enabled: boolean;
    /** client_id → client_secret. */
    clients: Record<string, string>;
    /** PEM private key that signs issued tokens; a key is generated at start when unset. */
    signingKeyFile?: string;
    ttlSec: number;
  };
  targets: {
    /** Let notifications reach loopback, private, link-local and other special-purpose addresses. */
    allowPrivate: boolean;
    /** Networks (CIDRs or addresses) allowed even when private ones are not. */
    allowNetworks: string[];
  };
  limits: {
    /** Requests per AF per window; 0 turns rate limiting off. */
    rateLimitMax: number;
    rateLimitWindowMs: number;
    maxHeaderBytes: number;
    maxUrlLength: number;
    /** Whole request (headers and body) must arrive within this; slow clients get 408. */
    requestTimeoutMs: number;
    headersTimeoutMs: number;
    keepAliveTimeoutMs: number;
    overload: {
      enabled: boolean;
      maxEventLoopDelayMs: number;
      /** 0 turns the bound off. */
      maxHeapUsedBytes: number;
      maxRssBytes: number;
      retryAfterSec: number;
    };
  };
}

/** A bad configuration value: the message names the variable and what it expects. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Reads and validates the configuration; throws a ConfigError naming the first bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): ServerConfig {
  const read = reader(env);
  const host = read.string('HOST', '127.0.0.1');
  const port = read.integer('PORT', 8080, 0, 65535);
  const profile = read.oneOf('MMTEL_PROFILE', ['development', 'production'] as const, env.NODE_ENV === 'production' ? 'production' : 'development');
  const scheme = read.optionalString('MMTEL_TLS_CERT_FILE') === undefined ? 'http' : 'https';
  const apiRoot = read.url('MMTEL_API_ROOT', `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`).replace(/\/+$/, '');
  const sessionEventNotificationUri = read.optionalUrl('MMTEL_SESSION_EVENT_NOTIFICATION_URI');
  const databaseUrl = read.optionalUrl('DATABASE_URL', ['postgres:', 'postgresql:']);
  const security = loadSecurity(read, profile);
  const notifyTimeoutMs = read.integer('MMTEL_NOTIFY_TIMEOUT_MS', 5000, 1, 600_000);
  return {
    host,
    port,
    apiRoot,
    ...(sessionEventNotificationUri !== undefined && { sessionEventNotificationUri }),
    dataDir: resolve(cwd, read.string('MMTEL_DATA_DIR', '.data/mmtel')),
    ...(databaseUrl !== undefined && { databaseUrl }),
    logLevel: read.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    profile,
    validateResponses: read.boolean('MMTEL_VALIDATE_RESPONSES', profile !== 'production'),
    bodyLimit: read.integer('MMTEL_BODY_LIMIT', 1024 * 1024, 1024, 64 * 1024 * 1024),
    supportedFeatures: read.features('MMTEL_SUPPORTED_FEATURES', '3'),
    notifications: {
      timeoutMs: notifyTimeoutMs,
      maxAttempts: read.integer('MMTEL_NOTIFY_MAX_ATTEMPTS', 10, 1, 1000),
      maxAgeMs: read.integer('MMTEL_NOTIFY_MAX_AGE_MS', 3_600_000, 1, 7 * 24 * 3_600_000),
      initialBackoffMs: read.integer('MMTEL_NOTIFY_BACKOFF_MS', 200, 0, 600_000),
      maxBackoffMs: read.integer('MMTEL_NOTIFY_MAX_BACKOFF_MS', 60_000, 0, 3_600_000),
      concurrency: read.integer('MMTEL_NOTIFY_CONCURRENCY', 64, 1, 4096),
      retentionMs: read.integer('MMTEL_NOTIFY_RETENTION_MS', 24 * 3_600_000, 0, 365 * 24 * 3_600_000),
      leaseMs: notifyLease(read, notifyTimeoutMs),
    },
    simulator: {
      enabled: read.boolean('MMTEL_SIMULATOR', true),
      defaultScenario: read.string('MMTEL_SIM_SCENARIO', 'answer'),
      scenarioByParty: read.map('MMTEL_SIM_SCENARIOS'),
      stepDelayMs: read.integer('MMTEL_SIM_STEP_MS', 500, 0, 600_000),
      releaseAfterMs: read.integer('MMTEL_SIM_RELEASE_AFTER_MS', 5000, 0, 86_400_000),
    },
    security,
  };
}

/** MMTEL_NOTIFY_LEASE_MS: longer than one request of an attempt, or every attempt would outlive its lease. */
function notifyLease(read: Reader, timeoutMs: number): number {
  const leaseMs = read.integer('MMTEL_NOTIFY_LEASE_MS', 90_000, 1_000, 3_600_000);
  if (leaseMs <= timeoutMs) {
    throw new ConfigError(`MMTEL_NOTIFY_LEASE_MS=${leaseMs} must be longer than MMTEL_NOTIFY_TIMEOUT_MS=${timeoutMs}: a notification whose lease lapses mid-attempt may be sent again by another instance`);
  }
  return leaseMs;
}

function loadSecurity(read: Reader, profile: ServerConfig['profile']): SecurityConfig {
  const auth = read.oneOf('MMTEL_AUTH', ['none', 'oauth2'] as const, 'none');
  const oauth2: SecurityConfig['oauth2'] = compact({
    jwksFile: read.optionalString('MMTEL_OAUTH_JWKS_FILE'),
    jwksUrl: read.optionalUrl('MMTEL_OAUTH_JWKS_URL'),
    publicKeyFile: read.optionalString('MMTEL_OAUTH_PUBLIC_KEY_FILE'),
    issuer: read.optionalString('MMTEL_OAUTH_ISSUER'),
    audience: read.optionalString('MMTEL_OAUTH_AUDIENCE'),
    aefId: read.optionalString('MMTEL_OAUTH_AEF_ID'),
    clockToleranceSec: read.integer('MMTEL_OAUTH_CLOCK_SKEW_S', 30, 0, 600),
  });
  const tokenEndpoint: SecurityConfig['tokenEndpoint'] = compact({
    enabled: read.boolean('MMTEL_CAPIF_TOKEN_ENDPOINT', false),
    clients: read.map('MMTEL_CAPIF_CLIENTS', '<client_id>=<client_secret>'),
    signingKeyFile: read.optionalString('MMTEL_OAUTH_SIGNING_KEY_FILE'),
    ttlSec: read.integer('MMTEL_CAPIF_TOKEN_TTL_S', 3600, 1, 86_400),
  });
  if (auth === 'oauth2' && !oauth2.jwksFile && !oauth2.jwksUrl && !oauth2.publicKeyFile && !tokenEndpoint.enabled) {
    throw new ConfigError('MMTEL_AUTH=oauth2 needs the keys that sign tokens: set MMTEL_OAUTH_JWKS_FILE, MMTEL_OAUTH_JWKS_URL or MMTEL_OAUTH_PUBLIC_KEY_FILE (or MMTEL_CAPIF_TOKEN_ENDPOINT=true to issue tokens here)');
  }
  if (tokenEndpoint.enabled && Object.keys(tokenEndpoint.clients).length === 0) {
    throw new ConfigError('MMTEL_CAPIF_TOKEN_ENDPOINT=true needs MMTEL_CAPIF_CLIENTS: comma-separated <client_id>=<client_secret> pairs');
  }
  const certFile = read.optionalString('MMTEL_TLS_CERT_FILE');
  const keyFile = read.optionalString('MMTEL_TLS_KEY_FILE');
  const clientCaFile = read.optionalString('MMTEL_TLS_CLIENT_CA_FILE');
  if ((certFile === undefined) !== (keyFile === undefined)) throw new ConfigError('MMTEL_TLS_CERT_FILE and MMTEL_TLS_KEY_FILE go together: set both for HTTPS, or neither');
  if (clientCaFile !== undefined && certFile === undefined) throw new ConfigError('MMTEL_TLS_CLIENT_CA_FILE (mutual TLS) needs HTTPS: set MMTEL_TLS_CERT_FILE and MMTEL_TLS_KEY_FILE');
  const allowNetworks = read.list('MMTEL_ALLOWED_TARGET_NETWORKS');
  const badNetwork = invalidNetwork(allowNetworks);
  if (badNetwork !== undefined) throw new ConfigError(`MMTEL_ALLOWED_TARGET_NETWORKS: "${badNetwork}" is not valid: expected IP addresses or CIDRs such as 10.20.0.0/16`);
  return {
    auth,
    oauth2,
    ...(certFile !== undefined && keyFile !== undefined && { tls: compact({ certFile, keyFile, clientCaFile }) }),
    tokenEndpoint,
    targets: { allowPrivate: read.boolean('MMTEL_ALLOW_PRIVATE_TARGETS', profile !== 'production'), allowNetworks },
    limits: {
      rateLimitMax: read.integer('MMTEL_RATE_LIMIT_MAX', 0, 0, 10_000_000),
      rateLimitWindowMs: read.integer('MMTEL_RATE_LIMIT_WINDOW_MS', 60_000, 1, 86_400_000),
      maxHeaderBytes: read.integer('MMTEL_MAX_HEADER_BYTES', 16_384, 1024, 1_048_576),
      maxUrlLength: read.integer('MMTEL_MAX_URL_LENGTH', 4096, 64, 1_048_576),
      requestTimeoutMs: read.integer('MMTEL_REQUEST_TIMEOUT_MS', 30_000, 1, 3_600_000),
      headersTimeoutMs: read.integer('MMTEL_HEADERS_TIMEOUT_MS', 10_000, 1, 3_600_000),
      keepAliveTimeoutMs: read.integer('MMTEL_KEEP_ALIVE_TIMEOUT_MS', 72_000, 1, 3_600_000),
      overload: {
        // Off in development: there, a test run building many apps in one process blocks its event
        // loop while compiling schemas, which is not overload.
        enabled: read.boolean('MMTEL_OVERLOAD_PROTECTION', profile === 'production'),
        maxEventLoopDelayMs: read.integer('MMTEL_OVERLOAD_MAX_EVENT_LOOP_DELAY_MS', 1000, 0, 600_000),
        maxHeapUsedBytes: read.integer('MMTEL_OVERLOAD_MAX_HEAP_BYTES', 0, 0, Number.MAX_SAFE_INTEGER),
        maxRssBytes: read.integer('MMTEL_OVERLOAD_MAX_RSS_BYTES', 0, 0, Number.MAX_SAFE_INTEGER),
        retryAfterSec: read.integer('MMTEL_OVERLOAD_RETRY_AFTER_S', 10, 1, 3600),
      },
    },
  };
}

type Reader = ReturnType<typeof reader>;

/** The object without its undefined properties (optional properties are absent, never undefined). */
function compact<T extends Record<string, unknown>>(value: T): { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & { [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as never;
}

function reader(env: NodeJS.ProcessEnv) {
  const raw = (name: string) => {
    const value = env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };
  const fail = (name: string, value: string, expected: string): never => {
    throw new ConfigError(`${name}="${value}" is not valid: expected ${expected}`);
  };
  const url = (name: string, value: string, protocols: string[]) => {
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      return fail(name, value, `an absolute URL (${protocols.join(' or ')})`);
    }
    if (!protocols.includes(parsed.protocol)) fail(name, value, `an absolute URL (${protocols.join(' or ')})`);
    return value;
  };
  return {
    string: (name: string, fallback: string) => raw(name) ?? fallback,
    optionalString: (name: string): string | undefined => raw(name),
    list: (name: string): string[] => (raw(name) ?? '').split(',').map((item) => item.trim()).filter((item) => item !== ''),
    integer(name: string, fallback: number, min: number, max: number): number {
      const value = raw(name);
      if (value === undefined) return fallback;
      const n = Number(value);
      if (!/^\d+$/.test(value) || n < min || n > max) fail(name, value, `an integer from ${min} to ${max}`);
      return n;
    },
    boolean(name: string, fallback: boolean): boolean {
      const value = raw(name)?.toLowerCase();
      if (value === undefined) return fallback;
      if (['1', 'true', 'on', 'yes'].includes(value)) return true;
      if (['0', 'false', 'off', 'no'].includes(value)) return false;
      return fail(name, value, 'true or false');
    },
    oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
      const value = raw(name);
      if (value === undefined) return fallback;
      if (!(allowed as readonly string[]).includes(value)) fail(name, value, `one of ${allowed.join(', ')}`);
      return value as T;
    },
    url: (name: string, fallback: string) => url(name, raw(name) ?? fallback, ['http:', 'https:']),
    optionalUrl(name: string, protocols = ['http:', 'https:']): string | undefined {
      const value = raw(name);
      return value === undefined ? undefined : url(name, value, protocols);
    },
    features(name: string, fallback: string): string {
      const value = raw(name) ?? fallback;
      if (!/^[A-Fa-f0-9]*$/.test(value)) fail(name, value, 'a hex supportedFeatures bitmask such as "3"');
      return value;
    },
    map(name: string, form = '<party>=<scenario>'): Record<string, string> {
      const value = raw(name);
      const result: Record<string, string> = {};
      if (value === undefined) return result;
      for (const pair of value.split(',')) {
        const at = pair.lastIndexOf('=');
        if (at <= 0 || at === pair.length - 1) fail(name, value, `comma-separated ${form} pairs`);
        result[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
      }
      return result;
    },
  };
}
