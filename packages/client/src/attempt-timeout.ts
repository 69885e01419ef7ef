// The timeout of one attempt costs next to nothing while the attempt is fast: the attempts in
// flight share one unref'd timer, armed for the earliest deadline among them, and an attempt
// that ends leaves the list. The timer is not cleared when the list empties (the next call would
// arm it again): it fires once at the deadline it was armed for, finds nothing, and stays off. Node 20's AbortSignal.timeout cost about as much as a whole Request
// per call and kept its 30 s timer (and AbortSignal.any its listeners) alive long after a fast
// call had returned; a timer per attempt, set and cleared, still cost ~10% of a call's wall time
// on a trivial server (a timer list made and dropped, the loop's timer re-armed, every call).
//
// The signal itself is lent: in Node 20 making an AbortSignal costs ~8 µs (Object.setPrototypeOf
// on a new EventTarget), 2% of a loopback call. An attempt of the client's own fetch borrows an
// idle controller and gives it back once its answer has been read in full, so that the
// controller is never aborted while the request it served could still be affected (a finished
// fetch ignores its signal). A controller serves at most MAX_USES attempts: fetch leaves a
// listener on the signal until the Request is garbage-collected, and each new Request walks
// them (undici counts them, EventTarget looks for a duplicate). Per fetch on loopback, against
// none: a new signal +2.8%, one lent 4 or 8 times +1.5%, 32 times +2.3%, 128 times +2.9%.

/** One attempt's signal: the caller's signal and the attempt's timer together. */
export interface AttemptSignal {
  /** What fetch is given: undefined when nothing can abort the attempt. */
  signal: AbortSignal | undefined;
  /**
   * Follows the attempt: a failure clears the timer at once; a response keeps it until its body
   * has been read or discarded ({@link responseSettled}), since the timeout bounds the body too.
   */
  watch(sent: Promise<Response>): Promise<Response>;
  /** What `watch` does once the attempt has its response, for a caller that awaited it itself. */
  answered(response: Response): void;
  /** What `watch` does when the attempt failed, for a caller that awaited it itself. */
  failed(): void;
  /**
   * {@link responseSettled} for a caller that kept the attempt rather than handing its response
   * on (so that `answered` never had to remember it).
   */
  settled(response: Response, read: boolean): void;
}

/** An AbortController lent to attempts one after the other, and how many it has served. */
interface Lease {
  controller: AbortController;
  signal: AbortSignal;
  uses: number;
}

const MAX_USES = 8;
// Idle controllers kept for reuse: more attempts in flight at once than this make new ones.
const MAX_IDLE = 16;
const idle: Lease[] = [];

/** An idle controller, or a new one when none is idle (or lending is not allowed). */
function borrow(lend: boolean): Lease {
  const lease = lend ? idle.pop() : undefined;
  if (lease !== undefined) return lease;
  const controller = new AbortController();
  return { controller, signal: controller.signal, uses: 0 };
}

/** Takes a controller back unless it was aborted or has served enough attempts. */
function giveBack(lease: Lease): void {
  if (++lease.uses < MAX_USES && idle.length < MAX_IDLE && !lease.signal.aborted) idle.push(lease);
}

const attempts = new WeakMap<Response, Attempt>();
// The attempts in flight, a list linked through the attempts themselves: a Set that empties after
// every call reallocated its table at each add and delete (~170 B and a rehash per attempt).
let firstInFlight: Attempt | undefined;
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

/** Puts an attempt in the list of those in flight. */
function enter(attempt: Attempt): void {
  attempt.next = firstInFlight;
  if (firstInFlight !== undefined) firstInFlight.previous = attempt;
  firstInFlight = attempt;
}

/** Takes an attempt out of the list of those in flight, if it is in it. */
function leave(attempt: Attempt): void {
  if (attempt.previous !== undefined) attempt.previous.next = attempt.next;
  else if (firstInFlight === attempt) firstInFlight = attempt.next;
  else return;
  if (attempt.next !== undefined) attempt.next.previous = attempt.previous;
  attempt.previous = undefined;
  attempt.next = undefined;
}

