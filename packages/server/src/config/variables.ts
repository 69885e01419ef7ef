import { scenarios } from '../simulator/scenarios.js';
import { byProfile, flag, integer, list, oneOf, pairs, text, url } from './variable.js';

/*
 * Every environment variable of the reference server, declared once: its type and range, its
 * default, and what it does. `loadConfig` reads the environment with it, the engine and the
 * store take their defaults from it, and `pnpm docs:generate` writes the tables of
 * docs/configuration.md and docs/security.md from it.
 * The order is the order of the tables.
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** The pino levels LOG_LEVEL accepts. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** The names of the simulator's call scenarios. */
export const SCENARIO_NAMES = Object.keys(scenarios);

/** The configuration schema: every variable the server reads. */
export const variables = {
  HOST: text({ group: 'server', default: '127.0.0.1', description: 'listen address', allowed: 'address or host name' }),
  PORT: integer({ group: 'server', min: 0, max: 65535, default: 8080, description: 'listen port' }),
  MMTEL_API_ROOT: url({
    group: 'server',
    format: 'http-url',
    description: 'the public {apiRoot} used in `Location` and `self`',
    default: {
      derive: (values) => {
        const host = String(values['HOST']);
        const scheme = values['MMTEL_TLS_CERT_FILE'] === undefined ? 'http' : 'https';
        return `${scheme}://${host.includes(':') ? `[${host}]` : host}:${String(values['PORT'])}`;
      },
      text: '`http://HOST:PORT` (`https` with `MMTEL_TLS_CERT_FILE`)',
    },
  }),
  MMTEL_SESSION_EVENT_NOTIFICATION_URI: url({
    group: 'server',
    format: 'http-url',
    description:
      'the locally configured SessionEventNotificationUri of MMTel_CallEvent (TS 29.392 clause 6.3.5.2.2); checked against the notification target policy at start',
  }),
  LOG_LEVEL: oneOf(LOG_LEVELS, { group: 'server', default: 'info', description: 'pino log level' }),
  NODE_ENV: text({
    group: 'server',
    description: '`production` selects the production profile when `MMTEL_PROFILE` is unset; other values are ignored',
    allowed: 'text',
  }),
  MMTEL_PROFILE: oneOf(['development', 'production'], {
    group: 'server',
    description:
      'the production profile turns response validation and private notification targets off and overload protection on (the defaults that say "in production")',
    default: {
      derive: (values) => (values['NODE_ENV'] === 'production' ? 'production' : 'development'),
      text: '`development` (`production` when `NODE_ENV=production`)',
    },
  }),
  MMTEL_VALIDATE_RESPONSES: flag({
    group: 'server',
    default: byProfile({ development: true, production: false }),
    description: 'validate every response against the spec, and answer 500 when one does not match',
  }),
  MMTEL_DOCS: flag({
    group: 'server',
    default: byProfile({ development: true, production: false }),
    description:
      'serve the interactive API reference at `/docs/` (both APIs, the simulator, and what the AS receives); `/` and the bundled specs under `/specs/` are served either way',
  }),
  MMTEL_LOG_FORMAT: oneOf(['auto', 'pretty', 'json'], {
    group: 'server',
    default: 'auto',
    description:
      '`pretty`: one readable line per event (pino-pretty); `json`: one JSON object per line; `auto`: `pretty` in development when the output is a terminal, `json` otherwise',
  }),
  MMTEL_SUPPORTED_FEATURES: text({
    group: 'server',
    default: '3',
    pattern: '^[A-Fa-f0-9]*$',
    expected: 'a hex supportedFeatures bitmask such as "3"',
    allowed: 'hex bitmask',
    description: "the server's optional features (TS 29.122 clause 5.2.7): 1 `Notification_websocket`, 2 `Notification_test_event`",
  }),

  MMTEL_DATA_DIR: text({
    group: 'store',
    default: '.data/mmtel',
    description: 'directory of the embedded (LMDB) store, relative to the working directory',
    allowed: 'directory',
  }),
  DATABASE_URL: url({
    group: 'store',
    format: 'postgres-url',
    description: 'use PostgreSQL instead of the embedded store (several instances may share it)',
  }),
  MMTEL_PG_POOL_SIZE: integer({
    group: 'store',
    min: 1,
    max: 1_000,
    default: 10,
    description:
      "connections of this server instance's pool to PostgreSQL (with `DATABASE_URL`), opened as requests need them; every instance sharing the database has its own, and together they must stay under PostgreSQL's `max_connections`",
  }),
  MMTEL_SYNCHRONOUS_COMMIT: oneOf(['on', 'off'], {
    group: 'store',
    default: 'on',
    description:
      "as PostgreSQL's `synchronous_commit`: `on`, a 2xx answer means its writes are on disk (fsynced); `off`, they are committed (visible, and kept if the process is killed) and flushed to disk right after the answer, so that a crash of the machine or a power loss can lose those of the last moments (LMDB: those not yet fsynced; PostgreSQL: up to 3 × `wal_writer_delay`), never corrupting the store. Applies to both stores; on PostgreSQL, `on` leaves the database's own `synchronous_commit` (on unless its administrator turned it off)",
  }),

  MMTEL_NOTIFY_TIMEOUT_MS: integer({
    group: 'notifications',
    min: 1,
    max: 600_000,
    default: 5_000,
    unit: 'ms',
    description: "timeout of one notification request: connecting, awaiting the answer's headers, each pause in its body",
  }),
  MMTEL_NOTIFY_MAX_ATTEMPTS: integer({
    group: 'notifications',
    min: 1,
    max: 1000,
    default: 10,
    description: 'attempts before giving up on a notification',
  }),
  MMTEL_NOTIFY_MAX_AGE_MS: integer({
    group: 'notifications',
    min: 1,
    max: 7 * DAY_MS,
    default: HOUR_MS,
    unit: 'ms',
    description: 'give up on a notification this long after it was accepted',
  }),
  MMTEL_NOTIFY_BACKOFF_MS: integer({
    group: 'notifications',
    min: 0,
    max: 600_000,
    default: 200,
    unit: 'ms',
    description: 'ceiling of the first retry delay; it doubles with each attempt (exponential backoff, full jitter)',
  }),
  MMTEL_NOTIFY_MAX_BACKOFF_MS: integer({
    group: 'notifications',
    min: 0,
    max: HOUR_MS,
    default: 60_000,
    unit: 'ms',
    description: 'largest retry delay drawn from the backoff (a longer `Retry-After` is still honoured)',
  }),
  MMTEL_NOTIFY_CONCURRENCY: integer({
    group: 'notifications',
    min: 1,
    max: 4096,
    default: 64,
    description: 'notifications in flight at once',
  }),
  MMTEL_NOTIFY_RETENTION_MS: integer({
    group: 'notifications',
    min: 0,
    max: 365 * DAY_MS,
    default: DAY_MS,
    unit: 'ms',
    description: 'delivered and given-up notifications stay in the delivery record this long',
  }),
  MMTEL_NOTIFY_LEASE_MS: integer({
    group: 'notifications',
    min: 1_000,
    max: HOUR_MS,
    default: 90_000,
    unit: 'ms',
    description:
      'how long an instance holds a notification it claimed; longer than `MMTEL_NOTIFY_TIMEOUT_MS`. One whose outcome was lost (a crash, a long PostgreSQL outage) is attempted again once it lapses',
  }),

  MMTEL_SIMULATOR: flag({ group: 'simulator', default: true, description: 'serve `/sim/v1` and play call scenarios' }),
  MMTEL_SIM_SCENARIO: oneOf(SCENARIO_NAMES, {
    group: 'simulator',
    default: 'answer',
    description: 'scenario played for a new IMS session',
  }),
  MMTEL_SIM_SCENARIOS: pairs({
    group: 'simulator',
    form: '<party>=<scenario>',
    value: { type: 'string', enum: SCENARIO_NAMES },
    expectedEntry: `one of ${SCENARIO_NAMES.join(', ')}`,
    allowed: '`<party>=<scenario>`, …',
    description: 'scenario per called party: `tel:+4930123=busy,sip:bob@example.com=no-answer`',
  }),
  MMTEL_SIM_STEP_MS: integer({
    group: 'simulator',
    min: 0,
    max: 600_000,
    default: 500,
    unit: 'ms',
    description: 'delay between two scenario steps (0 in tests)',
  }),
  MMTEL_SIM_RELEASE_AFTER_MS: integer({
    group: 'simulator',
    min: 0,
    max: DAY_MS,
    default: 5_000,
    unit: 'ms',
    description: 'when the remote party hangs up in `remote-release`',
  }),

  MMTEL_NETWORK: oneOf(['simulator', 'sip'], {
    group: 'network',
    default: 'simulator',
    description:
      'what plays the calls of IMS sessions: the simulated network, or `sip` (experimental): third-party call control over SIP between `callingParty` and `calledParty` (docs/sip-adapter.md)',
  }),
  MMTEL_SIP_LISTEN: text({
    group: 'network',
    default: '127.0.0.1:5060',
    pattern: '^[A-Za-z0-9.-]+:[0-9]{1,5}$',
    expected: 'an IPv4 address or host name and a port, such as 127.0.0.1:5060',
    allowed: '`<address>:<port>`',
    description: 'with `MMTEL_NETWORK=sip`: where the SIP adapter listens (UDP and TCP), and the address of its Contact',
  }),
  MMTEL_SIP_TRANSPORT: oneOf(['udp', 'tcp'], {
    group: 'network',
    default: 'udp',
    description: 'with `MMTEL_NETWORK=sip`: the transport of the requests the adapter sends',
  }),
  MMTEL_SIP_OUTBOUND_PROXY: text({
    group: 'network',
    pattern: '^sip:[^\\s]+$',
    expected: 'a sip: URI such as sip:127.0.0.1:5060',
    allowed: 'sip URI',
    description:
      'with `MMTEL_NETWORK=sip`: every initial request goes through this proxy (a loose-routing Route); `tel:` parties then go to it as they are. Unset: requests go to the party URI itself',
  }),
  MMTEL_SIP_DOMAIN: text({
    group: 'network',
    pattern: '^[A-Za-z0-9.-]+(:[0-9]{1,5})?$',
    expected: 'a host name or address, optionally with a port',
    allowed: '`<host>[:<port>]`',
    description:
      'with `MMTEL_NETWORK=sip`: a `tel:` party becomes `sip:<number>@<domain>;user=phone` (RFC 3261 clause 19.1.6); needed for `tel:` parties without an outbound proxy',
  }),
  MMTEL_SIP_ROUTES: pairs({
    group: 'network',
    form: '<domain>=<address>:<port>',
    value: { type: 'string', pattern: '^[A-Za-z0-9.-]+:[0-9]{1,5}$' },
    expectedEntry: 'an address and a port, such as 127.0.0.1:5070',
    allowed: '`<domain>=<address>:<port>`, …',
    description:
      'with `MMTEL_NETWORK=sip` and no outbound proxy: the next hop of the requests to a party of that domain (`sip:bob@bob.test`), for a lab without DNS: `bob.test=127.0.0.1:5070` (a party URI cannot name an address or a port: ImsPublicId)',
  }),
  MMTEL_SIP_NO_ANSWER_MS: integer({
    group: 'network',
    min: 1_000,
    max: 600_000,
    default: 60_000,
    unit: 'ms',
    description:
      'with `MMTEL_NETWORK=sip`: a called party alerted this long without answering is cancelled (CANCEL; reported as no answer, 480)',
  }),

  MMTEL_AUTH: oneOf(['none', 'oauth2'], {
    group: 'security',
    default: 'none',
    description: '`none`: no token checks (transport trust, optionally mutual TLS); `oauth2`: every API request needs a Bearer token',
  }),
  MMTEL_OAUTH_JWKS_FILE: text({ group: 'security', description: 'JWKS file with the keys that verify token signatures', allowed: 'file' }),
  MMTEL_OAUTH_JWKS_URL: url({ group: 'security', format: 'http-url', description: 'JWKS URL with the keys that verify token signatures' }),
  MMTEL_OAUTH_PUBLIC_KEY_FILE: text({ group: 'security', description: 'PEM public key that verifies token signatures', allowed: 'file' }),
  MMTEL_OAUTH_ISSUER: text({ group: 'security', description: 'the `iss` tokens must carry (not checked when unset)' }),
  MMTEL_OAUTH_AUDIENCE: text({ group: 'security', description: 'the `aud` tokens must carry (not checked when unset)' }),
  MMTEL_OAUTH_AEF_ID: text({
    group: 'security',
    description: "this AEF's id in CAPIF scopes (`3gpp#<aefId>:<apiName>`); any aefId when unset",
  }),
  MMTEL_OAUTH_CLOCK_SKEW_S: integer({
    group: 'security',
    min: 0,
    max: 600,
    default: 30,
    unit: 's',
    description: 'tolerance on `exp` and `nbf`',
  }),
  MMTEL_CAPIF_TOKEN_ENDPOINT: flag({
    group: 'security',
    default: false,
    description: 'serve the CAPIF_Security_API token operation (TS 29.222 clause 8.5), for development and tests',
  }),
  MMTEL_CAPIF_CLIENTS: pairs({
    group: 'security',
    form: '<client_id>=<client_secret>',
    value: { type: 'string', minLength: 1 },
    expectedEntry: 'a non-empty client_secret',
    allowed: '`<client_id>=<client_secret>`, …',
    description: 'the clients of the token endpoint (needed with it)',
  }),
  MMTEL_OAUTH_SIGNING_KEY_FILE: text({
    group: 'security',
    description: 'PEM private key that signs the tokens the token endpoint issues; a key is generated at start when unset',
    allowed: 'file',
  }),
  MMTEL_CAPIF_TOKEN_TTL_S: integer({
    group: 'security',
    min: 1,
    max: 86_400,
    default: 3_600,
    unit: 's',
    description: 'lifetime of the tokens the token endpoint issues',
  }),
  MMTEL_TLS_CERT_FILE: text({
    group: 'security',
    description: 'PEM certificate: serve HTTPS (with `MMTEL_TLS_KEY_FILE`)',
    allowed: 'file',
  }),
  MMTEL_TLS_KEY_FILE: text({ group: 'security', description: 'PEM private key of that certificate', allowed: 'file' }),
  MMTEL_TLS_CLIENT_CA_FILE: text({
    group: 'security',
    description: 'PEM CA: require a client certificate it signed (mutual TLS; needs HTTPS)',
    allowed: 'file',
  }),
  MMTEL_ALLOW_PRIVATE_TARGETS: flag({
    group: 'security',
    default: byProfile({ development: true, production: false }),
    description: 'let notifications reach loopback, private, link-local and other special-purpose addresses',
  }),
  MMTEL_ALLOWED_TARGET_NETWORKS: list({
    group: 'security',
    entry: { type: 'string', format: 'ip-network' },
    expectedEntry: 'an IP address or a CIDR such as 10.20.0.0/16',
    allowed: 'addresses and CIDRs, comma-separated',
    description: "networks notifications may reach even when private targets are not allowed (the AS's own)",
  }),

  MMTEL_BODY_LIMIT: integer({
    group: 'limits',
    min: 1024,
    max: 64 * 1024 * 1024,
    default: 1024 * 1024,
    unit: 'bytes',
    description: 'largest request body; above: 413 `PAYLOAD_TOO_LARGE`',
  }),
  MMTEL_MAX_HEADER_BYTES: integer({
    group: 'limits',
    min: 1024,
    max: 1_048_576,
    default: 16_384,
    unit: 'bytes',
    description: 'largest request header section; above: 431 `HEADERS_TOO_LARGE`',
  }),
  MMTEL_MAX_URL_LENGTH: integer({
    group: 'limits',
    min: 64,
    max: 1_048_576,
    default: 4096,
    description: 'longest request URI, in characters; above: 414 `URI_TOO_LONG`',
  }),
  MMTEL_HEADERS_TIMEOUT_MS: integer({
    group: 'limits',
    min: 1,
    max: HOUR_MS,
    default: 10_000,
    unit: 'ms',
    description: 'the request headers must arrive within this; else 408 `REQUEST_TIMEOUT`, and the connection closes',
  }),
  MMTEL_REQUEST_TIMEOUT_MS: integer({
    group: 'limits',
    min: 1,
    max: HOUR_MS,
    default: 30_000,
    unit: 'ms',
    description: 'the whole request (headers and body) must arrive within this; else 408 `REQUEST_TIMEOUT`, and the connection closes',
  }),
  MMTEL_KEEP_ALIVE_TIMEOUT_MS: integer({
    group: 'limits',
    min: 1,
    max: HOUR_MS,
    default: 72_000,
    unit: 'ms',
    description: 'idle keep-alive connections close after this',
  }),
  MMTEL_RATE_LIMIT_MAX: integer({
    group: 'limits',
    min: 0,
    max: 10_000_000,
    default: 0,
    description:
      'requests per AF per window (0: no rate limit), counted for every instance on one PostgreSQL store together, per process on LMDB; above: 429 `NF_CONGESTION_RISK` with `Retry-After` (`@fastify/rate-limit`)',
  }),
  MMTEL_RATE_LIMIT_WINDOW_MS: integer({
    group: 'limits',
    min: 1,
    max: DAY_MS,
    default: 60_000,
    unit: 'ms',
    description: "the rate limit's window",
  }),
  MMTEL_OVERLOAD_PROTECTION: flag({
    group: 'limits',
    default: byProfile({ development: false, production: true }),
    description:
      'answer 503 `NF_CONGESTION` with `Retry-After` under pressure (`@fastify/under-pressure`); off in development, where building many servers in one test process blocks the event loop while schemas compile',
  }),
  MMTEL_OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: integer({
    group: 'limits',
    min: 0,
    max: 600_000,
    default: 1_000,
    unit: 'ms',
    description: 'pressure: mean event-loop delay over a 1 s sample above this (0: not checked)',
  }),
  MMTEL_OVERLOAD_MAX_HEAP_BYTES: integer({
    group: 'limits',
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
    default: 0,
    unit: 'bytes',
    description: 'pressure: heap used above this (0: not checked)',
  }),
  MMTEL_OVERLOAD_MAX_RSS_BYTES: integer({
    group: 'limits',
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
    default: 0,
    unit: 'bytes',
    description: 'pressure: resident set size above this (0: not checked)',
  }),
  MMTEL_OVERLOAD_RETRY_AFTER_S: integer({
    group: 'limits',
    min: 1,
    max: 3600,
    default: 10,
    unit: 's',
    description: 'the `Retry-After` of an overload 503',
  }),
};

