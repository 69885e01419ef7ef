import type { FetchWrapper } from './fetch.js';

/**
 * A request that got no answer: the connection failed (refused, reset, name not resolved, TLS).
 * A TypeError, as fetch's own, so that code written for fetch still catches it; its message
 * names the method, the URL and the cause, where fetch says only "fetch failed".
 */
export class MmtelConnectionError extends TypeError {
  override readonly name = 'MmtelConnectionError';
  /** The URL the request went to. */
  readonly url: string;
  /** The request method. */
  readonly method: string;

  constructor(request: Request, error: TypeError) {
    super(`${request.method} ${request.url} got no answer: ${describeCause(error)}`, { cause: error });
    this.url = request.url;
    this.method = request.method;
  }
}

/**
 * Turns fetch's "fetch failed" into a {@link MmtelConnectionError}; outermost in the chain, so
 * that retries still see (and retry) the TypeError fetch throws.
 */
export function withConnectionErrors(): FetchWrapper {
  return (next) => async (request) => {
    try {
      return await next(request);
    } catch (error) {
      if (error instanceof TypeError && !(error instanceof MmtelConnectionError)) throw new MmtelConnectionError(request, error);
      throw error;
    }
  };
}

/** The deepest cause's message: undici's "fetch failed" hides "connect ECONNREFUSED 127.0.0.1:9". */
function describeCause(error: Error): string {
  let deepest: unknown = error;
  for (let depth = 0; depth < 5 && deepest instanceof Error && deepest.cause instanceof Error; depth++) deepest = deepest.cause;
  const cause = deepest as Error & { code?: unknown };
  const code = typeof cause.code === 'string' && !cause.message.includes(cause.code) ? ` (${cause.code})` : '';
  return `${cause.message}${code}`;
}
