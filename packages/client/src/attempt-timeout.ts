// The timeout of one attempt costs next to nothing while the attempt is fast: the attempts in
// flight share one unref'd timer, armed for the earliest deadline among them, and an attempt
// that ends leaves the set. The timer is not cleared when the set empties (the next call would
// arm it again): it fires once at the deadline it was armed for, finds nothing, and stays off. Node 20's AbortSignal.timeout cost about as much as a whole Request
// per call and kept its 30 s timer (and AbortSignal.any its listeners) alive long after a fast
// call had returned; a timer per attempt, set and cleared, still cost ~10% of a call's wall time
// on a trivial server (a timer list made and dropped, the loop's timer re-armed, every call).

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

/** An attempt in flight with a timeout: when it expires and what it aborts. */
interface Deadline {
  at: number;
  controller: AbortController;
}

const inFlight = new Set<Deadline>();
let sweeper: { at: number; timer: NodeJS.Timeout } | undefined;

/** Arms the shared timer for `at` unless it is armed for that time or earlier. */
function armFor(at: number): void {
  if (sweeper !== undefined && sweeper.at <= at) return;
  if (sweeper !== undefined) clearTimeout(sweeper.timer);
  const timer = setTimeout(sweep, Math.max(0, at - performance.now()));
  // Like AbortSignal.timeout's, the timer never keeps the process alive by itself.
  timer.unref();
  sweeper = { at, timer };
}

/** Aborts the attempts whose deadline has passed, then arms the timer for the next one. */
function sweep(): void {
  sweeper = undefined;
  const now = performance.now();
  let next = Infinity;
  for (const deadline of inFlight) {
    if (deadline.at <= now) {
      inFlight.delete(deadline);
      deadline.controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
    } else next = Math.min(next, deadline.at);
  }
  if (next !== Infinity) armFor(next);
}

/**
 * Starts the clock of one attempt: after `timeoutMs` it aborts with a `TimeoutError` DOMException
 * (what `AbortSignal.timeout` aborts with); `given`, the caller's signal, aborts it with its own
 * reason. Without a timeout the caller's signal is used as it is.
 */
export function startAttempt(given: AbortSignal | undefined, timeoutMs: number | undefined): AttemptSignal {
  if (timeoutMs === undefined) return { signal: given, watch: (sent) => sent };
  const controller = new AbortController();
  const onAbort = () => controller.abort(given?.reason);
  const deadline: Deadline = { at: performance.now() + timeoutMs, controller };
  inFlight.add(deadline);
  armFor(deadline.at);
  if (given?.aborted) controller.abort(given.reason);
  else given?.addEventListener('abort', onAbort, { once: true });
  const done = () => {
    inFlight.delete(deadline);
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
