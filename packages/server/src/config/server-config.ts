import { resolve } from 'node:path';
import type { ConfigValues } from './values.js';
import type { LOG_LEVELS } from './variables.js';

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
  /** Connections of the pool to PostgreSQL (`MMTEL_PG_POOL_SIZE`), when `databaseUrl` is set. */
  pgPoolSize: number;
  /** Whether a durable write answers only once on disk (`on`, the default) or once committed (`MMTEL_SYNCHRONOUS_COMMIT`). */
  synchronousCommit: boolean;
  logLevel: (typeof LOG_LEVELS)[number];
  /** How logs are written: `auto` is readable on a terminal in development, JSON otherwise. */
  logFormat: ConfigValues['MMTEL_LOG_FORMAT'];
  /** Serve the interactive API reference at /docs/. */
  docs: boolean;
  /** `production` turns response validation off unless asked for. */
  profile: ConfigValues['MMTEL_PROFILE'];
  /** Validate every response against the spec and fail loudly on a mismatch. */
  validateResponses: boolean;
  /** Largest request body accepted, in bytes (413 above). */
  bodyLimit: number;
  /** The optional features this server supports (TS 29.122 clause 5.2.7), hex. */
  supportedFeatures: string;
  notifications: NotificationSettings;
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
  network: NetworkConfig;
  security: SecurityConfig;
}

/** What plays the calls (`MMTEL_NETWORK`) and, for the SIP adapter, how it reaches the network (`MMTEL_SIP_*`). */
export interface NetworkConfig {
  kind: ConfigValues['MMTEL_NETWORK'];
  sip: SipSettings;
}

/** The SIP adapter's settings. */
export interface SipSettings {
  /** Address the SIP stack binds (UDP and TCP) and names in its Contact and Via. */
  listenHost: string;
  listenPort: number;
  /** Transport of the requests it sends. */
  transport: ConfigValues['MMTEL_SIP_TRANSPORT'];
  /** Every initial request is routed through this proxy, if set. */
  outboundProxy?: string;
  /** The domain a tel: party is put under, if set. */
  domain?: string;
  /** The next hop (`address:port`) of requests to a party's domain, without an outbound proxy. */
  routes: Record<string, string>;
  /** A called party alerted this long is cancelled, ms. */
  noAnswerMs: number;
}

/** How notifications are delivered and kept (`MMTEL_NOTIFY_*`). */
export interface NotificationSettings {
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
}

