// Most typed calls are over after one attempt, answered with a status no wrapper acts on. Sent
// through the fetch chain, that attempt still passed every wrapper (connection errors, redirects,
// retries): a promise and a request copier each, about 3% of a call on a trivial loopback server.
// So the first attempt is one fetch whose settlement is looked at once. Only a settlement that
// some wrapper acts on goes on through the chain, which is handed it as its first attempt's (the
// chain's last step gives it back instead of sending again): a failure (no connection, a timeout,
// the caller's abort), a 307 or 308, a status the retry wrapper re-sends. Every rule stays the
// wrappers' own; this step only decides when none of them can have anything to do.

import { startAttempt } from './attempt-timeout.js';
import type { FetchLike } from './fetch.js';
import type { RedirectWrapper } from './middleware/redirect.js';
import { requestPlan, type PlannedRequest } from './middleware/replay.js';
import type { RetryWrapper } from './middleware/retry.js';

/** The chain a first attempt stands in front of, and what its wrappers act on. */
export interface FirstAttemptChain {
  /**
   * The fetch chain: connection errors, redirects and retries (if on) around the global fetch
   * (`sendRequest`); no wrapper that changes the request before it is sent.
   */
  chain: FetchLike;
  redirects: RedirectWrapper;
  retry: RetryWrapper | undefined;
  /** The timeout of each attempt (ms); undefined for none. */
  timeoutMs: number | undefined;
}

/**
 * Sends a typed request: its first attempt with the global fetch directly, the chain asked only
 * when that attempt's settlement is one a wrapper acts on (or when a 308 has moved its URI).
 */
export function firstAttemptSender({
  chain,
  redirects,
  retry,
  timeoutMs,
}: FirstAttemptChain): (planned: PlannedRequest) => Promise<Response> {
  return async (planned) => {
    // A URI that a 308 moved is the redirect wrapper's to resolve.
    if (redirects.resolve(planned.url) !== planned.url) return chain(requestPlan(planned));
    const attempt = startAttempt(planned.signal, timeoutMs, true);
    const { signal } = attempt;
    const init: RequestInit = { method: planned.method, headers: planned.headers, body: planned.body, redirect: 'manual' };
    if (signal !== undefined) init.signal = signal;
    const sent = fetch(planned.url, init);
    let response: Response;
    try {
      // Awaited here rather than through attempt.watch: one promise fewer per call.
      response = await sent;
    } catch {
      attempt.failed();
      return chain(requestPlan(planned, sent));
    }
    attempt.answered(response);
    const { status } = response;
    if (status === 307 || status === 308 || retry?.resends(status) === true) return chain(requestPlan(planned, Promise.resolve(response)));
    return response;
  };
}
