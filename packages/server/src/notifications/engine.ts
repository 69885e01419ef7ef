import type { LookupFunction } from 'node:net';
import type { Outbox, OutboxEntry, Store } from '../store/store.js';
import { jsonText } from '../http/json-text.js';
import { NotificationSender, type TargetCheck } from './delivery.js';
import {
  DeliveryOutcomes,
  entryLogFields,
  type EngineLogger,
  type EngineMetrics,
  type PermanentRedirectHandler,
} from './delivery-outcomes.js';
import { DEFAULT_DELIVERY_POLICY, type DeliveryPolicy, longestAttemptMs } from './delivery-policy.js';
import type { NotificationQueue } from './notification-queue.js';
import type { WebSocketHub } from './websocket-hub.js';

/** Claims in flight at once (one answering, one gathering the next batch). */
const MAX_OVERLAPPING_CLAIMS = 2;

/** What the engine is built from. */
export interface NotificationEngineOptions {
  store: Store;
  /** The queue the services enqueue through: each enqueue wakes the engine (without, it finds new entries at its next poll). */
  queue?: NotificationQueue | undefined;
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
  onPermanentRedirect: PermanentRedirectHandler;
  metrics?: EngineMetrics | undefined;
  /** Source of the backoff jitter, in [0, 1); tests pin it. */
  random?: () => number;
  /** The level of a delivered notification's log line (info in development); debug by default. */
  deliveredLogLevel?: 'debug' | 'info' | undefined;
}

/**
 * Delivers the outbox: claims due stream heads, POSTs them (or writes them to the session's
 * WebSocket) and hands each outcome to DeliveryOutcomes, which records it and schedules retries.
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
  readonly #outcomes: DeliveryOutcomes;

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
    this.#outcomes = new DeliveryOutcomes({
      outbox: this.#outbox,
      policy: this.#policy,
      logger: this.#logger,
      metrics: options.metrics,
      onPermanentRedirect: options.onPermanentRedirect,
      random: options.random ?? Math.random,
      deliveredLogLevel: options.deliveredLogLevel,
    });
    if (!(this.#policy.concurrency >= 1)) throw new RangeError('policy.concurrency must be at least 1');
    const longestAttempt = longestAttemptMs(this.#policy);
    if (this.#policy.leaseMs <= longestAttempt) {
      this.#logger.warn(
        { leaseMs: this.#policy.leaseMs, longestAttemptMs: longestAttempt },
        'notification lease shorter than an attempt with all its redirects: another instance may deliver twice',
      );
    }
    options.queue?.onEnqueued(() => this.wake());
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
      await this.#outcomes.release(this.#queue.splice(0));
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
            await this.#outcomes.release(batch);
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
      })
      .catch((err: unknown) => this.#logger.error({ err }, 'the notification engine failed to plan its next claim'));
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
      const attempt = this.#attempt(entry);
      this.#inflight.add(attempt);
      void attempt.then(() => {
        this.#inflight.delete(attempt);
        // The outcome is stored: the stream's next entry may now be claimable.
        this.wake();
      });
    }
  }

  /** An attempt's request has ended: its slot goes to the next claimed entry. */
  #freeSlot(): void {
    this.#attempting -= 1;
    this.#pump();
  }

  #resolveIdle(): void {
    for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }

  /**
   * One attempt; never rejects (a store failure leaves the lease to lapse and the entry to be
   * retried). The slot is freed as soon as the request has ended, not when its outcome is stored:
   * store commits then overlap the next requests instead of holding the concurrency hostage.
   */
  async #attempt(entry: OutboxEntry): Promise<void> {
    const attempts = entry.attempts + 1;
    let holdsSlot = true;
    try {
      if (this.#outcomes.expired(entry, Date.now())) {
        await this.#outcomes.giveUpExpired(entry);
        return;
      }
      if (entry.sessionId !== undefined && this.#websockets?.send(entry.sessionId, entry.body) === true) {
        holdsSlot = false;
        this.#freeSlot();
        await this.#outcomes.deliveredOverWebsocket(entry, attempts);
        return;
      }
      const sender = this.#sender;
      if (sender === undefined) throw new Error('the notification engine is not started');
      const sentAt = performance.now();
      const outcome = await sender.send(entry.target, entry.bodyText ?? jsonText(entry.body));
      holdsSlot = false;
      this.#freeSlot();
      const retryAt = await this.#outcomes.record(entry, attempts, outcome, performance.now() - sentAt);
      if (retryAt !== undefined && (this.#localNextDue === undefined || retryAt < this.#localNextDue)) this.#localNextDue = retryAt;
    } catch (err) {
      this.#logger.error(entryLogFields(entry, { err }), 'notification attempt not recorded; retried when its lease lapses');
    } finally {
      if (holdsSlot) this.#freeSlot();
    }
  }
}
