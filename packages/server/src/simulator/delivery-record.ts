import type { Simulator } from '@mmtel/types';
import { ProblemError } from '../http/problem.js';
import type { Notifier } from '../notifications/notification-queue.js';
import type { DeliveryState, Outbox, OutboxEntry } from '../store/store.js';

type Delivery = Simulator.components['schemas']['Delivery'];
type ClearedDeliveries = Simulator.components['schemas']['ClearedDeliveries'];

/** What the lastError of a notification given up by `clear` says. */
export const CLEARED = 'given up: the outbox was cleared (DELETE /sim/v1/deliveries)';

/**
 * The delivery record as the simulator's API shows it to a developer: listed newest first,
 * a given-up notification sent again, the outbox cleared. Works on the store's outbox through
 * its ordinary operations only, so that both stores do it alike.
 */
export class DeliveryRecord {
  constructor(
    private readonly outbox: Outbox,
    private readonly notifier: Notifier,
  ) {}

  /** The record, optionally for one session or state, newest first. */
  async list(filter: { sessionId?: string; state?: DeliveryState }): Promise<Delivery[]> {
    const entries = await this.outbox.list(filter.state === undefined ? {} : { state: filter.state });
    return entries
      .filter((entry) => filter.sessionId === undefined || entry.sessionId === filter.sessionId)
      .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
      .map(toDelivery);
  }

  /**
   * Queues a given-up notification's body again, to the same target and stream (after what is
   * pending there), as a new notification; the given-up one stays in the record as it was.
   */
  async retry(id: string): Promise<Delivery> {
    const entry = await this.outbox.get(id);
    if (entry === undefined) throw new ProblemError('RESOURCE_URI_STRUCTURE_NOT_FOUND', `No notification ${id} in the delivery record.`);
    if (entry.state !== 'failed')
      throw new ProblemError(
        'NOTIFICATION_NOT_GIVEN_UP',
        `Notification ${id} is ${entry.state.toUpperCase()}: only a FAILED one can be sent again.`,
      );
    const [queued] = await this.notifier.enqueue([
      {
        stream: entry.stream,
        callback: entry.callback,
        target: entry.target,
        body: entry.body,
        ...(entry.sessionId !== undefined && { sessionId: entry.sessionId }),
      },
    ]);
    if (queued === undefined) throw new Error('the outbox queued nothing');
    return toDelivery(queued);
  }

  /**
   * Gives up every pending notification, then removes every finished one. An attempt in flight
   * when it is given up ends unrecorded: the outbox ignores an outcome for an entry no longer
   * pending.
   */
  async clear(): Promise<ClearedDeliveries> {
    const pending = await this.outbox.list({ state: 'pending' });
    const now = Date.now();
    await Promise.all(
      pending.map((entry) =>
        this.outbox.finish(entry.id, {
          state: 'failed',
          attempts: entry.attempts,
          target: entry.target,
          at: now,
          status: entry.lastStatus,
          error: CLEARED,
        }),
      ),
    );
    // Finished a moment ago: everything finished up to now (and a millisecond) is pruned.
    const removed = await this.outbox.prune(Date.now() + 1);
    return { givenUp: pending.length, removed };
  }
}

function toDelivery(entry: OutboxEntry): Delivery {
  return {
    id: entry.id,
    callback: entry.callback,
    ...(entry.sessionId !== undefined && { sessionId: entry.sessionId }),
    target: entry.target,
    state: entry.state.toUpperCase() as Delivery['state'],
    attempts: entry.attempts,
    ...(entry.lastStatus !== undefined && { lastStatus: entry.lastStatus }),
    ...(entry.lastError !== undefined && { lastError: entry.lastError }),
    createdAt: new Date(entry.createdAt).toISOString(),
    body: entry.body as Record<string, never>,
  };
}
