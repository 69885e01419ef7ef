import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

/** The ConfigError loadConfig throws for `env`. */
function refusal(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it.each([
    ['a port that is not a number', { given: { PORT: 'http' }, want: 'PORT="http" is not valid: expected an integer from 0 to 65535' }],
    [
      'a number in exponent form',
      {
        given: { MMTEL_NOTIFY_TIMEOUT_MS: '1e3' },
        want: 'MMTEL_NOTIFY_TIMEOUT_MS="1e3" is not valid: expected an integer from 1 to 600000',
      },
    ],
    [
      'a log level in capitals',
      {
        given: { LOG_LEVEL: 'INFO' },
        want: 'LOG_LEVEL="INFO" is not valid: expected one of fatal, error, warn, info, debug, trace, silent',
      },
    ],
    [
      'an unknown profile',
      { given: { MMTEL_PROFILE: 'staging' }, want: 'MMTEL_PROFILE="staging" is not valid: expected one of development, production' },
    ],
    ['an unknown auth mode', { given: { MMTEL_AUTH: 'basic' }, want: 'MMTEL_AUTH="basic" is not valid: expected one of none, oauth2' }],
    [
      'an unknown scenario',
      {
        given: { MMTEL_SIM_SCENARIO: 'bussy' },
        want: 'MMTEL_SIM_SCENARIO="bussy" is not valid: expected one of answer, busy, no-answer, rejected, remote-release, silent',
      },
    ],
    [
      'an unknown scenario for a party',
      {
        given: { MMTEL_SIM_SCENARIOS: 'tel:+4930123=busy,sip:bob@example.com=hangup' },
        want: 'MMTEL_SIM_SCENARIOS: "hangup" (for sip:bob@example.com) is not valid: expected one of answer, busy',
      },
    ],
    [
      'a party without a scenario',
      {
        given: { MMTEL_SIM_SCENARIOS: 'tel:+4930123' },
        want: 'MMTEL_SIM_SCENARIOS="tel:+4930123" is not valid: expected comma-separated <party>=<scenario> pairs',
      },
    ],
    [
      'a word that is not a boolean',
      { given: { MMTEL_VALIDATE_RESPONSES: 'maybe' }, want: 'MMTEL_VALIDATE_RESPONSES="maybe" is not valid: expected true or false' },
    ],
    [
      'a database URL of another protocol',
      {
        given: { DATABASE_URL: 'mysql://db/mmtel' },
        want: 'DATABASE_URL="mysql://db/mmtel" is not valid: expected an absolute URL (postgres: or postgresql:)',
      },
    ],
    [
      'an apiRoot that is not http',
      {
        given: { MMTEL_API_ROOT: 'ftp://example.com' },
        want: 'MMTEL_API_ROOT="ftp://example.com" is not valid: expected an absolute URL (http: or https:)',
      },
    ],
    [
      'features that are not hex',
      {
        given: { MMTEL_SUPPORTED_FEATURES: 'xyz' },
        want: 'MMTEL_SUPPORTED_FEATURES="xyz" is not valid: expected a hex supportedFeatures bitmask such as "3"',
      },
    ],
    [
      'a network that is not a CIDR',
      {
        given: { MMTEL_ALLOWED_TARGET_NETWORKS: '10.0.0.0/8,intranet' },
        want: 'MMTEL_ALLOWED_TARGET_NETWORKS: "intranet" is not valid: expected an IP address or a CIDR such as 10.20.0.0/16',
      },
    ],
  ])('refuses %s, naming the variable and what it expects', (_name, { given, want }) => {
    expect(refusal(given).message).toContain(want);
  });

  it.each([
    ['a typo', { given: 'MMTEL_NOTIFY_BACKOF_MS', want: 'MMTEL_NOTIFY_BACKOFF_MS' }],
    ['a missing unit', { given: 'MMTEL_NOTIFY_BACKOFF', want: 'MMTEL_NOTIFY_BACKOFF_MS' }],
    ['swapped letters', { given: 'MMTEL_SIM_SECNARIO', want: 'MMTEL_SIM_SCENARIO' }],
    ['the prefix on a variable without one', { given: 'MMTEL_LOG_LEVEL', want: 'LOG_LEVEL' }],
    ['the prefix on the port', { given: 'MMTEL_PORT', want: 'PORT' }],
  ])('refuses an unknown MMTEL_ variable with %s, suggesting the one it most likely meant', (_name, { given, want }) => {
    expect(refusal({ [given]: '1' }).message).toBe(`${given} is not a variable of the server: did you mean ${want}?`);
  });

  it('refuses an unknown MMTEL_ variable that resembles none, saying where the variables are listed', () => {
    expect(refusal({ MMTEL_GREETING: 'hello' }).message).toBe(
      'MMTEL_GREETING is not a variable of the server (docs/configuration.md, "Configuration (environment)", lists them): correct its name or remove it',
    );
  });

  it("lets pass the MMTEL_ variables the repository's tools read", () => {
    expect(loadConfig({ MMTEL_FAULT_SEED: '42', MMTEL_LOAD_OPTIONS: '{}', MMTEL_CLIENT_ID: 'as1' }).port).toBe(8080);
  });

  it('ignores variables without the MMTEL_ prefix it does not read', () => {
    expect(loadConfig({ PATH: '/usr/bin', HOME: '/root', NODE_OPTIONS: '--enable-source-maps' }).port).toBe(8080);
  });

  it('lists every problem at once, one per line, in the order of the variables', () => {
    const error = refusal({ MMTEL_SIM_STEP_MS: 'fast', PORT: '-1', MMTEL_TYPO_MS: '1' });
    expect(error.problems).toEqual([
      'PORT="-1" is not valid: expected an integer from 0 to 65535',
      'MMTEL_SIM_STEP_MS="fast" is not valid: expected an integer from 0 to 600000',
      'MMTEL_TYPO_MS is not a variable of the server (docs/configuration.md, "Configuration (environment)", lists them): correct its name or remove it',
    ]);
    expect(error.message).toBe(`3 configuration problems:\n  ${error.problems.join('\n  ')}`);
  });

  it('takes an empty or blank value as unset', () => {
    expect(loadConfig({ PORT: '', HOST: '  ', MMTEL_SIM_SCENARIO: '' })).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      simulator: { defaultScenario: 'answer' },
    });
  });

  it('trims the values', () => {
    expect(loadConfig({ PORT: ' 9090 ', MMTEL_SIM_SCENARIOS: ' tel:+4930123 = busy , sip:bob@example.com=silent ' })).toMatchObject({
      port: 9090,
      simulator: { scenarioByParty: { 'tel:+4930123': 'busy', 'sip:bob@example.com': 'silent' } },
    });
  });

  it.each([
    ['true', true],
    ['ON', true],
    ['yes', true],
    ['1', true],
    ['false', false],
    ['Off', false],
    ['no', false],
    ['0', false],
  ])('reads the boolean %s as %s', (text, value) => {
    expect(loadConfig({ MMTEL_SIMULATOR: text }).simulator.enabled).toBe(value);
  });

  it.each([
    ['development by default', {}, { profile: 'development', validateResponses: true, allowPrivate: true, overload: false }],
    [
      'production when asked for',
      { MMTEL_PROFILE: 'production' },
      { profile: 'production', validateResponses: false, allowPrivate: false, overload: true },
    ],
    [
      'production under NODE_ENV=production',
      { NODE_ENV: 'production' },
      { profile: 'production', validateResponses: false, allowPrivate: false, overload: true },
    ],
    [
      'the one asked for over NODE_ENV',
      { NODE_ENV: 'production', MMTEL_PROFILE: 'development' },
      { profile: 'development', validateResponses: true, allowPrivate: true, overload: false },
    ],
  ])('takes the profile-dependent defaults from the profile: %s', (_name, env, want) => {
    const config = loadConfig(env);
    expect({
      profile: config.profile,
      validateResponses: config.validateResponses,
      allowPrivate: config.security.targets.allowPrivate,
      overload: config.security.limits.overload.enabled,
    }).toEqual(want);
  });

  it("lets a variable set explicitly override its profile's default", () => {
    const config = loadConfig({
      MMTEL_PROFILE: 'production',
      MMTEL_VALIDATE_RESPONSES: 'true',
      MMTEL_ALLOW_PRIVATE_TARGETS: 'true',
      MMTEL_OVERLOAD_PROTECTION: 'false',
    });
    expect([config.validateResponses, config.security.targets.allowPrivate, config.security.limits.overload.enabled]).toEqual([
      true,
      true,
      false,
    ]);
  });

  it.each([
    ['HOST and PORT', { HOST: '0.0.0.0', PORT: '9000' }, 'http://0.0.0.0:9000'],
    ['an IPv6 host in brackets', { HOST: '::1', PORT: '9000' }, 'http://[::1]:9000'],
    ['https with a certificate', { MMTEL_TLS_CERT_FILE: 'c.pem', MMTEL_TLS_KEY_FILE: 'k.pem' }, 'https://127.0.0.1:8080'],
    [
      'the configured one without its trailing slash',
      { MMTEL_API_ROOT: 'https://mmtel.example.com/root/' },
      'https://mmtel.example.com/root',
    ],
  ])('derives the default apiRoot: %s', (_name, env, apiRoot) => {
    expect(loadConfig(env).apiRoot).toBe(apiRoot);
  });

  it('resolves the data directory against the working directory given', () => {
    expect(loadConfig({ MMTEL_DATA_DIR: 'store' }, '/srv/mmtel').dataDir).toBe('/srv/mmtel/store');
  });

  it('refuses a TLS client CA without HTTPS', () => {
    expect(refusal({ MMTEL_TLS_CLIENT_CA_FILE: 'ca.pem' }).message).toBe(
      'MMTEL_TLS_CLIENT_CA_FILE (mutual TLS) needs HTTPS: set MMTEL_TLS_CERT_FILE and MMTEL_TLS_KEY_FILE',
    );
  });
});
