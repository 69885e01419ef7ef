import { mkdir } from 'node:fs/promises';
import { open, type Database, type RootDatabase } from 'lmdb';
import { createEntryId } from './entry-id.js';
import { SessionExistsError } from './store-errors.js';
import type {
  DeliveryState,
  FinishUpdate,
  NewNotification,
  Outbox,
  OutboxEntry,
  RetryUpdate,
  SessionRecord,
  SessionStore,
  Store,
} from './store.js';

/*
 * Layout (version 2): one LMDB environment, named databases, ordered-binary keys, JSON values.
 *
 *   meta      'layout' | 'pending' | 'ping'  -> number   (layout version; depth; /readyz token)
 *   sessions  sessionId                      -> SessionRecord
 *   bodies    id                             -> BodyRecord   (what never changes: written once, removed by prune)
 *   states    id                             -> StateRecord  (the small delivery record claim/finish/retry rewrite)
 *   seqs      [stream, seq]                  -> id           (list order; a stream's entries are adjacent)
 *   streams   stream                         -> { last, head? } (seq allocator; head = lowest pending seq)
 *   ready     [availableAt, stream]          -> id           (exactly one key per stream with pending entries)
 *   finished  [finishedAt, id]               -> 0            (prune)
 *
 * `availableAt` is when the head may next be claimed: its nextAttemptAt, or its lease expiry while
 * leased. Claim walks `ready` from the start and stops at the first key later than `now`, so it
 * touches only what it returns. Entries of a stream finish strictly in seq order (only the head is
 * claimable), so every entry after the head is normally pending.
 *
 * Why this shape (it is what a delivery costs): a state change rewrites only the ~150-byte state
 * record, never the body; and the records rewritten by a batch of claims or finishes sit together,
 * because `states`, `ready` and `finished` are keyed by creation or due time (ids sort by creation)
 * and the heads being delivered are the oldest pending entries. A commit then copies a handful of
 * B-tree pages instead of one page per stream.
 *
 * Every read-modify-write runs inside one `root.transaction` callback: LMDB has a single writer, so
 * seq allocation, the session compare-and-set and claim are atomic. lmdb-js runs the callbacks queued
 * meanwhile in one commit; finish and retry go further and share one callback per commit (see
 * `outcomes`). A callback that throws does not roll back the writes it already made, so each
 * operation validates first and writes last.
 *
 * Durability: enqueue and the session writes wait for the fsync (`root.flushed`). Claim, finish and
 * retry resolve once committed (visible, and surviving a process kill), without waiting for the
 * fsync: an outcome lost with the OS (power loss) leaves the entry pending, leased at worst, so it
 * is delivered again when the lease lapses: at least once, never lost.
 */

/** Stored under meta 'layout'; bump on any incompatible change of the layout above. */
const LAYOUT_VERSION = 2;

type SeqKey = [stream: string, seq: number];
type ReadyKey = [availableAt: number, stream: string];
type FinishedKey = [finishedAt: number, id: string];

interface StreamRecord {
  /** Last seq allocated; never reused, even after the entries are pruned. */
  last: number;
  /** Seq of the oldest pending entry, absent when the stream has none. */
  head?: number;
}

/** The part of an entry fixed at enqueue. */
interface BodyRecord {
  callback: string;
  body: unknown;
  createdAt: number;
  sessionId?: string;
}

/** The part of an entry that delivery changes. */
interface StateRecord {
  stream: string;
  seq: number;
  state: DeliveryState;
  attempts: number;
  nextAttemptAt: number;
  target: string;
  leaseOwner?: string;
  leaseUntil?: number;
  lastStatus?: number;
  lastError?: string;
  finishedAt?: number;
}

/** A finish or retry waiting for the shared callback of the next commit. */
interface Outcome {
  id: string;
  finish?: FinishUpdate;
  retry?: RetryUpdate;
  resolve(): void;
  reject(error: unknown): void;
}

/** Thrown by openLmdbStore for a directory written by an incompatible version of the server. */
export class LmdbLayoutError extends Error {
  constructor(path: string, found: unknown) {
    super(
      `LMDB store at ${path} has layout ${found === undefined ? 'from before layout versions' : `version ${String(found)}`}, ` +
        `this server reads version ${LAYOUT_VERSION} and does not migrate: remove the directory (its sessions and notifications are lost) or use the server version that wrote it`,
    );
    this.name = 'LmdbLayoutError';
  }
}

/**
 * Opens (creating if needed) the LMDB store under `options.path`. Meant for one server process; it
 * keeps no state in memory, so reopening the path (after a crash too) finds everything as committed.
 * Rejects with LmdbLayoutError if the directory holds another layout version.
 */
