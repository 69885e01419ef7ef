import type { DeliveryState, FinishUpdate, NewNotification, RetryUpdate } from '../store.js';

/**
 * The part of an outbox entry that delivery changes, as LMDB stores it (binary, see state-codec.ts).
 * Every field is present, undefined when unset, so that every record has one object shape.
 * Leases are not here: they live in the memory of the process that claimed (see layout.ts).
 */
export interface StateRecord {
  stream: string;
  seq: number;
  state: DeliveryState;
  attempts: number;
  nextAttemptAt: number;
  target: string;
  lastStatus: number | undefined;
  lastError: string | undefined;
  finishedAt: number | undefined;
}

/** Builds a StateRecord; positional, so that every record gets its properties in the same order. */
export function stateRecord(
  stream: string,
  seq: number,
  state: DeliveryState,
  attempts: number,
  nextAttemptAt: number,
  target: string,
  lastStatus: number | undefined,
  lastError: string | undefined,
  finishedAt: number | undefined,
): StateRecord {
  return { stream, seq, state, attempts, nextAttemptAt, target, lastStatus, lastError, finishedAt };
}

/** Enqueued: pending, no attempts, due at once. */
export function newState(item: NewNotification, seq: number, now: number): StateRecord {
  return stateRecord(item.stream, seq, 'pending', 0, now, item.target, undefined, undefined, undefined);
}

/** Finished: the outcome, without the previous attempt's outcome. */
export function finishedState(state: StateRecord, update: FinishUpdate): StateRecord {
  return stateRecord(
    state.stream,
    state.seq,
    update.state,
    update.attempts,
    state.nextAttemptAt,
    update.target,
    update.status,
    update.error,
    update.at,
  );
}

/** Due again later: the attempt's outcome, without the previous attempt's outcome. */
export function retriedState(state: StateRecord, update: RetryUpdate): StateRecord {
  return stateRecord(
    state.stream,
    state.seq,
    'pending',
    update.attempts,
    update.nextAttemptAt,
    update.target,
    update.status,
    update.error,
    undefined,
  );
}

/** Pending, sent to another URI (after a 308). */
export function retargetedState(state: StateRecord, target: string): StateRecord {
  return stateRecord(
    state.stream,
    state.seq,
    state.state,
    state.attempts,
    state.nextAttemptAt,
    target,
    state.lastStatus,
    state.lastError,
    state.finishedAt,
  );
}
