import type { LookupFunction } from 'node:net';
import { NOTIFICATION_DEFAULTS } from '../config/defaults.js';
import type { NewNotification, Outbox, OutboxEntry, Store } from '../store/store.js';
import { jsonText } from '../http/json-text.js';
import { backoffDelay } from './backoff.js';
import { compileCallbackValidators, validateCallbackBody, type InvalidParam } from './callback-validator.js';
import { NotificationSender, type DeliveryOutcome, type TargetCheck } from './delivery.js';
import type { WebSocketHub } from './websocket-hub.js';

/** How notifications are delivered, retried and given up. */
export interface DeliveryPolicy {
  /** Bound on each phase of a request hop: connecting, awaiting the answer's headers, each pause in its body. */
  timeoutMs: number;
  /** Ceiling of the first retry delay; doubles per attempt (full jitter). */
  initialBackoffMs: number;
  /** Largest retry delay drawn from the backoff (a longer Retry-After is still honoured). */
  maxBackoffMs: number;
  /** Attempts before giving up. */
  maxAttempts: number;
  /** Give-up budget: no attempt is made, or scheduled, later than this after enqueueing. */
  maxAgeMs: number;
  /** Redirects followed per attempt (TS 29.122 clause 5.2.10 loop guard). */
  maxRedirects: number;
  /** Attempts in flight at once. */
  concurrency: number;
  /** Longest sleep between claims (finds entries of other instances and lapsed leases). */
  pollIntervalMs: number;
  /** Lease on a claimed entry; must outlast an attempt with all its redirect hops. */
  leaseMs: number;
}

/** Claims in flight at once (one answering, one gathering the next batch). */
const MAX_OVERLAPPING_CLAIMS = 2;

/** The defaults of a server started without any variable (the configuration schema's), and the engine's own constants. */
export const DEFAULT_DELIVERY_POLICY: Readonly<DeliveryPolicy> = Object.freeze({
  timeoutMs: NOTIFICATION_DEFAULTS.timeoutMs,
  initialBackoffMs: NOTIFICATION_DEFAULTS.initialBackoffMs,
  maxBackoffMs: NOTIFICATION_DEFAULTS.maxBackoffMs,
  maxAttempts: NOTIFICATION_DEFAULTS.maxAttempts,
  maxAgeMs: NOTIFICATION_DEFAULTS.maxAgeMs,
  maxRedirects: 3,
  concurrency: NOTIFICATION_DEFAULTS.concurrency,
  pollIntervalMs: 1_000,
  leaseMs: NOTIFICATION_DEFAULTS.leaseMs,
});

/** Hooks the server wires to its metrics registry (prom-client). */
export interface EngineMetrics {
  /** A notification was delivered; `ms` is the time from enqueueing to delivery. */
  delivered(callback: string, ms: number): void;
  /** An attempt failed and another is scheduled; `reason` is a short label such as `http_503`. */
  retried(callback: string, reason: string): void;
  /** A notification was given up; `reason` is a short label such as `USER_NOT_FOUND` or `max_attempts`. */
  failed(callback: string, reason: string): void;
  /** A 307 or 308 was followed. */
  redirected(callback: string, status: number): void;
}

/** The part of a pino (or Fastify) logger the engine uses. */
export interface EngineLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** What the engine is built from. */
export interface NotificationEngineOptions {
  store: Store;
  /** Lease owner name of this server instance; unique among instances sharing the store. */
  instanceId: string;
  logger: EngineLogger;
  policy: DeliveryPolicy;
  /** Notification WebSockets; a session with an open socket gets its notifications there. */
  websockets?: WebSocketHub | undefined;
  /** SSRF policy, called before every request, each redirect hop included. */
  checkTarget?: TargetCheck | undefined;
  /** SSRF policy at connect time: host name resolution that refuses forbidden addresses. */
  lookup?: LookupFunction | undefined;
  /** Persists the new notification URI after a 308 (the session's notifUri, or the configured URI). */
  onPermanentRedirect(entry: OutboxEntry, newTarget: string): Promise<void>;
  metrics?: EngineMetrics | undefined;
  /** Source of the backoff jitter, in [0, 1); tests pin it. */
  random?: () => number;
}

