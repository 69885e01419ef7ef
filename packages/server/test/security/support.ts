import { createHmac, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, SignJWT } from 'jose';
import { afterAll } from 'vitest';

export const ISSUER = 'https://capif.example.com';
export const AUDIENCE = 'mmtel-enabler';

/** An RSA key pair the server trusts (through a JWKS file), and one it does not know. */
export interface TrustedKeys {
  privateKey: KeyObject;
  publicPem: string;
  untrusted: KeyObject;
  /** The server's environment for oauth2 mode with these keys. */
  env: Record<string, string>;
}

/** Writes the trusted key's JWKS to a temporary file, removed after the file's tests. */
export async function trustedKeys(extraEnv: Record<string, string> = {}): Promise<TrustedKeys> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const untrusted = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const dir = await mkdtemp(join(tmpdir(), 'mmtel-keys-'));
  afterAll(() => rm(dir, { recursive: true, force: true }));
  const jwksFile = join(dir, 'jwks.json');
  await writeFile(jwksFile, JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }] }));
  return {
    privateKey,
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    untrusted,
    env: {
      MMTEL_AUTH: 'oauth2',
      MMTEL_OAUTH_JWKS_FILE: jwksFile,
      MMTEL_OAUTH_ISSUER: ISSUER,
      MMTEL_OAUTH_AUDIENCE: AUDIENCE,
      MMTEL_OAUTH_CLOCK_SKEW_S: '5',
      ...extraEnv,
    },
  };
}

export interface TokenClaims {
  sub?: string;
  scope?: string;
  iss?: string;
  aud?: string;
  /** Seconds from now. */
  expiresIn?: number;
  /** Seconds from now. */
  notBefore?: number;
}

/** A signed RS256 access token; the defaults make a valid one for AF `as1` and both APIs. */
export async function token(key: KeyObject, claims: TokenClaims = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({ scope: claims.scope ?? 'mmtel-callcontrol mmtel-callevent' })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setIssuer(claims.iss ?? ISSUER)
    .setAudience(claims.aud ?? AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(now + (claims.expiresIn ?? 300));
  if (claims.sub !== '') jwt.setSubject(claims.sub ?? 'as1');
  if (claims.notBefore !== undefined) jwt.setNotBefore(now + claims.notBefore);
  return jwt.sign(key);
}

/** A token with a header and claims of our choosing and the given signature part (unchecked forms). */
export function rawToken(header: object, payload: object, sign: (input: string) => string = () => ''): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${sign(input)}`;
}

/** HS256 with the server's RSA public key as the HMAC secret: the classic algorithm confusion. */
export function hmacWith(secret: string): (input: string) => string {
  return (input) => createHmac('sha256', secret).update(input).digest('base64url');
}

export function validClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return { iss: ISSUER, aud: AUDIENCE, sub: 'as1', scope: 'mmtel-callcontrol', iat: now, exp: now + 300, ...overrides };
}

function b64(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export const bearer = (value: string) => ({ authorization: `Bearer ${value}` });