/** TS 29.122 clause 6: who may call, where notifications may go, and how much a client may ask. */
export interface SecurityConfig {
  /** `none`: the `{}` security requirement (transport trust, optionally mutual TLS); `oauth2`: Bearer tokens. */
  auth: ConfigValues['MMTEL_AUTH'];
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

/**
 * The ServerConfig of the variables' values: where each variable goes, and nothing else (the
 * defaults, ranges and checks are the schema's, in variables.ts).
 */
export function toServerConfig(values: ConfigValues, cwd: string): ServerConfig {
  return {
    host: values.HOST,
    port: values.PORT,
    apiRoot: values.MMTEL_API_ROOT.replace(/\/+$/, ''),
    ...(values.MMTEL_SESSION_EVENT_NOTIFICATION_URI !== undefined && {
      sessionEventNotificationUri: values.MMTEL_SESSION_EVENT_NOTIFICATION_URI,
    }),
    dataDir: resolve(cwd, values.MMTEL_DATA_DIR),
    ...(values.DATABASE_URL !== undefined && { databaseUrl: values.DATABASE_URL }),
    pgPoolSize: values.MMTEL_PG_POOL_SIZE,
    synchronousCommit: values.MMTEL_SYNCHRONOUS_COMMIT === 'on',
    logLevel: values.LOG_LEVEL,
    logFormat: values.MMTEL_LOG_FORMAT,
    docs: values.MMTEL_DOCS,
    profile: values.MMTEL_PROFILE,
    validateResponses: values.MMTEL_VALIDATE_RESPONSES,
    bodyLimit: values.MMTEL_BODY_LIMIT,
    supportedFeatures: values.MMTEL_SUPPORTED_FEATURES,
    notifications: notificationSettings(values),
    simulator: {
      enabled: values.MMTEL_SIMULATOR,
      defaultScenario: values.MMTEL_SIM_SCENARIO,
      scenarioByParty: values.MMTEL_SIM_SCENARIOS,
      stepDelayMs: values.MMTEL_SIM_STEP_MS,
      releaseAfterMs: values.MMTEL_SIM_RELEASE_AFTER_MS,
    },
    network: networkConfig(values),
    security: securityConfig(values),
  };
}

function networkConfig(values: ConfigValues): NetworkConfig {
  // The pattern of MMTEL_SIP_LISTEN guarantees one colon before the port.
  const colon = values.MMTEL_SIP_LISTEN.lastIndexOf(':');
  return {
    kind: values.MMTEL_NETWORK,
    sip: {
      listenHost: values.MMTEL_SIP_LISTEN.slice(0, colon),
      listenPort: Number(values.MMTEL_SIP_LISTEN.slice(colon + 1)),
      transport: values.MMTEL_SIP_TRANSPORT,
      ...(values.MMTEL_SIP_OUTBOUND_PROXY !== undefined && { outboundProxy: values.MMTEL_SIP_OUTBOUND_PROXY }),
      ...(values.MMTEL_SIP_DOMAIN !== undefined && { domain: values.MMTEL_SIP_DOMAIN }),
      routes: values.MMTEL_SIP_ROUTES,
      noAnswerMs: values.MMTEL_SIP_NO_ANSWER_MS,
    },
  };
}

/** The notification settings of the variables' values. */
export function notificationSettings(values: ConfigValues): NotificationSettings {
  return {
    timeoutMs: values.MMTEL_NOTIFY_TIMEOUT_MS,
    maxAttempts: values.MMTEL_NOTIFY_MAX_ATTEMPTS,
    maxAgeMs: values.MMTEL_NOTIFY_MAX_AGE_MS,
    initialBackoffMs: values.MMTEL_NOTIFY_BACKOFF_MS,
    maxBackoffMs: values.MMTEL_NOTIFY_MAX_BACKOFF_MS,
    concurrency: values.MMTEL_NOTIFY_CONCURRENCY,
    retentionMs: values.MMTEL_NOTIFY_RETENTION_MS,
    leaseMs: values.MMTEL_NOTIFY_LEASE_MS,
  };
}

function securityConfig(values: ConfigValues): SecurityConfig {
  const certFile = values.MMTEL_TLS_CERT_FILE;
  const keyFile = values.MMTEL_TLS_KEY_FILE;
  return {
    auth: values.MMTEL_AUTH,
    oauth2: compact({
      jwksFile: values.MMTEL_OAUTH_JWKS_FILE,
      jwksUrl: values.MMTEL_OAUTH_JWKS_URL,
      publicKeyFile: values.MMTEL_OAUTH_PUBLIC_KEY_FILE,
      issuer: values.MMTEL_OAUTH_ISSUER,
      audience: values.MMTEL_OAUTH_AUDIENCE,
      aefId: values.MMTEL_OAUTH_AEF_ID,
      clockToleranceSec: values.MMTEL_OAUTH_CLOCK_SKEW_S,
    }),
    ...(certFile !== undefined &&
      keyFile !== undefined && { tls: compact({ certFile, keyFile, clientCaFile: values.MMTEL_TLS_CLIENT_CA_FILE }) }),
    tokenEndpoint: compact({
      enabled: values.MMTEL_CAPIF_TOKEN_ENDPOINT,
      clients: values.MMTEL_CAPIF_CLIENTS,
      signingKeyFile: values.MMTEL_OAUTH_SIGNING_KEY_FILE,
      ttlSec: values.MMTEL_CAPIF_TOKEN_TTL_S,
    }),
    targets: { allowPrivate: values.MMTEL_ALLOW_PRIVATE_TARGETS, allowNetworks: values.MMTEL_ALLOWED_TARGET_NETWORKS },
    limits: {
      rateLimitMax: values.MMTEL_RATE_LIMIT_MAX,
      rateLimitWindowMs: values.MMTEL_RATE_LIMIT_WINDOW_MS,
      maxHeaderBytes: values.MMTEL_MAX_HEADER_BYTES,
      maxUrlLength: values.MMTEL_MAX_URL_LENGTH,
      requestTimeoutMs: values.MMTEL_REQUEST_TIMEOUT_MS,
      headersTimeoutMs: values.MMTEL_HEADERS_TIMEOUT_MS,
      keepAliveTimeoutMs: values.MMTEL_KEEP_ALIVE_TIMEOUT_MS,
      overload: {
        enabled: values.MMTEL_OVERLOAD_PROTECTION,
        maxEventLoopDelayMs: values.MMTEL_OVERLOAD_MAX_EVENT_LOOP_DELAY_MS,
        maxHeapUsedBytes: values.MMTEL_OVERLOAD_MAX_HEAP_BYTES,
        maxRssBytes: values.MMTEL_OVERLOAD_MAX_RSS_BYTES,
        retryAfterSec: values.MMTEL_OVERLOAD_RETRY_AFTER_S,
      },
    },
  };
}

/** The object without its undefined properties (optional properties are absent, never undefined). */
function compact<T extends Record<string, unknown>>(
  value: T,
): { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
} {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as never;
}
