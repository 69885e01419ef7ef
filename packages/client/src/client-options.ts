import type { HeadersOptions, Middleware } from 'openapi-fetch';
import { withConnectionErrors } from './connection-error.js';
import { composeFetch, type FetchLike, type FetchWrapper } from './fetch.js';
import { FirstAttempts, type FirstRequest } from './first-attempt.js';
import { clientCredentials, withBearerToken, type AccessTokenSource, type ClientCredentialsOptions } from './middleware/oauth2.js';
import { responseSettled } from './attempt-timeout.js';
import { markMergePatch } from './merge-patch.js';
import { ReplayableRequest, requestPlan, sendRequest, withBody, type HeaderRecord } from './middleware/replay.js';
import { mergeHeaders } from './request-headers.js';
import { withRedirects, type RedirectOptions, type RedirectWrapper } from './middleware/redirect.js';
import { withRetry, type RetryOptions, type RetryWrapper } from './middleware/retry.js';
import { checkTimeout, withTimeout } from './middleware/timeout.js';
import { MmtelProblemError, problemOf, throwOnProblem, type ProblemDetails } from './problem.js';
import type { FetchResult } from './settle.js';

/** Options of `createCallControlClient` and `createCallEventClient`. */
export interface MmtelClientOptions {
  /** The server's {apiRoot}, e.g. `https://mmtel.example.com`; the API's base path is appended. */
  baseUrl: string;
  /**
   * The transport under the middleware (default: the global fetch, given a URL and an init);
   * inject one to observe requests.
   */
  fetch?: FetchLike;
  /** Headers sent with every request. */
  headers?: HeadersOptions;
  /** OAuth 2.0: client credentials to get tokens with, or a token source of your own. */
  auth?: ClientCredentialsOptions | AccessTokenSource;
  /** Retries of 429/503 and of network errors of idempotent requests; `false` turns them off. */
  retry?: RetryOptions | false;
  /** Timeout of one attempt, in ms (default 30 000); `false` for none. */
  timeoutMs?: number | false;
  /** 307/308 handling; `onPermanentRedirect` learns the new URI of a moved resource. */
  redirects?: RedirectOptions;
  /** openapi-fetch middleware to install (more with `client.use`). */
  middleware?: readonly Middleware[];
  /** Throw a `MmtelProblemError` for a 4xx/5xx answer instead of returning `{ error }`. */
  throwOnError?: boolean;
}

/** Per-call options of the typed operations. */
export interface CallOptions {
  /** Aborts the call (all its attempts). */
  signal?: AbortSignal;
  /** Headers for this call only. */
  headers?: Record<string, string>;
}

/** A successful call: the data and the response. */
export interface MmtelSuccess<T> {
  data: T;
  error?: never;
  response: Response;
}

/** A call answered with a 4xx/5xx (or a redirect beyond the limit): its ProblemDetails. */
export interface MmtelFailure {
  data?: never;
  error: ProblemDetails;
  response: Response;
}

/** What a typed operation returns: never thrown for an HTTP status. */
export type MmtelResult<T> = MmtelSuccess<T> | MmtelFailure;

/** The result type of a client made with (`true`) or without (`false`) `throwOnError`. */
export type Outcome<T, ThrowOnError extends boolean> = ThrowOnError extends true ? MmtelSuccess<T> : MmtelResult<T>;

/** The transport of a client: the fetch pipeline and what it needs to be told. */
export interface Transport {
  fetch: FetchLike;
  /** The Request class the openapi-fetch client builds requests with. */
  Request: typeof Request;
  redirects: RedirectWrapper;
  middleware: Middleware[];
  /** The caller's middleware installed on the client: `client.use` adds, `client.eject` removes. */
  callerMiddleware: Set<Middleware>;
  /**
   * Sends the request of a typed operation. While no middleware of the caller's is installed
   * (none can see the request), the client sends it itself, without openapi-fetch and without a
   * Request of its own; otherwise `viaClient` sends it through openapi-fetch and its middleware.
   * Either way the timeout of the last attempt is cleared once the answer has been read.
   */
  typedCall<T>(request: TypedRequest, viaClient: () => Promise<FetchResult<T>>): Promise<FetchResult<T>>;
}

/** The request of a typed operation: what openapi-fetch would be asked to send. */
export interface TypedRequest {
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Under the API's base URL, path parameters filled in and encoded as openapi-fetch does. */
  path: string;
  /** The body, sent as JSON. */
  body?: unknown;
  options: CallOptions;
}

/**
 * Builds the fetch chain: redirects, then retries, then the bearer token, then the send itself
 * with the timeout of each attempt.
 */