export async function openLmdbStore(options: { path: string }): Promise<Store> {
  await mkdir(options.path, { recursive: true });
  // Commits are visible (and survive a process kill) when a write resolves; writes the contract
  // calls durable additionally wait for `root.flushed` (fsync), which overlapping sync batches.
  const root: RootDatabase = open({ path: options.path, maxDbs: 12, encoding: 'json' });
  try {
    await checkLayout(root, options.path);
  } catch (error) {
    await root.close();
    throw error;
  }
  const db = <V, K extends string | number | Array<string | number>>(name: string): Database<V, K> =>
    root.openDB<V, K>({ name, encoding: 'json' });
  const meta = db<number, string>('meta');
  const sessions = db<SessionRecord, string>('sessions');
  const bodies = db<BodyRecord, string>('bodies');
  const states = db<StateRecord, string>('states');
  const seqs = db<string, SeqKey>('seqs');
  const streams = db<StreamRecord, string>('streams');
  const ready = db<string, ReadyKey>('ready');
  const finished = db<0, FinishedKey>('finished');

  const durable = async <T>(action: () => T): Promise<T> => {
    const result = await root.transaction(action);
    await root.flushed;
    return result;
  };

  const entryOf = (id: string, state: StateRecord): OutboxEntry | undefined => {
    const fixed = bodies.get(id);
    return fixed === undefined ? undefined : toEntry(id, fixed, state);
  };

  const entryAt = (id: string): OutboxEntry | undefined => {
    const state = states.get(id);
    return state === undefined ? undefined : entryOf(id, state);
  };

  /** The ids of the entries of `stream` from `fromSeq` on, in seq order. */
  function* streamIds(stream: string, fromSeq: number): Generator<string> {
    for (const { key, value } of seqs.getRange({ start: [stream, fromSeq], end: [stream, Number.MAX_SAFE_INTEGER] })) {
      if (key[0] !== stream) break;
      yield value;
    }
  }

  /** The first pending entry of `stream` from `fromSeq` on. */
  const nextPending = (stream: string, fromSeq: number): { id: string; state: StateRecord } | undefined => {
    // Seqs are contiguous and everything behind the head is pending, so this is one lookup.
    const adjacent = seqs.get([stream, fromSeq]);
    if (adjacent === undefined) return undefined;
    const state = states.get(adjacent);
    if (state?.state === 'pending') return { id: adjacent, state };
    for (const id of streamIds(stream, fromSeq + 1)) {
      const candidate = states.get(id);
      if (candidate?.state === 'pending') return { id, state: candidate };
    }
    return undefined;
  };

  const addPending = (delta: number): void => {
    void meta.put('pending', Math.max(0, (meta.get('pending') ?? 0) + delta));
  };

  /** Finish inside the write transaction; returns whether it changed anything. */
  const finishNow = (id: string, update: FinishUpdate): boolean => {
    const current = states.get(id);
    if (current === undefined || current.state !== 'pending') return false;
    const stream = streams.get(current.stream) ?? { last: current.seq };
    void states.put(id, finishedState(current, update));
    void finished.put([update.at, id], 0);
    if (stream.head !== current.seq) return true;
    void ready.remove([availableAt(current), current.stream]);
    const next = nextPending(current.stream, current.seq + 1);
    if (next === undefined) {
      void streams.put(current.stream, { last: stream.last });
    } else {
      void streams.put(current.stream, { last: stream.last, head: next.state.seq });
      void ready.put([availableAt(next.state), current.stream], next.id);
    }
    return true;
  };

  const retryNow = (id: string, update: RetryUpdate): void => {
    const current = states.get(id);
    if (current === undefined || current.state !== 'pending') return;
    const retried = retriedState(current, update);
    void states.put(id, retried);
    if (streams.get(current.stream)?.head === current.seq) {
      void ready.remove([availableAt(current), current.stream]);
      void ready.put([availableAt(retried), current.stream], id);
    }
  };

  /*
   * Finish and retry calls made before the next commit starts share one transaction callback: the
   * engine records outcomes one entry at a time, and this keeps the per-call cost (and the pending
   * counter's read and write) to one per commit rather than one per entry. Each resolves once its
   * commit is done.
   */
  let outcomes: Outcome[] = [];

  const applyOutcomes = async (): Promise<void> => {
    let batch: Outcome[] | undefined;
    const failures = new Map<Outcome, unknown>();
    try {
      await root.transaction(() => {
        batch = outcomes;
        outcomes = [];
        let finishedCount = 0;
        for (const outcome of batch) {
          try {
            if (outcome.finish !== undefined) {
              if (finishNow(outcome.id, outcome.finish)) finishedCount += 1;
            } else if (outcome.retry !== undefined) {
              retryNow(outcome.id, outcome.retry);
            }
          } catch (error) {
            failures.set(outcome, error);
          }
        }
        if (finishedCount > 0) addPending(-finishedCount);
      });
    } catch (error) {
      // The callback never ran (store closed) or the commit failed.
      if (batch === undefined) {
        batch = outcomes;
        outcomes = [];
      }
      for (const outcome of batch) outcome.reject(error);
      return;
    }
    for (const outcome of batch ?? []) {
      if (failures.has(outcome)) outcome.reject(failures.get(outcome));
      else outcome.resolve();
    }
  };

  const recordOutcome = (outcome: Pick<Outcome, 'id' | 'finish' | 'retry'>): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      outcomes.push({ ...outcome, resolve, reject });
      // The first of a batch queues the callback; it takes every outcome recorded until it runs.
      if (outcomes.length === 1) void applyOutcomes();
    });

  const sessionStore: SessionStore = {
    async insertSession(record) {
      await durable(() => {
        if (sessions.get(record.sessionId) !== undefined) throw new SessionExistsError(record.sessionId);
        void sessions.put(record.sessionId, record);
      });
    },

    async getSession(sessionId) {
      return sessions.get(sessionId);
    },

    async replaceSession(record) {
      return durable(() => {
        const current = sessions.get(record.sessionId);
        if (current === undefined || current.version !== record.version - 1) return false;
        void sessions.put(record.sessionId, record);
        return true;
      });
    },

    async deleteSession(sessionId) {
      return durable(() => {
        const current = sessions.get(sessionId);
        if (current !== undefined) void sessions.remove(sessionId);
        return current;
      });
    },

    async countSessions() {
      return (sessions.getStats() as { entryCount: number }).entryCount;
    },
  };

  const outbox: Outbox = {
    async enqueue(items) {
      if (items.length === 0) return [];
      return durable(() => {
        const now = Date.now();
        const touched = new Map<string, StreamRecord>();
        const created = items.map((item) => {
          const stream = touched.get(item.stream) ?? streams.get(item.stream) ?? { last: 0 };
          const seq = stream.last + 1;
          const id = createEntryId(now);
          const fixed: BodyRecord = { callback: item.callback, body: item.body, createdAt: now };
          if (item.sessionId !== undefined) fixed.sessionId = item.sessionId;
          const state: StateRecord = { stream: item.stream, seq, state: 'pending', attempts: 0, nextAttemptAt: now, target: item.target };
          const next: StreamRecord = { ...stream, last: seq };
          if (next.head === undefined) {
            next.head = seq;
            void ready.put([now, item.stream], id);
          }
          touched.set(item.stream, next);
          void bodies.put(id, fixed);
          void states.put(id, state);
          void seqs.put([item.stream, seq], id);
          return toEntry(id, fixed, state);
        });
        for (const [stream, record] of touched) void streams.put(stream, record);
        addPending(items.length);
        return created;
      });
    },

    async claim({ owner, now, limit, leaseMs }) {
      if (limit <= 0) return [];
      return root.transaction(() => {
        const due: Array<{ key: ReadyKey; id: string }> = [];
        for (const { key, value } of ready.getRange({})) {
          if (due.length >= limit || key[0] > now) break;
          due.push({ key, id: value });
        }
        const leaseUntil = now + leaseMs;
        const claimed: OutboxEntry[] = [];
        for (const { key, id } of due) {
          const current = states.get(id);
          if (current === undefined || current.state !== 'pending') continue;
          const leased: StateRecord = { ...current, leaseOwner: owner, leaseUntil };
          const entry = entryOf(id, leased);
          if (entry === undefined) continue;
          void states.put(id, leased);
          void ready.remove(key);
          void ready.put([availableAt(leased), key[1]], id);
          claimed.push(entry);
        }
        return claimed;
      });
    },

    finish(id, update) {
      return recordOutcome({ id, finish: update });
    },

    retry(id, update) {
      return recordOutcome({ id, retry: update });
    },

    async retarget(stream, from, to) {
      return root.transaction(() => {
        const head = streams.get(stream)?.head;
        if (head === undefined) return 0;
        const changed: Array<[string, StateRecord]> = [];
        for (const id of streamIds(stream, head)) {
          const state = states.get(id);
          if (state?.state === 'pending' && state.target === from) changed.push([id, { ...state, target: to }]);
        }
        for (const [id, state] of changed) void states.put(id, state);
        return changed.length;
      });
    },

    async get(id) {
      return entryAt(id);
    },

    async list(filter = {}) {
      const ids =
        filter.stream === undefined ? seqs.getRange({}).map(({ value }) => value) : streamIds(filter.stream, 0);
      const out: OutboxEntry[] = [];
      for (const id of ids) {
        const state = states.get(id);
        if (state === undefined || (filter.state !== undefined && state.state !== filter.state)) continue;
        const entry = entryOf(id, state);
        if (entry !== undefined) out.push(entry);
      }
      return out;
    },

    async depth() {
      return meta.get('pending') ?? 0;
    },

    async nextDueAt() {
      for (const key of ready.getKeys({ limit: 1 })) return key[0];
      return undefined;
    },

    async prune(before) {
      return root.transaction(() => {
        const old = [...finished.getKeys({ end: [before] })];
        for (const key of old) {
          const id = key[1];
          const state = states.get(id);
          if (state !== undefined) void seqs.remove([state.stream, state.seq]);
          void states.remove(id);
          void bodies.remove(id);
          void finished.remove(key);
        }
        return old.length;
      });
    },
  };

  return {
    kind: 'lmdb',
    sessions: sessionStore,
    outbox,
    async ping() {
      const token = Date.now() + Math.random();
      await meta.put('ping', token);
      if (meta.get('ping') !== token) throw new Error('LMDB store did not read back its own write');
    },
    async close() {
      await root.flushed;
      await root.close();
    },
  };
}

