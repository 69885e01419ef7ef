import type { Outbox, OutboxEntry } from '../store/store.js';
import { backoffDelay } from './backoff.js';
import { deliveryLine } from './delivery-line.js';
import type { DeliveryOutcome } from './delivery.js';
import type { DeliveryPolicy } from './delivery-policy.js';

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
  /** pino's: whether a line at `level` is written (absent: every level is). */
  isLevelEnabled?(level: string): boolean;
}

/** Persists the new notification URI after a 308 (the session's notifUri, or the SessionEventNotificationUri). */
export type PermanentRedirectHandler = (entry: OutboxEntry, newTarget: string) => Promise<void>;

/** What the outcomes are written with. */
export interface DeliveryOutcomesOptions {
  outbox: Outbox;
  policy: DeliveryPolicy;
  logger: EngineLogger;
  metrics?: EngineMetrics | undefined;
  onPermanentRedirect: PermanentRedirectHandler;
  /** Source of the backoff jitter, in [0, 1). */
  random: () => number;
  /** The level of the line a delivered notification logs (failures log at warn either way); debug by default. */
  deliveredLogLevel?: 'debug' | 'info' | undefined;
}

/**
 * Writes what became of each attempt to the outbox (delivered, failed, retried with backoff or
 * Retry-After, given up past the attempt or age budget), follows a 308 for the stream's later
 * notifications, and counts and logs each outcome.
 * @see 3GPP TS 29.122 clauses 5.2.5 and 5.2.10
 */
export class DeliveryOutcomes {
  readonly #outbox: Outbox;
  readonly #policy: DeliveryPolicy;
  readonly #logger: EngineLogger;
  readonly #metrics: EngineMetrics | undefined;
  readonly #onPermanentRedirect: PermanentRedirectHandler;
  readonly #random: () => number;
  readonly #deliveredLogLevel: 'debug' | 'info';

  constructor(options: DeliveryOutcomesOptions) {
    this.#outbox = options.outbox;
    this.#policy = options.policy;
    this.#logger = options.logger;
    this.#metrics = options.metrics;
    this.#onPermanentRedirect = options.onPermanentRedirect;
    this.#random = options.random;
    this.#deliveredLogLevel = options.deliveredLogLevel ?? 'debug';
  }

  /** Whether the entry has outlived the age budget before an attempt at `now` (then `giveUpExpired`). */
  expired(entry: OutboxEntry, now: number): boolean {
    return now - entry.createdAt > this.#policy.maxAgeMs;
  }

  /** Gives up an entry that has outlived the age budget. */
  async giveUpExpired(entry: OutboxEntry): Promise<void> {
    const error = `gave up: older than ${this.#policy.maxAgeMs} ms${entry.lastError !== undefined ? `; last: ${entry.lastError}` : ''}`;
    await this.#giveUp(entry, entry.attempts, entry.target, 'max_age', error, entry.lastStatus);
  }

  /** The notification went out on the session's WebSocket. */
  async deliveredOverWebsocket(entry: OutboxEntry, attempts: number): Promise<void> {
    await this.#outbox.finish(entry.id, { state: 'delivered', attempts, target: entry.target, at: Date.now() });
    this.#metrics?.delivered(entry.callback, Date.now() - entry.createdAt);
    const line = deliveryLine({ callback: entry.callback, target: 'the session WebSocket', attempt: attempts, outcome: 'delivered' });
    this.#logger[this.#deliveredLogLevel](entryLogFields(entry, { attempts, via: 'websocket', line }), 'notification delivered');
  }

