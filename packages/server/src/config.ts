import { resolve } from 'node:path';

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
  const apiRoot = read.url('MMTEL_API_ROOT', `http://${host.includes(':') ? `[${host}]` : host}:${port}`).replace(/\/+$/, '');
  const sessionEventNotificationUri = read.optionalUrl('MMTEL_SESSION_EVENT_NOTIFICATION_URI');
  const databaseUrl = read.optionalUrl('DATABASE_URL', ['postgres:', 'postgresql:']);
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
      timeoutMs: read.integer('MMTEL_NOTIFY_TIMEOUT_MS', 5000, 1, 600_000),
      maxAttempts: read.integer('MMTEL_NOTIFY_MAX_ATTEMPTS', 10, 1, 1000),
      maxAgeMs: read.integer('MMTEL_NOTIFY_MAX_AGE_MS', 3_600_000, 1, 7 * 24 * 3_600_000),
      initialBackoffMs: read.integer('MMTEL_NOTIFY_BACKOFF_MS', 200, 0, 600_000),
      maxBackoffMs: read.integer('MMTEL_NOTIFY_MAX_BACKOFF_MS', 60_000, 0, 3_600_000),
      concurrency: read.integer('MMTEL_NOTIFY_CONCURRENCY', 64, 1, 4096),
      retentionMs: read.integer('MMTEL_NOTIFY_RETENTION_MS', 24 * 3_600_000, 0, 365 * 24 * 3_600_000),
    },
    simulator: {
      enabled: read.boolean('MMTEL_SIMULATOR', true),
      defaultScenario: read.string('MMTEL_SIM_SCENARIO', 'answer'),
      scenarioByParty: read.map('MMTEL_SIM_SCENARIOS'),
      stepDelayMs: read.integer('MMTEL_SIM_STEP_MS', 500, 0, 600_000),
      releaseAfterMs: read.integer('MMTEL_SIM_RELEASE_AFTER_MS', 5000, 0, 86_400_000),
    },
  };
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
    map(name: string): Record<string, string> {
      const value = raw(name);
      const result: Record<string, string> = {};
      if (value === undefined) return result;
      for (const pair of value.split(',')) {
        const at = pair.lastIndexOf('=');
        if (at <= 0 || at === pair.length - 1) fail(name, value, 'comma-separated <party>=<scenario> pairs');
        result[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
      }
      return result;
    },
  };
}
