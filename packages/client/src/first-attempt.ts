// Most typed calls are over after one attempt, answered with a status no wrapper acts on. Sent
// through the fetch chain, that attempt still passed every wrapper (connection errors, redirects,
// retries): a promise and a request copier each, about 3% of a call on a trivial loopback server.
// So the first attempt is one fetch whose settlement is looked at once. Only a settlement that
// some wrapper acts on goes on through the chain, which is handed it as its first attempt's (the
// chain's last step gives it back instead of sending again): a failure (no connection, a timeout,
// the caller's abort), a 307 or 308, a status the retry wrapper re-sends. Every rule stays the
// wrappers' own; this step only decides when none of them can have anything to do. The caller
// awaits the first attempt itself (no promise of ours in between), keeps its timer in the
// request and ends it once the answer is read; a response handed to the chain is followed as
// any of the chain's (responseSettled).

import { startAttempt, type AttemptSignal } from './attempt-timeout.js';
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

/** A typed request sent by its first attempt, and that attempt's timer while the caller keeps it. */
export interface FirstRequest extends PlannedRequest {
  /** Set by `send`; undefined again once the chain has taken the request over. */
  attempt: AttemptSignal | undefined;
}

/** Sends the first attempts of typed requests with the global fetch, in front of the chain. */
export class FirstAttempts {
  readonly #chain: FetchLike;
  readonly #redirects: RedirectWrapper;
  readonly #retry: RetryWrapper | undefined;
  readonly #timeoutMs: number | undefined;

  constructor({ chain, redirects, retry, timeoutMs }: FirstAttemptChain) {
    this.#chain = chain;
    this.#redirects = redirects;
    this.#retry = retry;
    this.#timeoutMs = timeoutMs;
  }

  /**
   * Sends the first attempt of `request`, its timer in `request.attempt`; undefined when a 308
   * has moved its URI (the redirect wrapper's to resolve: send it through the chain).
   */
  send(request: FirstRequest): Promise<Response> | undefined {
    if (this.#redirects.resolve(request.url) !== request.url) return undefined;
    const attempt = startAttempt(request.signal, this.#timeoutMs, true);
    request.attempt = attempt;
    const { signal } = attempt;
    const init: RequestInit = { method: request.method, headers: request.headers, body: request.body, redirect: 'manual' };
    if (signal !== undefined) init.signal = signal;
    return fetch(request.url, init);
  }

  /** The first attempt failed: the chain takes over from that failure. */
  failed(request: FirstRequest, sent: Promise<Response>): Promise<Response> {
    request.attempt?.failed();
    request.attempt = undefined;
    return this.#chain(requestPlan(request, sent));
  }

  /**
   * The first attempt was answered: undefined when that answer is the call's (no wrapper acts on
   * it), else the chain's answer, the chain taking over from the first.
   */
  answered(request: FirstRequest, response: Response): Promise<Response> | undefined {
    const { status } = response;
    if (status !== 307 && status !== 308 && this.#retry?.resends(status) !== true) return undefined;
    request.attempt?.answered(response);
    request.attempt = undefined;
    return this.#chain(requestPlan(request, Promise.resolve(response)));
  }
}
