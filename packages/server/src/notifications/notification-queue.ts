import type { NewNotification, Outbox, OutboxEntry } from '../store/store.js';
import { compileCallbackValidatorsInTurns, validateCallbackBody, type InvalidParam } from './callback-validator.js';

/** Where notifications go: what the sessions and the simulator enqueue through. */
export interface Notifier {
  enqueue(items: NewNotification[]): Promise<OutboxEntry[]>;
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
    super(
      `notification ${index} does not match the ${callback} request body schema: ${invalidParams.map((p) => `${p.param || '/'} ${p.reason}`).join('; ')}`,
    );
  }
}

/**
 * The way into the outbox: validates every notification body against its callback's schema, then
 * stores them durably, in order, and tells its listeners (the delivery engine, which then claims
 * at once instead of at its next poll). Built before the services that enqueue and the engine
 * that delivers, so that neither has to know the other.
 */
export class NotificationQueue implements Notifier {
  readonly #outbox: Outbox;
  readonly #listeners = new Set<() => void>();

  constructor(outbox: Outbox) {
    this.#outbox = outbox;
  }

  /**
   * Compiles the callback schemas (~100 ms in all) in the background, one per event-loop turn, so
   * that neither the start nor the first notification pays for them; a notification enqueued
   * before compiles the one it needs.
   */
  warmUp(): Promise<void> {
    return compileCallbackValidatorsInTurns();
  }

  /** Validates, then stores `items` in order. Throws NotificationSchemaError (nothing enqueued) on the first invalid body. */
  async enqueue(items: NewNotification[]): Promise<OutboxEntry[]> {
    for (const [index, item] of items.entries()) {
      const result = validateCallbackBody(item.callback, item.body);
      if (!result.valid) throw new NotificationSchemaError(item.callback, result.invalidParams, index);
    }
    if (items.length === 0) return [];
    const entries = await this.#outbox.enqueue(items);
    for (const listener of this.#listeners) listener();
    return entries;
  }

  /** Calls `listener` after every enqueue that stored something; returns the unsubscribe. */
  onEnqueued(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
