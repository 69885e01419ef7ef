// The timeout of one attempt costs one timer, cleared as soon as the attempt is over. Node 20's
// AbortSignal.timeout cost about as much as a whole Request per call and kept its 30 s timer (and
// AbortSignal.any its listeners) alive long after a fast call had returned.

/** One attempt's signal: the caller's signal and the attempt's timer together. */
export interface AttemptSignal {
  /** What fetch is given: undefined when nothing can abort the attempt. */
  signal: AbortSignal | undefined;
  /**
   * Follows the attempt: a failure clears the timer at once; a response keeps it until its body
   * has been read or discarded ({@link responseSettled}), since the timeout bounds the body too.
   */
  watch(sent: Promise<Response>): Promise<Response>;
}

const timers = new WeakMap<Response, () => void>();

/**
 * Starts the clock of one attempt: after `timeoutMs` it aborts with a `TimeoutError` DOMException
 * (what `AbortSignal.timeout` aborts with); `given`, the caller's signal, aborts it with its own
 * reason. Without a timeout the caller's signal is used as it is.
 */
export function startAttempt(given: AbortSignal | undefined, timeoutMs: number | undefined): AttemptSignal {
  if (timeoutMs === undefined) return { signal: given, watch: (sent) => sent };
  const controller = new AbortController();
  const onAbort = () => controller.abort(given?.reason);
  const timer = setTimeout(() => controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), timeoutMs);
  // Like AbortSignal.timeout's, the timer never keeps the process alive by itself.
  timer.unref();
  if (given?.aborted) controller.abort(given.reason);
  else given?.addEventListener('abort', onAbort, { once: true });
  const done = () => {
    clearTimeout(timer);
    given?.removeEventListener('abort', onAbort);
  };
  return {
    signal: controller.signal,
    watch: (sent) =>
      sent.then(
        (response) => (timers.set(response, done), response),
        (error: unknown) => {
          done();
          throw error;
        },
      ),
  };
}

/** The response's body has been read (or will never be): its attempt's timer is cleared. */
export function responseSettled(response: Response): void {
  const done = timers.get(response);
  if (done === undefined) return;
  timers.delete(response);
  done();
}