/** A notification body that does not match its callback's schema; nothing was enqueued. */
export class NotificationSchemaError extends Error {
  readonly code = 'NOTIFICATION_SCHEMA_INVALID';
  override readonly name = 'NotificationSchemaError';

  constructor(
    readonly callback: string,
    readonly invalidParams: InvalidParam[],
    /** Position of the offending item in the enqueued batch. */
    readonly index: number,
  ) {
    super(`notification ${index} does not match the ${callback} request body schema: ${invalidParams.map((p) => `${p.param || '/'} ${p.reason}`).join('; ')}`);
  }
}

/**
 * Delivers the outbox: claims due stream heads, POSTs them (or writes them to the session's
 * WebSocket), follows redirects, retries with backoff and records the outcome.
 * @see 3GPP TS 29.122 clauses 5.2.5 and 5.2.10
 */
export class NotificationEngine {
  /** The configured defaults (same object as DEFAULT_DELIVERY_POLICY). */
  static readonly defaultPolicy: Readonly<DeliveryPolicy> = DEFAULT_DELIVERY_POLICY;

  readonly #outbox: Outbox;
  readonly #instanceId: string;
  readonly #logger: EngineLogger;
  readonly #policy: DeliveryPolicy;
  readonly #websockets: WebSocketHub | undefined;
  readonly #checkTarget: TargetCheck | undefined;
  readonly #lookup: LookupFunction | undefined;
  readonly #onPermanentRedirect: (entry: OutboxEntry, newTarget: string) => Promise<void>;
  readonly #metrics: EngineMetrics | undefined;
  readonly #random: () => number;

  #running = false;
  #stopping: Promise<void> | undefined;
  #sender: NotificationSender | undefined;
  /** Claimed, not yet started. */
  #queue: OutboxEntry[] = [];
  /** Requests (or WebSocket writes) in progress: what `concurrency` bounds. */
  #attempting = 0;
  /** Every claimed entry between its start and its recorded outcome. */
  #inflight = new Set<Promise<void>>();
  /** Claims in flight. */
  #claims = new Set<Promise<void>>();
  /** Entries the claims in flight may return. */
  #reserved = 0;
  /** Something happened since the last claim was issued that may have made an entry claimable. */
  #dirty = false;
  /** A tick is scheduled (wakes of one I/O phase coalesce into one claim). */
  #tickScheduled = false;
  #timer: NodeJS.Timeout | undefined;
  #checkingIdle = false;
  /** When the last claim was issued. */
  #lastClaimAt = 0;
  /** Earliest retry this instance scheduled and has not claimed yet. */
  #localNextDue: number | undefined;
  #idleWaiters: (() => void)[] = [];

