import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { SignJWT } from 'jose';
import { DEFAULT_VALUES } from '../config/defaults.js';
import { generateSigningKey, type SigningKey } from './signing-key.js';

// Keys and tokens for trying MMTEL_AUTH=oauth2 without a CAPIF core function: what `mmtel token`
// (packages/cli) and the server's own `token` script run. Exported by the package so that the
// command line signs exactly as the server verifies, without a second copy of this code.

/** The scope a minted token carries unless told otherwise: both MMTel APIs. */
export const DEFAULT_TOKEN_SCOPE = 'mmtel-callcontrol mmtel-callevent';

/** The `iss` of a minted token unless told otherwise (the server checks it only with MMTEL_OAUTH_ISSUER). */
export const DEFAULT_TOKEN_ISSUER = 'mmtel-token';

/** How long a minted token lives unless told otherwise: as long as the token endpoint's (MMTEL_CAPIF_TOKEN_TTL_S's default), s. */
export const DEFAULT_TOKEN_TTL_S: number = DEFAULT_VALUES.MMTEL_CAPIF_TOKEN_TTL_S;

/** The files `writeSigningKeyFiles` wrote, as absolute paths, and the key's identity. */
export interface SigningKeyFiles {
  /** The private key (PKCS#8 PEM, mode 0600): what mints tokens. */
  signingKeyFile: string;
  /** The public key as a JWKS: what the server trusts with MMTEL_OAUTH_JWKS_FILE. */
  jwksFile: string;
  kid: string;
  alg: string;
}

/** Generates an ES256 key and writes `<dir>/signing-key.pem` and `<dir>/jwks.json` (creating `dir`). */
export async function writeSigningKeyFiles(dir: string): Promise<SigningKeyFiles> {
  const { key, pem } = await generateSigningKey();
  await mkdir(dir, { recursive: true });
  const signingKeyFile = resolve(dir, 'signing-key.pem');
  const jwksFile = resolve(dir, 'jwks.json');
  await writeFile(signingKeyFile, pem, { mode: 0o600 });
  await writeFile(jwksFile, `${JSON.stringify({ keys: [key.publicJwk] }, null, 2)}\n`);
  return { signingKeyFile, jwksFile, kid: key.kid, alg: key.alg };
}

/** What a minted access token says. */
export interface AccessTokenClaims {
  /** The AF the token stands for (`sub` and `client_id`): the afId its requests must carry. */
  subject: string;
  /** Space-separated scopes. Default: DEFAULT_TOKEN_SCOPE. */
  scope?: string;
  /** Lifetime, s. Default: DEFAULT_TOKEN_TTL_S. */
  ttlSeconds?: number;
  /** Default: DEFAULT_TOKEN_ISSUER. */
  issuer?: string;
  audience?: string;
}

/** A minted token and when it expires. */
export interface MintedAccessToken {
  token: string;
  /** `exp`, s since the epoch. */
  expiresAt: number;
}

/**
 * Signs an OAuth 2.0 access token (a JWT, `typ` at+jwt, RFC 9068) with `key`, as a CAPIF core
 * function's token endpoint would issue it for the AF named by `claims.subject`.
 * @see 3GPP TS 29.222 clause 8.5.2.4 (Obtain Authorization: the token the AF then presents)
 */
export async function mintAccessToken(key: SigningKey, claims: AccessTokenClaims): Promise<MintedAccessToken> {
  const ttl = claims.ttlSeconds ?? DEFAULT_TOKEN_TTL_S;
  if (!Number.isInteger(ttl) || ttl <= 0) throw new RangeError(`a token's lifetime must be a positive number of seconds, got ${ttl}`);
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({ scope: claims.scope ?? DEFAULT_TOKEN_SCOPE, client_id: claims.subject })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt' })
    .setIssuer(claims.issuer ?? DEFAULT_TOKEN_ISSUER)
    .setSubject(claims.subject)
    .setIssuedAt(now)
    .setExpirationTime(now + ttl)
    .setJti(randomUUID());
  if (claims.audience !== undefined) jwt.setAudience(claims.audience);
  return { token: await jwt.sign(key.privateKey), expiresAt: now + ttl };
}