/** The name of a configuration variable. */
export type VariableName = keyof typeof variables;

/**
 * `MMTEL_*` variables that other tools of this repository read, not the server: they are not
 * refused, because a server started by those tools inherits them.
 */
export const foreignVariables: Readonly<Record<string, string>> = {
  MMTEL_FAULT_SEED: 'the fault-injection tests, packages/server/test',
  MMTEL_LOAD_OPTIONS: 'the load worker of the benchmarks, packages/server/bench',
  MMTEL_PYTHON: 'the Python environments, tools/toolchain',
  MMTEL_OAUTH_API_ROOT: 'the Java and Python SDK tests, tools/sdkgen',
  MMTEL_TOKEN_URL: 'the Java and Python SDK tests, tools/sdkgen',
  MMTEL_CLIENT_ID: 'the Java and Python SDK tests, tools/sdkgen',
  MMTEL_CLIENT_SECRET: 'the Java and Python SDK tests, tools/sdkgen',
  MMTEL_TOKEN: 'the mmtel command line, packages/cli',
  MMTEL_CODEGEN_CACHE_DIR: 'pnpm generate, tools/codegen',
  MMTEL_CODEGEN_CODE_CACHE: 'pnpm generate, tools/codegen',
  MMTEL_CODEGEN_CACHE_STATS: 'pnpm generate, tools/codegen',
};