  /**
   * Records an HTTP attempt's outcome (`latencyMs`: from sending to the outcome); returns when the
   * retry it scheduled is due, if it scheduled one.
   */
  async record(entry: OutboxEntry, attempts: number, outcome: DeliveryOutcome, latencyMs?: number): Promise<number | undefined> {
    for (const hop of outcome.redirects) this.#metrics?.redirected(entry.callback, hop.status);
    let nextTarget = entry.target;
    if (outcome.permanentTarget !== undefined && outcome.permanentTarget !== entry.target) {
      nextTarget = outcome.permanentTarget;
      await this.#retarget(entry, nextTarget);
    }
    const at = Date.now();
    if (outcome.kind === 'delivered' && this.#logger.isLevelEnabled?.(this.#deliveredLogLevel) === false) {
      // The common case, kept lean: nothing is built for a log line that is not written.
      await this.#outbox.finish(entry.id, { state: 'delivered', attempts, target: outcome.target, at, status: outcome.status });
      this.#metrics?.delivered(entry.callback, at - entry.createdAt);
      return undefined;
    }
    const details = {
      attempts,
      status: outcome.status,
      target: outcome.target,
      redirects: outcome.redirects.length || undefined,
      latencyMs: latencyMs === undefined ? undefined : Math.round(latencyMs),
    };
    const report = { callback: entry.callback, target: outcome.target, status: outcome.status, attempt: attempts, latencyMs };
    switch (outcome.kind) {
      case 'delivered':
        await this.#outbox.finish(entry.id, { state: 'delivered', attempts, target: outcome.target, at, status: outcome.status });
        this.#metrics?.delivered(entry.callback, at - entry.createdAt);
        this.#logger[this.#deliveredLogLevel](
          entryLogFields(entry, { ...details, line: deliveryLine({ ...report, outcome: 'delivered' }) }),
          'notification delivered',
        );
        return undefined;
      case 'failed':
        await this.#outbox.finish(entry.id, {
          state: 'failed',
          attempts,
          target: outcome.target,
          at,
          status: outcome.status,
          error: outcome.error,
        });
        this.#metrics?.failed(entry.callback, outcome.reason);
        this.#logger.warn(
          entryLogFields(entry, {
            ...details,
            reason: outcome.reason,
            error: outcome.error,
            line: deliveryLine({ ...report, outcome: 'failed', error: outcome.error }),
          }),
          'notification failed, not retried',
        );
        return undefined;
      case 'retry': {
        if (attempts >= this.#policy.maxAttempts) {
          await this.#giveUp(
            entry,
            attempts,
            nextTarget,
            'max_attempts',
            `gave up after ${attempts} attempts; last: ${outcome.error}`,
            outcome.status,
          );
          return undefined;
        }
        const delay =
          outcome.retryAfterMs ?? backoffDelay(attempts, this.#policy.initialBackoffMs, this.#policy.maxBackoffMs, this.#random);
        const nextAttemptAt = at + delay;
        if (nextAttemptAt - entry.createdAt > this.#policy.maxAgeMs) {
          const error = `gave up after ${attempts} attempts: the next would pass the ${this.#policy.maxAgeMs} ms budget; last: ${outcome.error}`;
          await this.#giveUp(entry, attempts, nextTarget, 'max_age', error, outcome.status);
          return undefined;
        }
        await this.#outbox.retry(entry.id, { attempts, nextAttemptAt, target: nextTarget, status: outcome.status, error: outcome.error });
        this.#metrics?.retried(entry.callback, outcome.reason);
        this.#logger.warn(
          entryLogFields(entry, {
            ...details,
            reason: outcome.reason,
            error: outcome.error,
            retryInMs: delay,
            line: deliveryLine({ ...report, outcome: 'retrying', retryInMs: delay, error: outcome.error }),
          }),
          'notification attempt failed, retrying',
        );
        return nextAttemptAt;
      }
    }
  }

  /** Hands entries back unattempted (shutdown): same attempts, same due time, lease released. */
  async release(entries: OutboxEntry[]): Promise<void> {
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

  async #giveUp(
    entry: OutboxEntry,
    attempts: number,
    target: string,
    reason: string,
    error: string,
    status: number | undefined,
  ): Promise<void> {
    await this.#outbox.finish(entry.id, { state: 'failed', attempts, target, at: Date.now(), status, error });
    this.#metrics?.failed(entry.callback, reason);
    const line = deliveryLine({ callback: entry.callback, target, status, attempt: attempts, outcome: 'given up', error });
    this.#logger.warn(entryLogFields(entry, { attempts, reason, error, line }), 'notification given up');
  }

  async #retarget(entry: OutboxEntry, newTarget: string): Promise<void> {
    try {
      await this.#onPermanentRedirect(entry, newTarget);
    } catch (err) {
      this.#logger.error(entryLogFields(entry, { err, newTarget }), 'cannot persist the notification URI after a 308');
    }
    try {
      const moved = await this.#outbox.retarget(entry.stream, entry.target, newTarget);
      this.#logger.info(entryLogFields(entry, { newTarget, retargeted: moved }), 'notification URI moved permanently (308)');
    } catch (err) {
      this.#logger.error(entryLogFields(entry, { err, newTarget }), 'cannot retarget the pending notifications after a 308');
    }
  }
}

/** The fields every log line about an outbox entry carries. */
export function entryLogFields(entry: OutboxEntry, extra: Record<string, unknown>): Record<string, unknown> {
  return { notification: entry.id, stream: entry.stream, seq: entry.seq, callback: entry.callback, ...extra };
}
