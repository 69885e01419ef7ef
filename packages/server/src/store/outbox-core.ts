import type { NewNotification, OutboxEntry } from './store.js';

/*
 * What both engines do the same way: the lease option, and how an outbox entry is built, new or
 * read back. The state transitions (claim, finish, retry) are not here: LMDB makes them in
 * JavaScript on its binary state record, PostgreSQL in SQL over a whole batch, and the two meet
 * only in the contract (store.ts) and the conformance suite.
 */

/** The lease of a claimed entry when the store is opened without `leaseMs`: 90 s. */
export const DEFAULT_LEASE_MS = 90_000;

/** The `leaseMs` option of a store, checked: a whole number of ms from 1. */
export function leaseOption(leaseMs: number | undefined): number {
  if (leaseMs === undefined) return DEFAULT_LEASE_MS;
  if (!Number.isSafeInteger(leaseMs) || leaseMs < 1) throw new RangeError(`leaseMs must be a whole number of ms from 1, not ${leaseMs}`);
  return leaseMs;
}

type Absent = null | undefined;

/** The fields of an entry as an engine reads them back: an absent optional is undefined (LMDB) or null (PostgreSQL). */
export interface StoredEntry
  extends Omit<OutboxEntry, 'sessionId' | 'leaseOwner' | 'leaseUntil' | 'lastStatus' | 'lastError' | 'finishedAt'> {
  sessionId: string | Absent;
  leaseOwner: string | Absent;
  leaseUntil: number | Absent;
  lastStatus: number | Absent;
  lastError: string | Absent;
  finishedAt: number | Absent;
}

/** The entry read back: optional fields that are absent (undefined or null) are left out. */
export function toOutboxEntry(stored: StoredEntry): OutboxEntry {
  const entry: OutboxEntry = {
    id: stored.id,
    stream: stored.stream,
    seq: stored.seq,
    callback: stored.callback,
    target: stored.target,
    body: stored.body,
    state: stored.state,
    attempts: stored.attempts,
    nextAttemptAt: stored.nextAttemptAt,
    createdAt: stored.createdAt,
  };
  if (stored.sessionId != null) entry.sessionId = stored.sessionId;
  if (stored.leaseOwner != null) entry.leaseOwner = stored.leaseOwner;
  if (stored.leaseUntil != null) entry.leaseUntil = stored.leaseUntil;
  if (stored.lastStatus != null) entry.lastStatus = stored.lastStatus;
  if (stored.lastError != null) entry.lastError = stored.lastError;
  if (stored.finishedAt != null) entry.finishedAt = stored.finishedAt;
  return entry;
}

/** A new entry as enqueue stores it: pending, no attempts, due at once. */
export function newEntry(item: NewNotification, id: string, seq: number, now: number): OutboxEntry {
  const entry: OutboxEntry = {
    id,
    stream: item.stream,
    seq,
    callback: item.callback,
    target: item.target,
    body: item.body,
    state: 'pending',
    attempts: 0,
    nextAttemptAt: now,
    createdAt: now,
  };
  if (item.sessionId !== undefined) entry.sessionId = item.sessionId;
  return entry;
}

/** Attaches the stored JSON text of the entry's body, not enumerable (see OutboxEntry.bodyText). */
export function withBodyText(entry: OutboxEntry, text: string): OutboxEntry {
  return Object.defineProperty(entry, 'bodyText', { value: text });
}
