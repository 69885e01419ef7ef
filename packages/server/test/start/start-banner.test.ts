import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { publishedSpecs, siteMap } from '../../src/docs-site/index.js';
import { startBanner, startFacts } from '../../src/start-banner.js';

function bannerOf(env: Record<string, string>): string {
  const config = loadConfig({ MMTEL_DATA_DIR: '/var/lib/mmtel', ...env }, '/');
  return startBanner(startFacts(config, siteMap(config, publishedSpecs({ simulator: config.simulator.enabled })), '127.0.0.1:8080'));
}

describe('the start banner', () => {
  it('lists the API roots, docs, specs, simulator, metrics, auth mode, store, profile and features of a development server', () => {
    expect(bannerOf({})).toBe(
      [
        'MMTel Enabler Server listening on 127.0.0.1:8080',
        '  MMTel_CallControl     http://127.0.0.1:8080/mmtel-callcontrol/v1',
        '  MMTel_CallEvent       http://127.0.0.1:8080/mmtel-callevent/v1',
        '  Simulator (not 3GPP)  http://127.0.0.1:8080/sim/v1',
        '  Docs                  http://127.0.0.1:8080/docs/',
        '  Specs                 http://127.0.0.1:8080/specs/<name>.yaml|.json (all listed at http://127.0.0.1:8080/)',
        '  Metrics               http://127.0.0.1:8080/metrics',
        '  Auth                  none: no token is checked (HTTP; MMTEL_AUTH=oauth2 turns tokens on)',
        '  Store                 LMDB in /var/lib/mmtel',
        '  Profile               development',
        '  Features              Notification_websocket, Notification_test_event, simulator (default scenario answer), response validation, private notification targets',
      ].join('\n'),
    );
  });

  it('tells a production server with PostgreSQL and OAuth 2.0, the database password hidden', () => {
    const banner = bannerOf({
      MMTEL_PROFILE: 'production',
      MMTEL_SIMULATOR: 'false',
      MMTEL_AUTH: 'oauth2',
      MMTEL_OAUTH_JWKS_URL: 'https://issuer.example.com/jwks',
      DATABASE_URL: 'postgres://mmtel:s3cret@db.example.com:5432/mmtel',
      MMTEL_SUPPORTED_FEATURES: '2',
    });
    expect(banner).not.toContain('s3cret');
    expect(banner.split('\n').slice(1)).toEqual([
      '  MMTel_CallControl  http://127.0.0.1:8080/mmtel-callcontrol/v1',
      '  MMTel_CallEvent    http://127.0.0.1:8080/mmtel-callevent/v1',
      '  Docs               off (MMTEL_DOCS=false)',
      '  Specs              http://127.0.0.1:8080/specs/<name>.yaml|.json (all listed at http://127.0.0.1:8080/)',
      '  Metrics            http://127.0.0.1:8080/metrics',
      '  Auth               oauth2: every API request needs a Bearer token (HTTP)',
      '  Store              PostgreSQL postgres://mmtel:***@db.example.com:5432/mmtel',
      '  Profile            production',
      '  Features           Notification_test_event, overload protection',
    ]);
  });
});
