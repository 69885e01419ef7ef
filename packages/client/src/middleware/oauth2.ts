import { discard, type FetchLike, type FetchWrapper } from '../fetch.js';
import { replayable } from './replay.js';

/**
 * AccessTokenRsp: the token endpoint's answer.
 *
 * @see 3GPP TS 29.222 clause 8.5.4.2.4 (CAPIF_Security_API AccessTokenRsp), IETF RFC 6749 clause 5.1
 */
export interface AccessTokenRsp {
  access_token: string;
  token_type: 'Bearer';
  /** DurationSec: the token's lifetime in seconds. */
  expires_in: number;
  scope?: string;
}

/** Where and how to get tokens with the OAuth 2.0 client credentials grant. */
export interface ClientCredentialsOptions {
  /** The token endpoint, e.g. `{apiRoot}/capif-security/v1/securities/{securityId}/token`. */
  tokenUrl: string;
  clientId: string;
  clientSecret?: string;
  /** e.g. `3gpp#aef1:mmtel-callcontrol`. */
  scope?: string;
  /** The fetch used for the token endpoint (default: the client's `fetch`, else the global one). */
  fetch?: FetchLike;
  /** A token is replaced this long before it expires, at most half its lifetime (default 60 s). */
  refreshBeforeExpiryMs?: number;
  /** Aborts a token request that takes longer (default 10 s). */
  timeoutMs?: number;
  /** The clock, in ms (default `Date.now`). */
  now?: () => number;
}

/** A source of bearer tokens. */
export interface AccessTokenSource {
  /**
   * A valid token. `rejected`: a token the API has just refused (401); a new one is obtained
   * unless that token has already been replaced.
   */
  getToken(options?: { rejected?: string }): Promise<string>;
}

/**
 * The token endpoint refused the client or gave an unusable answer. `error` is the
 * AccessTokenErr code (`invalid_client`, `invalid_scope`, …) when the endpoint sent one.
 *
 * @see 3GPP TS 29.222 clause 8.5.4.2.5 (AccessTokenErr)
 */
export class AccessTokenError extends Error {
  override readonly name = 'AccessTokenError';
  /** The token endpoint's HTTP status (0 when the answer, not the status, was wrong). */
  readonly status: number;
  /** The AccessTokenErr `error` code. */
  readonly error: string | undefined;

  constructor(message: string, status: number, error?: string) {
    super(message);
    this.status = status;
    this.error = error;
  }
}

/**
 * Obtains tokens with the client credentials grant: a form-encoded POST of `grant_type`,
 * `client_id`, `client_secret` and `scope` to the token endpoint. A token is cached and reused
 * until shortly before it expires; concurrent callers share one token request.
 *
 * @see 3GPP TS 29.122 clause 6, 3GPP TS 29.222 clause 8.5 (CAPIF_Security_API), IETF RFC 6749 clause 4.4
 */
export function clientCredentials(options: ClientCredentialsOptions): AccessTokenSource {
  const now = options.now ?? Date.now;
  const refreshBeforeExpiryMs = options.refreshBeforeExpiryMs ?? 60_000;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const send: FetchLike = options.fetch ?? ((request) => fetch(request));
  let cached: { token: string; refreshAt: number } | undefined;
  let pending: Promise<string> | undefined;

  const obtain = async (): Promise<string> => {
    const requestedAt = now();
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: options.clientId });
    if (options.clientSecret !== undefined) form.set('client_secret', options.clientSecret);
    if (options.scope !== undefined) form.set('scope', options.scope);
    const response = await send(
      new Request(options.tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form.toString(),
        signal: AbortSignal.timeout(timeoutMs),
      }),
    );
    const body: unknown = await response.json().catch(() => undefined);
    if (!response.ok) {
      const error = field(body, 'error');
      const description = field(body, 'error_description');
      throw new AccessTokenError(
        `token endpoint answered ${response.status}${error ? ` ${error}` : ''}${description ? `: ${description}` : ''}`,
        response.status,
        error,
      );
    }
    const token = field(body, 'access_token');
    const type = field(body, 'token_type');
    if (!token || type?.toLowerCase() !== 'bearer') throw new AccessTokenError('token endpoint answered without a Bearer access_token', 0);
    const expiresIn = isRecord(body) && typeof body.expires_in === 'number' ? body.expires_in * 1000 : undefined;
    // Without expires_in the token is used until the API refuses it.
    const refreshAt = expiresIn === undefined ? Infinity : requestedAt + expiresIn - Math.min(refreshBeforeExpiryMs, expiresIn / 2);
    cached = { token, refreshAt };
    return token;
  };

  return {
    getToken({ rejected } = {}) {
      if (cached && rejected !== undefined && cached.token === rejected) cached = undefined;
      if (cached && now() < cached.refreshAt) return Promise.resolve(cached.token);
      pending ??= obtain().finally(() => {
        pending = undefined;
      });
      return pending;
    },
  };
}

/**
 * Sends `Authorization: Bearer <token>` with every request that has no Authorization header, and
 * answers a 401 by getting a new token and sending the request once more.
 *
 * @see 3GPP TS 29.122 clause 6, IETF RFC 6750
 */
export function withBearerToken(source: AccessTokenSource): FetchWrapper {
  return (next) => async (request) => {
    if (request.headers.has('authorization')) return next(request);
    const prepared = replayable(request);
    const copy = typeof prepared === 'function' ? prepared : await prepared;
    const token = await source.getToken();
    const response = await next(copy({ headers: { authorization: `Bearer ${token}` } }));
    if (response.status !== 401) return response;
    const fresh = await source.getToken({ rejected: token });
    if (fresh === token) return response;
    await discard(response);
    return next(copy({ headers: { authorization: `Bearer ${fresh}` } }));
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function field(value: unknown, name: string): string | undefined {
  if (!isRecord(value)) return undefined;
  const found = value[name];
  return typeof found === 'string' ? found : undefined;
}
