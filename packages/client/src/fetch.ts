import { responseSettled } from './attempt-timeout.js';

/** A fetch that takes one `Request`: what openapi-fetch calls, and what every wrapper returns. */
export type FetchLike = (request: Request) => Promise<Response>;

/** A fetch middleware: wraps the next fetch of the chain (used where a request must be re-sent). */
export type FetchWrapper = (next: FetchLike) => FetchLike;

/** Wraps `base` in `wrappers`, the first one outermost. */
export function composeFetch(base: FetchLike, ...wrappers: readonly FetchWrapper[]): FetchLike {
  return wrappers.reduceRight<FetchLike>((next, wrap) => wrap(next), base);
}

/**
 * Waits `ms`, or rejects with the signal's reason as soon as `signal` aborts: the reason as given,
 * Error or not, as fetch rejects with it.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the abort reason, as fetch throws it
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the abort reason, as fetch throws it
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Discards a response that will not be returned, so that its connection is freed. */
export async function discard(response: Response): Promise<void> {
  responseSettled(response);
  await response.body?.cancel().catch(() => undefined);
}