  constructor(options: NotificationEngineOptions) {
    this.#outbox = options.store.outbox;
    this.#instanceId = options.instanceId;
    this.#logger = options.logger;
    this.#policy = { ...options.policy };
    this.#websockets = options.websockets;
    this.#checkTarget = options.checkTarget;
    this.#lookup = options.lookup;
    this.#onPermanentRedirect = options.onPermanentRedirect;
    this.#metrics = options.metrics;
    this.#random = options.random ?? Math.random;
    if (!(this.#policy.concurrency >= 1)) throw new RangeError('policy.concurrency must be at least 1');
    // Compiling the schemas takes ~100 ms: pay it at startup, not on the first notification.
    compileCallbackValidators();
    // Three timed phases per hop (connect, headers, body), one hop per redirect plus the first.
    const longestAttempt = 3 * this.#policy.timeoutMs * (this.#policy.maxRedirects + 1);
    if (this.#policy.leaseMs <= longestAttempt) {
      this.#logger.warn(
        { leaseMs: this.#policy.leaseMs, longestAttemptMs: longestAttempt },
        'notification lease shorter than an attempt with all its redirects: another instance may deliver twice',
      );
    }
  }

  /**
   * Validates every body against its callback schema, then stores them durably, in order.
   * Throws NotificationSchemaError (nothing enqueued) on the first invalid body.
   */
  async enqueue(items: NewNotification[]): Promise<OutboxEntry[]> {
    for (const [index, item] of items.entries()) {
      const result = validateCallbackBody(item.callback, item.body);
      if (!result.valid) throw new NotificationSchemaError(item.callback, result.invalidParams, index);
    }
    if (items.length === 0) return [];
    const entries = await this.#outbox.enqueue(items);
    this.wake();
    return entries;
  }

  /** Starts delivering. */
  start(): void {
    if (this.#stopping !== undefined) throw new Error('the notification engine is still stopping');
    if (this.#running) return;
    this.#running = true;
    this.#dirty = true;
    this.#sender = new NotificationSender({
      timeoutMs: this.#policy.timeoutMs,
      maxRedirects: this.#policy.maxRedirects,
      checkTarget: this.#checkTarget,
      lookup: this.#lookup,
    });
    this.#schedule();
  }

  /**
   * Stops claiming, waits for the attempts in flight, and hands claimed but unstarted entries
   * back to the outbox: pending entries stay for the next start, on this or another instance.
   */
  async stop(): Promise<void> {
    if (this.#stopping !== undefined) return this.#stopping;
    if (!this.#running) return;
    this.#running = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#stopping = (async () => {
      // A claim in flight hands its entries back itself once it sees the engine stopped.
      await Promise.all(this.#claims);
      await this.#release(this.#queue.splice(0));
      await Promise.all(this.#inflight);
      await this.#sender?.close();
      this.#sender = undefined;
      this.#resolveIdle();
    })();
    try {
      await this.#stopping;
    } finally {
      this.#stopping = undefined;
    }
  }

  /** Looks for due entries now (after an enqueue, here or on another instance). */
  wake(): void {
    this.#dirty = true;
    this.#schedule();
  }

  /** Resolves once nothing is due and nothing is in flight (or the engine is stopped). */
  whenIdle(): Promise<void> {
    if (!this.#running) return this.#stopping ?? Promise.resolve();
    return new Promise((resolve) => {
      this.#idleWaiters.push(resolve);
      this.wake();
    });
  }

  #schedule(): void {
    if (!this.#running || this.#tickScheduled) return;
    this.#tickScheduled = true;
    setImmediate(() => {
      this.#tickScheduled = false;
      this.#tick();
    });
  }

  /**
   * Claims while something may have become claimable and there is room (claimed entries ahead
   * of the requests, up to twice the concurrency). Up to two claims overlap, so that a slow claim
   * (a PostgreSQL round trip) does not hold the next one back.
   */
  #tick(): void {
    if (!this.#running) return;
    const { concurrency } = this.#policy;
    while (this.#dirty && this.#claims.size < MAX_OVERLAPPING_CLAIMS) {
      const room = concurrency * 2 - (this.#attempting + this.#queue.length + this.#reserved);
      // No room: a request ending frees some and wakes the engine again.
      if (room < 1) break;
      this.#dirty = false;
      // At most `concurrency` per claim, so that the overlapping claim has room too.
      this.#claim(Math.min(room, concurrency));
    }
    if (this.#claims.size === 0) this.#plan();
  }

  #claim(limit: number): void {
    const now = Date.now();
    this.#lastClaimAt = now;
    this.#reserved += limit;
    const claim: Promise<void> = this.#outbox
      .claim({ owner: this.#instanceId, now, limit, leaseMs: this.#policy.leaseMs })
      .then(
        async (batch) => {
          if (!this.#running) {
            await this.#release(batch);
            return;
          }
          if (this.#localNextDue !== undefined && this.#localNextDue <= now) this.#localNextDue = undefined;
          for (const entry of batch) this.#queue.push(entry);
          // A full batch: there may be more due right now.
          if (batch.length === limit) this.#dirty = true;
          this.#pump();
        },
        (err: unknown) => {
          this.#logger.error({ err }, 'cannot claim notifications; trying again later');
        },
      )
      .finally(() => {
        this.#reserved -= limit;
        this.#claims.delete(claim);
        this.#tick();
      });
    this.#claims.add(claim);
  }

  /** Nothing to claim now: arm the timer for the next due entry (or the poll), and notice idleness. */
  #plan(): void {
    const { pollIntervalMs } = this.#policy;
    if (this.#attempting > 0 || this.#queue.length > 0 || this.#inflight.size > 0) {
      // Ending requests wake the engine; the timer catches retries coming due meanwhile.
      const next = this.#localNextDue;
      this.#arm(next === undefined ? pollIntervalMs : Math.min(Math.max(0, next - Date.now()), pollIntervalMs));
      return;
    }
    if (this.#checkingIdle || this.#dirty) return;
    this.#checkingIdle = true;
    const claimedAt = this.#lastClaimAt;
    this.#outbox
      .nextDueAt()
      .catch((err: unknown) => {
        this.#logger.error({ err }, 'cannot read the notification outbox');
        return null;
      })
      .then((next) => {
        this.#checkingIdle = false;
        if (!this.#running) return;
        if (this.#dirty || this.#claims.size > 0 || this.#inflight.size > 0 || this.#queue.length > 0) return this.#tick();
        const now = Date.now();
        if (next === null) return this.#arm(pollIntervalMs);
        // Came due after the last claim looked: claim again now.
        if (next !== undefined && next > claimedAt && next <= now) return this.wake();
        if (next === undefined || next > now) this.#resolveIdle();
        // Otherwise what is due waits behind another instance's lease: poll.
        this.#arm(next !== undefined && next > now ? Math.min(next - now, pollIntervalMs) : pollIntervalMs);
      });
  }

  #arm(ms: number): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.wake();
    }, ms);
  }

  #pump(): void {
    while (this.#running && this.#attempting < this.#policy.concurrency) {
      const entry = this.#queue.shift();
      if (entry === undefined) return;
      this.#attempting += 1;
      let slotFreed = false;
      // The slot is freed as soon as the request has ended, not when its outcome is stored: store
      // commits then overlap the next requests instead of holding the concurrency hostage.
      const freeSlot = (): void => {
        if (slotFreed) return;
        slotFreed = true;
        this.#attempting -= 1;
        this.#pump();
      };
      const attempt: Promise<void> = this.#attempt(entry, freeSlot).finally(() => {
        freeSlot();
        this.#inflight.delete(attempt);
        // The outcome is stored: the stream's next entry may now be claimable.
        this.wake();
      });
      this.#inflight.add(attempt);
    }
  }

  #resolveIdle(): void {
    for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }

  /** Hands entries back unattempted (shutdown): same attempts, same due time, lease released. */
  async #release(entries: OutboxEntry[]): Promise<void> {
    await Promise.all(
      entries.map(async (entry) => {
        try {
          await this.#outbox.retry(entry.id, {
            attempts: entry.attempts,
            nextAttemptAt: entry.nextAttemptAt,
            target: entry.target,
            status: entry.lastStatus,
            error: entry.lastError,
          });
        } catch (err) {
          this.#logger.warn({ err, notification: entry.id }, 'cannot release a notification; it is claimable again when its lease lapses');
        }
      }),
    );
  }

  /** One attempt; never rejects (a store failure leaves the lease to lapse and the entry to be retried). */
  async #attempt(entry: OutboxEntry, requestEnded: () => void): Promise<void> {
    const startedAt = Date.now();
    const attempts = entry.attempts + 1;
    try {
      if (startedAt - entry.createdAt > this.#policy.maxAgeMs) {
        const error = `gave up: older than ${this.#policy.maxAgeMs} ms${entry.lastError !== undefined ? `; last: ${entry.lastError}` : ''}`;
        await this.#giveUp(entry, entry.attempts, entry.target, 'max_age', error, entry.lastStatus);
        return;
      }
      if (entry.sessionId !== undefined && this.#websockets?.send(entry.sessionId, entry.body) === true) {
        requestEnded();
        await this.#written(this.#outbox.finish(entry.id, { state: 'delivered', attempts, target: entry.target, at: Date.now() }));
        this.#metrics?.delivered(entry.callback, Date.now() - entry.createdAt);
        this.#logger.debug(this.#context(entry, { attempts, via: 'websocket' }), 'notification delivered');
        return;
      }
      const sender = this.#sender;
      if (sender === undefined) throw new Error('the notification engine is not started');
      const outcome = await sender.send(entry.target, jsonText(entry.body));
      requestEnded();
      await this.#record(entry, attempts, outcome);
    } catch (err) {
      this.#logger.error(this.#context(entry, { err }), 'notification attempt not recorded; retried when its lease lapses');
    }
  }

