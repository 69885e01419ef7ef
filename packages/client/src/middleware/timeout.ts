import { startAttempt } from '../attempt-timeout.js';
import type { FetchWrapper } from '../fetch.js';
import { givenSignal, replayable } from './replay.js';

/**
 * Aborts an attempt, reading its response body included, that takes longer than `timeoutMs`; the
 * request's own signal still applies. The attempt rejects with a `TimeoutError` DOMException,
 * which the retry wrapper treats as a network error. Its timer is cleared when the attempt fails
or its response is discarded or read by a typed operation. (The clients apply their `timeoutMs` in
 * their last step; this wrapper is for chains of your own.)
 */
export function withTimeout(timeoutMs: number): FetchWrapper {
  checkTimeout(timeoutMs);
  return (next) => async (request) => {
    const prepared = replayable(request);
    const copy = typeof prepared === 'function' ? prepared : await prepared;
    const attempt = startAttempt(givenSignal(request), timeoutMs);
    return attempt.watch(next(copy({ signal: attempt.signal })));
  };
}

/** Rejects a timeout that is not a positive number of ms. */
export function checkTimeout(timeoutMs: number): void {
  if (!(timeoutMs > 0)) throw new RangeError(`timeoutMs must be a positive number, got ${timeoutMs}`);
}
