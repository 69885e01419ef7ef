import { createPublicKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  exportJWK,
  jwtVerify,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import type { SecurityConfig } from '../config.js';
import { AuthError } from './auth-error.js';
import { ASYMMETRIC_ALGORITHMS, algorithmOf } from './signing-key.js';
import { type ApiName, scopeGrants } from './scopes.js';

/** Who a verified token speaks for. */
export interface TokenIdentity {
  /** The AF: `sub`, else `client_id`. */
  subject: string;
  scope: string;
}

/**
 * Verifies `Authorization: Bearer` JWS access tokens: signature against the configured keys
 * (asymmetric algorithms only), `exp` (required) and `nbf` with a small clock tolerance, `iss`
 * and `aud` when configured, and a scope that grants the API called.
 *
 * @see 3GPP TS 29.122 clause 6, TS 29.222 clause 8.5.4.2.4 (AccessTokenClaims), IETF RFC 6750
 */
export class TokenVerifier {
  private constructor(
    private readonly keySets: JWTVerifyGetKey[],
    private readonly options: SecurityConfig['oauth2'],
  ) {}

  /** Loads the key sources of the configuration; `extraKeys` are trusted too (the token endpoint's key). */
  static async create(options: SecurityConfig['oauth2'], extraKeys: JSONWebKeySet['keys'] = []): Promise<TokenVerifier> {
    const keys: JSONWebKeySet['keys'] = [...extraKeys];
    if (options.jwksFile !== undefined) keys.push(...parseJwks(await readFile(options.jwksFile, 'utf8'), options.jwksFile).keys);
    if (options.publicKeyFile !== undefined) {
      const key = createPublicKey(await readFile(options.publicKeyFile, 'utf8'));
      keys.push({ ...(await exportJWK(key)), alg: algorithmOf(key) });
    }
    const sets: JWTVerifyGetKey[] = [];
    if (keys.length > 0) sets.push(createLocalJWKSet({ keys }));
    if (options.jwksUrl !== undefined) sets.push(createRemoteJWKSet(new URL(options.jwksUrl)));
    return new TokenVerifier(sets, options);
  }

  /** The identity behind `authorization`, or an AuthError saying why there is none. */
  async verify(authorization: string | undefined, api: ApiName): Promise<TokenIdentity> {
    const token = bearerToken(authorization);
    const payload = await this.verifySignatureAndClaims(token);
    const subject =
      typeof payload.sub === 'string' && payload.sub !== ''
        ? payload.sub
        : typeof payload.client_id === 'string' && payload.client_id !== ''
          ? payload.client_id
          : undefined;
    if (subject === undefined) throw new AuthError('invalid_token', 'the token names no subject (sub or client_id)');
    const scope = typeof payload.scope === 'string' ? payload.scope : '';
    if (!scopeGrants(scope, api, this.options.aefId)) throw new AuthError('insufficient_scope', `the token's scope does not grant ${api}`);
    return { subject, scope };
  }

  private async verifySignatureAndClaims(token: string): Promise<JWTPayload> {
    let last: unknown;
    for (const keySet of this.keySets) {
      try {
        const { payload } = await jwtVerify(token, keySet, {
          algorithms: [...ASYMMETRIC_ALGORITHMS],
          clockTolerance: this.options.clockToleranceSec,
          requiredClaims: ['exp'],
          ...(this.options.issuer !== undefined && { issuer: this.options.issuer }),
          ...(this.options.audience !== undefined && { audience: this.options.audience }),
        });
        return payload;
      } catch (error) {
        last = error;
        // Another key source may hold the key; any other failure is final.
        if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWSSignatureVerificationFailed) continue;
        break;
      }
    }
    throw new AuthError('invalid_token', describe(last));
  }
}

function bearerToken(authorization: string | undefined): string {
  if (authorization === undefined || authorization === '')
    throw new AuthError('invalid_token', 'no access token: send Authorization: Bearer <token>');
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i.exec(authorization.trim());
  if (!match) throw new AuthError('invalid_token', 'the Authorization header is not "Bearer <token>"');
  return match[1]!;
}

function describe(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'the token has expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf') return 'the token is not valid yet';
    if (error.claim === 'iss') return 'the token has the wrong issuer';
    if (error.claim === 'aud') return 'the token is not meant for this server (aud)';
    if (error.claim === 'exp') return 'the token has no expiry (exp)';
    return `the token's ${error.claim} claim is not acceptable`;
  }
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported)
    return 'the token is not signed with an accepted algorithm';
  if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSNoMatchingKey)
    return 'the token signature does not verify with any trusted key';
  if (error instanceof errors.JWKSTimeout) return 'the signing keys could not be fetched';
  if (error instanceof errors.JOSEError) return 'the token is malformed';
  return 'the token could not be verified';
}

function parseJwks(text: string, file: string): JSONWebKeySet {
  const jwks = JSON.parse(text) as JSONWebKeySet;
  if (!Array.isArray(jwks.keys)) throw new Error(`${file} is not a JWKS (no "keys" array)`);
  return jwks;
}