  async #record(entry: OutboxEntry, attempts: number, outcome: DeliveryOutcome): Promise<void> {
    for (const hop of outcome.redirects) this.#metrics?.redirected(entry.callback, hop.status);
    let nextTarget = entry.target;
    if (outcome.permanentTarget !== undefined && outcome.permanentTarget !== entry.target) {
      nextTarget = outcome.permanentTarget;
      await this.#retarget(entry, nextTarget);
    }
    const at = Date.now();
    const details = { attempts, status: outcome.status, target: outcome.target, redirects: outcome.redirects.length || undefined };
    switch (outcome.kind) {
      case 'delivered':
        await this.#written(this.#outbox.finish(entry.id, { state: 'delivered', attempts, target: outcome.target, at, status: outcome.status }));
        this.#metrics?.delivered(entry.callback, at - entry.createdAt);
        this.#logger.debug(this.#context(entry, details), 'notification delivered');
        return;
      case 'failed':
        await this.#written(
          this.#outbox.finish(entry.id, { state: 'failed', attempts, target: outcome.target, at, status: outcome.status, error: outcome.error }),
        );
        this.#metrics?.failed(entry.callback, outcome.reason);
        this.#logger.warn(this.#context(entry, { ...details, reason: outcome.reason, error: outcome.error }), 'notification failed, not retried');
        return;
      case 'retry': {
        if (attempts >= this.#policy.maxAttempts) {
          await this.#giveUp(entry, attempts, nextTarget, 'max_attempts', `gave up after ${attempts} attempts; last: ${outcome.error}`, outcome.status);
          return;
        }
        const delay = outcome.retryAfterMs ?? backoffDelay(attempts, this.#policy.initialBackoffMs, this.#policy.maxBackoffMs, this.#random);
        const nextAttemptAt = at + delay;
        if (nextAttemptAt - entry.createdAt > this.#policy.maxAgeMs) {
          const error = `gave up after ${attempts} attempts: the next would pass the ${this.#policy.maxAgeMs} ms budget; last: ${outcome.error}`;
          await this.#giveUp(entry, attempts, nextTarget, 'max_age', error, outcome.status);
          return;
        }
        await this.#written(this.#outbox.retry(entry.id, { attempts, nextAttemptAt, target: nextTarget, status: outcome.status, error: outcome.error }));
        if (this.#localNextDue === undefined || nextAttemptAt < this.#localNextDue) this.#localNextDue = nextAttemptAt;
        this.#metrics?.retried(entry.callback, outcome.reason);
        this.#logger.warn(this.#context(entry, { ...details, reason: outcome.reason, error: outcome.error, retryInMs: delay }), 'notification attempt failed, retrying');
        return;
      }
    }
  }