/** Aborts the attempts whose deadline has passed, then arms the timer for the next one. */
function sweep(): void {
  sweeper = undefined;
  const now = performance.now();
  let next = Infinity;
  for (let attempt = firstInFlight; attempt !== undefined; ) {
    const following = attempt.next;
    if (attempt.at <= now) {
      leave(attempt);
      attempt.lease.controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
    } else next = Math.min(next, attempt.at);
    attempt = following;
  }
  if (next !== Infinity) armFor(next);
}

/**
 * One attempt with a timeout: its deadline, the controller that aborts it, and the caller's
 * signal it follows (a listener object rather than a closure per attempt).
 */
class Attempt implements AttemptSignal {
  readonly at: number;
  readonly lease: Lease;
  readonly signal: AbortSignal;
  readonly #given: AbortSignal | undefined;
  readonly #lent: boolean;
  #ended = false;
  /** The neighbours in the list of attempts in flight. */
  previous: Attempt | undefined = undefined;
  next: Attempt | undefined = undefined;

  constructor(given: AbortSignal | undefined, timeoutMs: number, lend: boolean) {
    this.at = performance.now() + timeoutMs;
    this.lease = borrow(lend);
    this.signal = this.lease.signal;
    this.#given = given;
    this.#lent = lend;
    enter(this);
    armFor(this.at);
    if (given?.aborted) this.lease.controller.abort(given.reason);
    else given?.addEventListener('abort', this, { once: true });
  }

  /** The caller's signal aborted: the attempt aborts with its reason. */
  handleEvent(): void {
    this.lease.controller.abort(this.#given?.reason);
  }

  async watch(sent: Promise<Response>): Promise<Response> {
    try {
      const response = await sent;
      this.answered(response);
      return response;
    } catch (error) {
      this.failed();
      throw error;
    }
  }

  answered(response: Response): void {
    attempts.set(response, this);
  }

  failed(): void {
    this.end(false);
  }

  settled(response: Response, read: boolean): void {
    this.end(read && (response.body === null || response.bodyUsed));
  }

  /** The attempt is over; its controller goes back when `read` (its answer read in full). */
  end(read: boolean): void {
    // Once only: a controller given back twice would be lent to two attempts at once.
    if (this.#ended) return;
    this.#ended = true;
    leave(this);
    this.#given?.removeEventListener('abort', this);
    if (read && this.#lent) giveBack(this.lease);
  }
}

/**
 * Starts the clock of one attempt: after `timeoutMs` it aborts with a `TimeoutError` DOMException
 * (what `AbortSignal.timeout` aborts with); `given`, the caller's signal, aborts it with its own
 * reason. Without a timeout the caller's signal is used as it is. `lend`: the signal goes only to
 * the global fetch, so it may be a lent one (a fetch of the caller's gets a signal of its own).
 */
export function startAttempt(given: AbortSignal | undefined, timeoutMs: number | undefined, lend = false): AttemptSignal {
  if (timeoutMs === undefined) return given === undefined ? UNBOUNDED : { ...UNBOUNDED, signal: given };
  return new Attempt(given, timeoutMs, lend);
}

// An attempt without a timeout has nothing to follow.
const UNBOUNDED: AttemptSignal = Object.freeze({
  signal: undefined,
  watch: (sent: Promise<Response>) => sent,
  answered: () => undefined,
  failed: () => undefined,
  settled: () => undefined,
});

/**
 * The response's body has been read (or will never be): its attempt's timer is cleared. `read`:
 * the body was read to its end (or there is none), so nothing the attempt's signal could still
 * abort; only then may its controller serve another attempt.
 */
export function responseSettled(response: Response, read = false): void {
  const attempt = attempts.get(response);
  if (attempt === undefined) return;
  attempts.delete(response);
  attempt.settled(response, read);
}
