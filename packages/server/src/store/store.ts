import type { CallControl } from '@mmtel/types';

/** The ImsSession resource representation (provisional TS 29.522 type). */
export type ImsSession = CallControl.components['schemas']['ImsSession'];

/** An "Individual IMS Session" resource as the server keeps it. */
export interface SessionRecord {
  sessionId: string;
  /** The AF that created the session; only it may see or change the session (TS 29.122 clause 6). */
  owner: string;
  /**
   * The representation last returned to the AF, without `self` (derived from the configured
   * apiRoot when answering, so that a changed apiRoot never leaves stale links behind).
   */
  session: ImsSession;
  /** The supportedFeatures negotiated at creation (TS 29.122 clause 5.2.7), hex. */
  features: string;
  /** Incremented by every write; a compare-and-set guard between server instances. */
  version: number;
  /** ISO 8601. */
  createdAt: string;
  /** ISO 8601. */
  updatedAt: string;
}

/** Sessions, keyed by sessionId. */
export interface SessionStore {
  /** Stores a new session (version 1). Rejects with `SessionExistsError` if the id is taken. */
  insertSession(record: SessionRecord): Promise<void>;
  /** The stored session, or undefined. */
  getSession(sessionId: string): Promise<SessionRecord | undefined>;
  /**
   * Writes `record` only if the stored version is `record.version - 1`. Returns false when the
   * session is gone or another writer got there first (the caller re-reads and retries).
   */
  replaceSession(record: SessionRecord): Promise<boolean>;
  /**
   * Removes the session, in one atomic read and delete: only if it belongs to `owner` when an
   * owner is given (another owner's session is left alone, as if absent). Returns what was
   * removed, or undefined if nothing was.
   */
  deleteSession(sessionId: string, owner?: string): Promise<SessionRecord | undefined>;
  /** Number of stored sessions. */
  countSessions(): Promise<number>;
}

/** Where a notification stands. */
export type DeliveryState = 'pending' | 'delivered' | 'failed';

/** A notification accepted for delivery. */
export interface NewNotification {
  /**
   * Ordering key: notifications of one stream are delivered one at a time, in enqueue order
   * (`session:<sessionId>` for an IMS session, `callevent` for the Session Event Notifications).
   */
  stream: string;
  /** Name of the callback in the generated callback table, e.g. `imsSessionNotification`. */
  callback: string;
  /** The URI the notification is POSTed to. */
  target: string;
  /** The JSON body, already validated against the callback's schema. */
  body: unknown;
  /** The session the notification is about, when there is one (WebSocket routing, 308 retargeting). */
  sessionId?: string;
}

/** An outbox entry: a notification and its delivery record. */
export interface OutboxEntry extends NewNotification {
  /** Unique id, sortable by creation. */
  id: string;
  /** Position in its stream, from 1, strictly increasing. */
  seq: number;
  state: DeliveryState;
  /** Delivery attempts made so far. */
  attempts: number;
  /** Epoch ms before which no attempt is made. */
  nextAttemptAt: number;
  /** Epoch ms. */
  createdAt: number;
  /** The instance holding the entry, while an attempt is in flight. */
  leaseOwner?: string;
  /** Epoch ms at which the lease lapses (an instance that died mid-attempt loses it). */
  leaseUntil?: number;
  /** Last HTTP status received, if any. */
  lastStatus?: number;
  /** Last failure, human-readable. */
  lastError?: string;
  /** Epoch ms of delivery or give-up. */
  finishedAt?: number;
  /**
   * The body as the JSON text stored at enqueue, when the store has it (LMDB): what delivery sends,
   * without serializing the body again. Not enumerable: entries compare and print as before.
   */
  readonly bodyText?: string;
}

/** The final outcome of an entry. */
export interface FinishUpdate {
  state: 'delivered' | 'failed';
  attempts: number;
  /** The URI finally used (after redirects). */
  target: string;
  at: number;
  status?: number | undefined;
  error?: string | undefined;
}

/** Another attempt later. */
export interface RetryUpdate {
  attempts: number;
  nextAttemptAt: number;
  target: string;
  status?: number | undefined;
  error?: string | undefined;
}