  /** Awaits an outcome write (the attempt's end wakes the loop once it is stored). */
  async #written(write: Promise<void>): Promise<void> {
    await write;
  }

  async #giveUp(entry: OutboxEntry, attempts: number, target: string, reason: string, error: string, status: number | undefined): Promise<void> {
    await this.#written(this.#outbox.finish(entry.id, { state: 'failed', attempts, target, at: Date.now(), status, error }));
    this.#metrics?.failed(entry.callback, reason);
    this.#logger.warn(this.#context(entry, { attempts, reason, error }), 'notification given up');
  }

  async #retarget(entry: OutboxEntry, newTarget: string): Promise<void> {
    try {
      await this.#onPermanentRedirect(entry, newTarget);
    } catch (err) {
      this.#logger.error(this.#context(entry, { err, newTarget }), 'cannot persist the notification URI after a 308');
    }
    try {
      const moved = await this.#outbox.retarget(entry.stream, entry.target, newTarget);
      this.#logger.info(this.#context(entry, { newTarget, retargeted: moved }), 'notification URI moved permanently (308)');
    } catch (err) {
      this.#logger.error(this.#context(entry, { err, newTarget }), 'cannot retarget the pending notifications after a 308');
    }
  }

  #context(entry: OutboxEntry, extra: Record<string, unknown>): Record<string, unknown> {
    return { notification: entry.id, stream: entry.stream, seq: entry.seq, callback: entry.callback, ...extra };
  }
}