export function createTransport(options: MmtelClientOptions, apiBase: string): Transport {
  const timeoutMs = options.timeoutMs === false ? undefined : (options.timeoutMs ?? 30_000);
  if (timeoutMs !== undefined) checkTimeout(timeoutMs);
  const injected = options.fetch;
  const redirects = withRedirects(options.redirects);
  const retry: RetryWrapper | undefined = options.retry === false ? undefined : withRetry(options.retry);
  const wrappers: FetchWrapper[] = [withConnectionErrors(), redirects];
  if (retry !== undefined) wrappers.push(retry);
  if (options.auth !== undefined) {
    const source =
      'getToken' in options.auth
        ? options.auth
        : clientCredentials({ ...(injected !== undefined && { fetch: injected }), ...options.auth });
    wrappers.push(withBearerToken(source));
  }
  let send: FetchLike;
  if (injected === undefined) send = sendRequest(timeoutMs);
  else if (timeoutMs !== undefined) {
    send = injected;
    wrappers.push(withTimeout(timeoutMs));
  } else send = (request) => injected(withBody(request));
  // openapi-fetch runs onResponse last-installed first: installed first, the throwing middleware
  // lets the caller's middleware see the failed response before it throws.
  const middleware = [...(options.throwOnError ? [throwOnProblem()] : []), ...(options.middleware ?? [])];
  const callerMiddleware = new Set(options.middleware ?? []);
  const fetchChain = composeFetch(send, ...wrappers);
  // With the global fetch and no token to add, a typed request's first attempt skips the chain.
  const first =
    injected === undefined && options.auth === undefined
      ? new FirstAttempts({ chain: fetchChain, redirects, retry, timeoutMs })
      : undefined;

  const urlOf = urlJoiner(apiBase);

  /** A typed operation sent as openapi-fetch would send it and its answer read as it would read it. */
  async function sendTyped<T>({ method, path, body, options: call }: TypedRequest): Promise<FetchResult<T>> {
    const text = body === undefined ? null : JSON.stringify(body);
    const request: FirstRequest = {
      url: urlOf(path),
      method,
      headers: headersOf(method, text !== null, call),
      signal: call.signal,
      body: text,
      attempt: undefined,
    };
    let response: Response;
    let sent: Promise<Response> | undefined;
    if (first !== undefined && (sent = first.send(request)) !== undefined) {
      // The first attempt awaited here: no promise of the client's between fetch and the call.
      let firstAnswer: Response | undefined;
      try {
        firstAnswer = await sent;
      } catch {
        // The chain takes the failure over (below).
      }
      if (firstAnswer === undefined) response = await first.failed(request, sent);
      else {
        const onward = first.answered(request, firstAnswer);
        response = onward === undefined ? firstAnswer : await onward;
      }
    } else response = await fetchChain(requestPlan(request));
    if (!response.ok && options.throwOnError) {
      // As throwOnProblem: the ProblemDetails from a copy, the response's own body left unread.
      const problem = await response.clone().text();
      settleAnswer(request, response, false);
      throw new MmtelProblemError(problemOf(parseOrText(problem), response), response);
    }
    // A 204 has no body: its headers need not be looked at.
    const contentLength = response.status === 204 ? null : response.headers.get('content-length');
    if (response.status === 204 || contentLength === '0') {
      settleAnswer(request, response, true);
      return response.ok ? { data: undefined as T, response } : { error: undefined, response };
    }
    const answer = await response.text();
    settleAnswer(request, response, true);
    // The generated types describe the answer: JSON is what openapi-fetch would have parsed too.
    if (response.ok) return { data: (answer === '' && contentLength === null ? undefined : JSON.parse(answer)) as T, response };
    return { error: parseOrText(answer), response };
  }

  /**
   * The headers of a typed request: the content type of a body, the client's headers, the call's
   * (later ones winning, as openapi-fetch merges them). Without headers of the client's or the
   * call's they are one of three constant records, which fetch takes as they are.
   */
  function headersOf(method: TypedRequest['method'], hasBody: boolean, call: CallOptions): Headers | HeaderRecord {
    if (options.headers === undefined && call.headers === undefined)
      return hasBody ? (method === 'PATCH' ? MERGE_PATCH : JSON_BODY) : NO_HEADERS;
    const headers = mergeHeaders(hasBody ? { 'Content-Type': 'application/json' } : {}, options.headers, call.headers);
    markMergePatch(method, headers);
    return headers;
  }

  async function viaClientSettled<T>(viaClient: () => Promise<FetchResult<T>>): Promise<FetchResult<T>> {
    const result = await viaClient();
    responseSettled(result.response);
    return result;
  }

  return {
    fetch: fetchChain,
    Request: ReplayableRequest,
    redirects,
    middleware,
    callerMiddleware,
    typedCall: (request, viaClient) => (callerMiddleware.size === 0 ? sendTyped(request) : viaClientSettled(viaClient)),
  };
}

const NO_HEADERS: HeaderRecord = Object.freeze({});
const JSON_BODY: HeaderRecord = Object.freeze({ 'content-type': 'application/json' });
// The one PATCH of the API takes a JSON Merge Patch (merge-patch.ts).
const MERGE_PATCH: HeaderRecord = Object.freeze({ 'content-type': 'application/merge-patch+json' });

// A path segment `.` or `..`, which URL parsing removes.
const DOT_SEGMENT = /\/\.{1,2}(?:\/|$)/;

/**
 * Joins the API's base URL and a path (its parameters already encoded) into the URL that
 * `new URL(base + path).href` gives, parsing only the base: a path of encoded segments needs no
 * normalizing, except for dot segments, and a base with a query or fragment is parsed whole.
 */
function urlJoiner(apiBase: string): (path: string) => string {
  const base = new URL(apiBase);
  if (base.search !== '' || base.hash !== '' || apiBase.endsWith('?') || apiBase.endsWith('#'))
    return (path) => new URL(`${apiBase}${path}`).href;
  const { href } = base;
  // `includes` first: the pattern is tested only for a path that has a dot after a slash at all.
  return (path) => (path.includes('/.') && DOT_SEGMENT.test(path) ? new URL(`${apiBase}${path}`).href : `${href}${path}`);
}

/**
 * The answer of a typed request is read (or, `read` false, left to its reader): its attempt's
 * timer ends, the first attempt's kept in the request, any other followed by the registry.
 */
function settleAnswer(request: FirstRequest, response: Response, read: boolean): void {
  if (request.attempt === undefined) responseSettled(response, read);
  else request.attempt.settled(response, read);
}

/** JSON when the text is JSON, else the text: how openapi-fetch reads an error's body. */
function parseOrText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
