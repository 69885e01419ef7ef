import type { ServerConfig } from './config.js';
import type { SiteMap } from './docs-site/index.js';

/** The optional features of TS 29.392 this server can announce, by bit (MMTEL_SUPPORTED_FEATURES). */
const FEATURES: ReadonlyArray<[bit: number, name: string]> = [
  [1, 'Notification_websocket'],
  [2, 'Notification_test_event'],
];

/** What the start banner tells, also logged as fields in the JSON style. */
export interface StartFacts {
  listening: string;
  profile: ServerConfig['profile'];
  apis: Record<string, string>;
  docs?: string;
  specs: string;
  index: string;
  metrics: string;
  auth: string;
  store: string;
  features: string[];
}

/** The facts of a started server: where it listens, what it serves, and how it is configured. */
export function startFacts(config: ServerConfig, site: SiteMap, listening: string): StartFacts {
  const at = (path: string) => `${config.apiRoot}${path}`;
  return {
    listening,
    profile: config.profile,
    apis: Object.fromEntries(site.apis.map((api) => [api.title, at(api.path)])),
    ...(site.docs && { docs: at(site.docs.path) }),
    specs: at('/specs/'),
    index: at('/'),
    metrics: at('/metrics'),
    auth: authMode(config),
    store: config.databaseUrl !== undefined ? `PostgreSQL ${withoutPassword(config.databaseUrl)}` : `LMDB in ${config.dataDir}`,
    features: features(config),
  };
}

/**
 * The block the server logs once it listens: the API roots, docs, specs, simulator, metrics, the
 * auth mode, the store, the profile and the enabled features, so that a newcomer sees at a
 * glance what runs and where.
 */
export function startBanner(facts: StartFacts): string {
  const rows: Array<[string, string]> = [
    ...Object.entries(facts.apis),
    ['Docs', facts.docs ?? 'off (MMTEL_DOCS=false)'],
    ['Specs', `${facts.specs}<name>.yaml|.json (all listed at ${facts.index})`],
    ['Metrics', facts.metrics],
    ['Auth', facts.auth],
    ['Store', facts.store],
    ['Profile', facts.profile],
    ['Features', facts.features.join(', ')],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  return [`MMTel Enabler Server listening on ${facts.listening}`, ...rows.map(([name, value]) => `  ${name.padEnd(width)}  ${value}`)].join(
    '\n',
  );
}

function authMode(config: ServerConfig): string {
  const { auth, tls, tokenEndpoint } = config.security;
  const transport = tls === undefined ? 'HTTP' : tls.clientCaFile !== undefined ? 'HTTPS with mutual TLS' : 'HTTPS';
  if (auth === 'none') return `none: no token is checked (${transport}; MMTEL_AUTH=oauth2 turns tokens on)`;
  const issuer = tokenEndpoint.enabled ? '; tokens issued here at /capif-security/v1/securities/{securityId}/token' : '';
  return `oauth2: every API request needs a Bearer token (${transport}${issuer})`;
}

function features(config: ServerConfig): string[] {
  const bits = Number.parseInt(config.supportedFeatures || '0', 16);
  const { security } = config;
  return [
    ...FEATURES.filter(([bit]) => (bits & bit) !== 0).map(([, name]) => name),
    ...(config.simulator.enabled ? [`simulator (default scenario ${config.simulator.defaultScenario})`] : []),
    ...(config.validateResponses ? ['response validation'] : []),
    ...(security.targets.allowPrivate ? ['private notification targets'] : []),
    ...(security.limits.rateLimitMax > 0
      ? [`rate limit ${security.limits.rateLimitMax}/${security.limits.rateLimitWindowMs} ms per AF`]
      : []),
    ...(security.limits.overload.enabled ? ['overload protection'] : []),
  ];
}

function withoutPassword(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  if (url.password !== '') url.password = '***';
  return url.toString();
}