/**
 * Accepts an empty environment (and stamps it with LAYOUT_VERSION) or one stamped with
 * LAYOUT_VERSION; anything else is another layout, which this version cannot read.
 */
async function checkLayout(root: RootDatabase, path: string): Promise<void> {
  // The main database holds one key per named database: none in a new environment.
  const named = [...root.getKeys({ limit: 20 })].map(String);
  if (named.length === 0) {
    await root.transaction(() => {
      void root.openDB<number, string>({ name: 'meta', encoding: 'json' }).put('layout', LAYOUT_VERSION);
    });
    await root.flushed;
    return;
  }
  const found = named.includes('meta')
    ? root.openDB<number, string>({ name: 'meta', encoding: 'json' }).get('layout')
    : undefined;
  if (found !== LAYOUT_VERSION) throw new LmdbLayoutError(path, found);
}

/** When the entry (a stream head) may next be claimed. */
function availableAt(state: StateRecord): number {
  return state.leaseUntil !== undefined && state.leaseUntil > state.nextAttemptAt ? state.leaseUntil : state.nextAttemptAt;
}

function toEntry(id: string, fixed: BodyRecord, state: StateRecord): OutboxEntry {
  const entry: OutboxEntry = {
    id,
    stream: state.stream,
    seq: state.seq,
    callback: fixed.callback,
    target: state.target,
    body: fixed.body,
    state: state.state,
    attempts: state.attempts,
    nextAttemptAt: state.nextAttemptAt,
    createdAt: fixed.createdAt,
  };
  if (fixed.sessionId !== undefined) entry.sessionId = fixed.sessionId;
  if (state.leaseOwner !== undefined) entry.leaseOwner = state.leaseOwner;
  if (state.leaseUntil !== undefined) entry.leaseUntil = state.leaseUntil;
  if (state.lastStatus !== undefined) entry.lastStatus = state.lastStatus;
  if (state.lastError !== undefined) entry.lastError = state.lastError;
  if (state.finishedAt !== undefined) entry.finishedAt = state.finishedAt;
  return entry;
}

/** The state without its lease and last-attempt fields. */
function released(state: StateRecord): StateRecord {
  const { leaseOwner: _owner, leaseUntil: _until, lastStatus: _status, lastError: _error, ...rest } = state;
  return rest;
}

function withOutcome(state: StateRecord, status: number | undefined, error: string | undefined): StateRecord {
  if (status !== undefined) state.lastStatus = status;
  if (error !== undefined) state.lastError = error;
  return state;
}

function finishedState(state: StateRecord, update: FinishUpdate): StateRecord {
  const { attempts, target, at } = update;
  return withOutcome({ ...released(state), state: update.state, attempts, target, finishedAt: at }, update.status, update.error);
}

function retriedState(state: StateRecord, update: RetryUpdate): StateRecord {
  const { attempts, nextAttemptAt, target } = update;
  return withOutcome({ ...released(state), attempts, nextAttemptAt, target }, update.status, update.error);
}
