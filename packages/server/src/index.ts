// Public entry of the reference server package: build an app, read the configuration, or start
// one on loopback for tests.
export { buildApp, type BuildOptions, type MmtelServer } from './app.js';
export { ConfigError, loadConfig, type ServerConfig } from './config.js';
export { freePort, startReferenceServer, type ReferenceServer } from './reference-server.js';
// Keys and tokens for MMTEL_AUTH=oauth2 without a CAPIF core function (`mmtel token` runs these).
export { generateSigningKey, readSigningKey, signingKeyFromPem, type SigningKey } from './security/signing-key.js';
export {
  DEFAULT_TOKEN_ISSUER,
  DEFAULT_TOKEN_SCOPE,
  DEFAULT_TOKEN_TTL_S,
  mintAccessToken,
  writeSigningKeyFiles,
  type AccessTokenClaims,
  type MintedAccessToken,
  type SigningKeyFiles,
} from './security/token-minting.js';
