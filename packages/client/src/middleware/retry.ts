import { discard, sleep, type FetchWrapper } from '../fetch.js';
import { replayable } from './replay.js';

/** When and how often a request is sent again. */
export interface RetryOptions {
  /** Attempts in all, the first included (default 3; 1 turns retries off). */
  maxAttempts?: number;
  /** The first backoff delay; it doubles on every attempt, with full jitter (default 200 ms). */
  baseDelayMs?: number;
  /** The longest wait between two attempts (default 10 s): a longer `Retry-After` ends the retries. */
  maxDelayMs?: number;
  /** Statuses retried whatever the method, since the server did not act on the request (default 429, 503). */
  retryStatuses?: readonly number[];
  /** Methods whose network errors and timeouts are retried (default GET, HEAD, OPTIONS, PUT, DELETE). */
  idempotentMethods?: readonly string[];
}

/** The retrying fetch wrapper, which also tells which answers it re-sends. */
export interface RetryWrapper extends FetchWrapper {
  /** Whether an attempt answered with `status` may be sent again (when attempts are left). */
  resends(status: number): boolean;
}

/**
 * Re-sends a request answered 429 or 503, after its `Retry-After` when present and otherwise
 * after an exponential backoff, and an idempotent request (PUT, DELETE) that failed on the
 * network or timed out. POST and PATCH are never re-sent after a network error: the server may
 * have acted on them. After the last attempt the last response (or error) is the caller's.
 *
 * @see 3GPP TS 29.122 clause 5.2.6 (429 and 503, `Retry-After`)
 * @see IETF RFC 9110 clause 10.2.3 (`Retry-After`)
 */
export function withRetry(options: RetryOptions = {}): RetryWrapper {
  const maxAttempts = options.maxAttempts ?? 3;
  const baseDelayMs = options.baseDelayMs ?? 200;
  const maxDelayMs = options.maxDelayMs ?? 10_000;
  const statuses = new Set(options.retryStatuses ?? [429, 503]);
  const idempotent = new Set(options.idempotentMethods ?? ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
  const backoff = (attempt: number) => Math.random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));

  const wrap: FetchWrapper = (next) => async (request) => {
    if (maxAttempts <= 1) return next(request);
    const prepared = replayable(request);
    const copy = typeof prepared === 'function' ? prepared : await prepared;
    for (let attempt = 1; ; attempt++) {
      let response: Response;
      try {
        response = await next(copy());
      } catch (error) {
        if (attempt >= maxAttempts || !idempotent.has(request.method) || request.signal.aborted || !isNetworkError(error)) throw error;
        await sleep(backoff(attempt), request.signal);
        continue;
      }
      if (attempt >= maxAttempts || !statuses.has(response.status)) return response;
      const delay = retryAfterMs(response.headers.get('retry-after')) ?? backoff(attempt);
      if (delay > maxDelayMs) return response;
      await discard(response);
      await sleep(delay, request.signal);
    }
  };
  return Object.assign(wrap, { resends: (status: number) => maxAttempts > 1 && statuses.has(status) });
}

/**
 * The wait a `Retry-After` value asks for, in ms: delay-seconds or an HTTP-date; undefined when
 * absent or malformed.
 */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

// fetch rejects with a TypeError when the connection fails, and with the signal's reason (a
// TimeoutError from withTimeout) when aborted; anything else (e.g. a token error) is not retried.
function isNetworkError(error: unknown): boolean {
  return error instanceof TypeError || (typeof error === 'object' && error !== null && 'name' in error && error.name === 'TimeoutError');
}
