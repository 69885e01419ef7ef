import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { SignJWT } from 'jose';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { SecurityConfig } from '../config.js';
import type { SigningKey } from './signing-key.js';
import { ApiName, scopeGrants } from './scopes.js';

/** AccessTokenErr.error values (TS 29.222 clause 8.5.4.2.5, RFC 6749 clause 5.2). */
type TokenErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope';

const API_NAMES: readonly string[] = Object.values(ApiName);
/** Granted when the client asks for no scope: the two 3GPP APIs, not the simulator's. */
const DEFAULT_SCOPE = `${ApiName.CALL_CONTROL} ${ApiName.CALL_EVENT}`;

export interface TokenEndpointOptions {
  config: SecurityConfig['tokenEndpoint'] & Pick<SecurityConfig['oauth2'], 'issuer' | 'audience' | 'aefId'>;
  key: SigningKey;
  /** `iss` of the tokens when no issuer is configured. */
  defaultIssuer: string;
}

/**
 * A CAPIF-like token endpoint for development and tests: the client credentials grant of
 * CAPIF_Security_API, form-encoded AccessTokenReq in, AccessTokenRsp or AccessTokenErr out,
 * tokens signed with the server's key. Off by default: a real deployment gets its tokens from
 * the CAPIF core function.
 *
 * @see 3GPP TS 29.222 clause 8.5.2.4 (Obtain Authorization), clauses 8.5.4.2.3–8.5.4.2.5
 */
export async function registerTokenEndpoint(app: FastifyInstance, options: TokenEndpointOptions): Promise<void> {
  const { config, key } = options;
  const secrets = new Map(Object.entries(config.clients).map(([id, secret]) => [id, digest(secret)]));
  await app.register(async (scope) => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    });
    scope.post<{ Params: { securityId: string } }>('/capif-security/v1/securities/:securityId/token', async (request, reply) => {
      if (
        !String(request.headers['content-type'] ?? '')
          .toLowerCase()
          .startsWith('application/x-www-form-urlencoded') ||
        typeof request.body !== 'object' ||
        request.body === null
      ) {
        return tokenError(reply, 'invalid_request', 'send an application/x-www-form-urlencoded AccessTokenReq');
      }
      const form = request.body as Record<string, string | undefined>;
      if (form.grant_type === undefined || form.client_id === undefined)
        return tokenError(reply, 'invalid_request', 'grant_type and client_id are required');
      if (form.grant_type !== 'client_credentials')
        return tokenError(reply, 'unsupported_grant_type', 'only client_credentials is supported');
      const expected = secrets.get(form.client_id);
      if (expected === undefined || !timingSafeEqual(expected, digest(form.client_secret ?? '')))
        return tokenError(reply, 'invalid_client', 'unknown client_id or wrong client_secret');
      const scope = form.scope === undefined || form.scope.trim() === '' ? DEFAULT_SCOPE : form.scope.trim();
      if (!scope.split(' ').every((item) => item !== '' && API_NAMES.some((api) => scopeGrants(item, api as ApiName, config.aefId)))) {
        return tokenError(
          reply,
          'invalid_scope',
          `grantable scopes are ${API_NAMES.join(', ')} and their CAPIF form 3gpp#<aefId>:<apiName>`,
        );
      }
      const now = Math.floor(Date.now() / 1000);
      const jwt = new SignJWT({ scope, client_id: form.client_id })
        .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt' })
        .setIssuer(config.issuer ?? options.defaultIssuer)
        .setSubject(form.client_id)
        .setIssuedAt(now)
        .setExpirationTime(now + config.ttlSec)
        .setJti(randomUUID());
      if (config.audience !== undefined) jwt.setAudience(config.audience);
      const token = await jwt.sign(key.privateKey);
      reply.header('cache-control', 'no-store');
      return { access_token: token, token_type: 'Bearer', expires_in: config.ttlSec, scope };
    });
  });
}

function tokenError(reply: FastifyReply, error: TokenErrorCode, description: string): FastifyReply {
  return reply.code(400).header('cache-control', 'no-store').type('application/json').send({ error, error_description: description });
}

/** Secrets are compared as digests, so that timingSafeEqual gets equal lengths. */
function digest(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}
