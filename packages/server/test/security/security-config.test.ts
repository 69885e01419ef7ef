import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';

describe('security configuration', () => {
  it('denies private notification targets in the production profile by default', () => {
    expect(loadConfig({ MMTEL_PROFILE: 'production' }).security.targets.allowPrivate).toBe(false);
  });

  it('allows private notification targets in the development profile by default', () => {
    expect(loadConfig({}).security.targets.allowPrivate).toBe(true);
  });

  it('refuses oauth2 mode without keys to verify tokens with', () => {
    expect(() => loadConfig({ MMTEL_AUTH: 'oauth2' })).toThrow(/MMTEL_AUTH=oauth2 needs the keys/);
  });

  it('refuses the token endpoint without clients', () => {
    expect(() => loadConfig({ MMTEL_CAPIF_TOKEN_ENDPOINT: 'true' })).toThrow(/MMTEL_CAPIF_CLIENTS/);
  });

  it('refuses a certificate without its key', () => {
    expect(() => loadConfig({ MMTEL_TLS_CERT_FILE: 'server.pem' })).toThrow(/MMTEL_TLS_KEY_FILE/);
  });

  it('refuses an allowed target network that is not a CIDR', () => {
    expect(() => loadConfig({ MMTEL_ALLOWED_TARGET_NETWORKS: '10.0.0.0/8,intranet' })).toThrow(/"intranet" is not valid/);
  });

  it('makes the default apiRoot https when a certificate is configured', () => {
    expect(loadConfig({ MMTEL_TLS_CERT_FILE: 'c.pem', MMTEL_TLS_KEY_FILE: 'k.pem', PORT: '8443' }).apiRoot).toBe('https://127.0.0.1:8443');
  });
});
