import { ConfigError } from './config-error.js';
import { readEnvironment } from './read-environment.js';
import { toServerConfig, type ServerConfig } from './server-config.js';
import type { ConfigValues } from './values.js';

/**
 * Reads and validates the configuration against the schema (variables.ts), then the rules that
 * tie several variables together; throws a ConfigError naming every bad variable.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): ServerConfig {
  const values = readEnvironment(env);
  const broken = RULES.map((rule) => rule(values)).filter((problem): problem is string => problem !== undefined);
  if (broken.length > 0) throw new ConfigError(broken);
  return toServerConfig(values, cwd);
}

type Rule = (values: ConfigValues) => string | undefined;

/** What one variable's schema cannot say: the variables that go together. */
const RULES: readonly Rule[] = [
  // Longer than one request of an attempt, or every attempt would outlive its lease.
  (v) =>
    v.MMTEL_NOTIFY_LEASE_MS <= v.MMTEL_NOTIFY_TIMEOUT_MS
      ? `MMTEL_NOTIFY_LEASE_MS=${v.MMTEL_NOTIFY_LEASE_MS} must be longer than MMTEL_NOTIFY_TIMEOUT_MS=${v.MMTEL_NOTIFY_TIMEOUT_MS}: a notification whose lease lapses mid-attempt may be sent again by another instance`
      : undefined,
  (v) =>
    v.MMTEL_AUTH === 'oauth2' &&
    !v.MMTEL_OAUTH_JWKS_FILE &&
    !v.MMTEL_OAUTH_JWKS_URL &&
    !v.MMTEL_OAUTH_PUBLIC_KEY_FILE &&
    !v.MMTEL_CAPIF_TOKEN_ENDPOINT
      ? 'MMTEL_AUTH=oauth2 needs the keys that sign tokens: set MMTEL_OAUTH_JWKS_FILE, MMTEL_OAUTH_JWKS_URL or MMTEL_OAUTH_PUBLIC_KEY_FILE (or MMTEL_CAPIF_TOKEN_ENDPOINT=true to issue tokens here)'
      : undefined,
  (v) =>
    v.MMTEL_CAPIF_TOKEN_ENDPOINT && Object.keys(v.MMTEL_CAPIF_CLIENTS).length === 0
      ? 'MMTEL_CAPIF_TOKEN_ENDPOINT=true needs MMTEL_CAPIF_CLIENTS: comma-separated <client_id>=<client_secret> pairs'
      : undefined,
  (v) =>
    (v.MMTEL_TLS_CERT_FILE === undefined) !== (v.MMTEL_TLS_KEY_FILE === undefined)
      ? 'MMTEL_TLS_CERT_FILE and MMTEL_TLS_KEY_FILE go together: set both for HTTPS, or neither'
      : undefined,
  (v) =>
    v.MMTEL_TLS_CLIENT_CA_FILE !== undefined && v.MMTEL_TLS_CERT_FILE === undefined
      ? 'MMTEL_TLS_CLIENT_CA_FILE (mutual TLS) needs HTTPS: set MMTEL_TLS_CERT_FILE and MMTEL_TLS_KEY_FILE'
      : undefined,
];