/** The durable outbox: a notification accepted here survives a restart. */
export interface Outbox {
  /**
   * The lease a claim takes unless it names its own, in ms: how long an instance holds an entry it
   * claimed before another instance may take it over (the store's `leaseMs` option).
   */
  readonly leaseMs: number;
  /**
   * Appends notifications, allocating each its stream's next seq. Durable when the promise
   * resolves. Items of one call keep their order.
   */
  enqueue(items: NewNotification[]): Promise<OutboxEntry[]>;
  /**
   * Leases up to `limit` entries that are due (`nextAttemptAt <= now`), pending, not leased by
   * a live lease, and the oldest pending entry of their stream, until `now + leaseMs` (default:
   * the store's `leaseMs`). Two instances never hold the same entry at once.
   */
  claim(options: { owner: string; now: number; limit: number; leaseMs?: number }): Promise<OutboxEntry[]>;
  /** Records the final outcome and releases the lease. Ignored unless the entry is pending. */
  finish(id: string, update: FinishUpdate): Promise<void>;
  /** Schedules another attempt and releases the lease. Ignored unless the entry is pending. */
  retry(id: string, update: RetryUpdate): Promise<void>;
  /** Replaces `from` by `to` as the target of the pending entries of a stream (after a 308). */
  retarget(stream: string, from: string, to: string): Promise<number>;
  /** The entry, or undefined. */
  get(id: string): Promise<OutboxEntry | undefined>;
  /** Entries in (stream, seq) order, optionally filtered. */
  list(filter?: { stream?: string; state?: DeliveryState }): Promise<OutboxEntry[]>;
  /** Number of pending entries. */
  depth(): Promise<number>;
  /**
   * The earliest time at which `claim` could return an entry, if any is pending: the least, over the
   * head of each stream, of its `nextAttemptAt`, or of its `leaseUntil` while leased. (Entries behind
   * a head are not claimable before it, whatever their own `nextAttemptAt`.)
   */
  nextDueAt(): Promise<number | undefined>;
  /** Deletes finished (delivered or failed) entries finished before `before`; returns how many. */
  prune(before: number): Promise<number>;
}

/**
 * Notification URIs that a 308 moved (TS 29.122 clause 5.2.10) and that belong to no stored
 * resource: the configured SessionEventNotificationUri of CallEvent. Each is kept under a name,
 * with the configured URI it applies to, so that a changed configuration is not overridden.
 */
export interface TargetStore {
  /** Where notifications meant for `configured` go: the URI a 308 moved them to, else `configured`. */
  currentTarget(name: string, configured: string): Promise<string>;
  /**
   * Records, durably, that notifications meant for `configured` now go to `to`, if they went to
   * `from` (a compare-and-set between instances). Returns whether it was recorded.
   */
  moveTarget(name: string, configured: string, from: string, to: string): Promise<boolean>;
}

/**
 * Fixed-window request counters shared by every server instance on the store: the per-AF rate
 * limit (`MMTEL_RATE_LIMIT_MAX` per `MMTEL_RATE_LIMIT_WINDOW_MS`) then holds for the deployment,
 * not per process.
 */
export interface RateCounters {
  /**
   * Counts one request under `key` in its current window (a window starts with its first request
   * and lasts `windowMs`), atomically across instances. Returns the count so far in the window,
   * this request included, and the ms until the window ends.
   */
  hit(key: string, windowMs: number): Promise<{ count: number; ttlMs: number }>;
}

/**
 * One storage backend: sessions, the outbox and the moved notification URIs. Any method may
 * reject with `StoreUnavailableError` when the store cannot be reached (a PostgreSQL outage).
 */
export interface Store {
  readonly kind: 'lmdb' | 'postgres';
  readonly sessions: SessionStore;
  readonly outbox: Outbox;
  readonly targets: TargetStore;
  /**
   * Rate counters shared by the instances (PostgreSQL). Absent where one process owns the store
   * (LMDB): that process counts in memory, which is exact there and costs no write per request.
   */
  readonly rateCounters?: RateCounters;
  /** Read-your-writes check used by /readyz. */
  ping(): Promise<void>;
  /** Releases the store (pending writes complete first). */
  close(): Promise<void>;
}
