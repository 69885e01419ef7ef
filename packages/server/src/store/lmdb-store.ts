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
 * Layout: one LMDB environment, named databases, ordered-binary keys, JSON values.
 *
 *   sessions  sessionId                 -> SessionRecord
 *   entries   [stream, seq]             -> OutboxEntry      (list order; a stream's entries are adjacent)
 *   ids       id                        -> [stream, seq]
 *   streams   stream                    -> { last, head? }  (seq allocator; head = lowest pending seq)
 *   ready     [availableAt, stream]     -> head seq          (exactly one key per stream with pending entries)
 *   finished  [finishedAt, id]          -> [stream, seq]     (prune)
 *   counters  'pending'                 -> number            (depth)
 *
 * `availableAt` is when the head may next be claimed: its nextAttemptAt, or its lease expiry while
 * leased. Claim walks `ready` from the start and stops at the first key later than `now`, so it
 * touches only what it returns. Entries of a stream finish strictly in seq order (only the head is
 * claimable), so every entry after the head is pending.
 *
 * Every read-modify-write runs inside one `root.transaction` callback: LMDB has a single writer, so
 * seq allocation, the session compare-and-set and claim are atomic. lmdb-js runs the callbacks queued
 * meanwhile in one commit, which is what makes concurrent calls cheap. A callback that throws does not roll back the writes it already made, so
 * each callback validates first and writes last.
 */

type EntryKey = [stream: string, seq: number];
type ReadyKey = [availableAt: number, stream: string];
type FinishedKey = [finishedAt: number, id: string];

interface StreamRecord {
  /** Last seq allocated; never reused, even after the entries are pruned. */
  last: number;
  /** Seq of the oldest pending entry, absent when the stream has none. */
  head?: number;
}

/**
 * Opens (creating if needed) the LMDB store under `options.path`. Meant for one server process; it
 * keeps no state in memory, so reopening the path (after a crash too) finds everything as committed.
 */
export async function openLmdbStore(options: { path: string }): Promise<Store> {
  await mkdir(options.path, { recursive: true });
  // Commits are visible (and survive a process kill) when a write resolves; writes the contract
  // calls durable additionally wait for `root.flushed` (fsync), which overlapping sync batches.
  const root: RootDatabase = open({ path: options.path, maxDbs: 12, encoding: 'json' });
  const db = <V, K extends string | number | Array<string | number>>(name: string): Database<V, K> =>
    root.openDB<V, K>({ name, encoding: 'json' });
  const sessions = db<SessionRecord, string>('sessions');
  const entries = db<OutboxEntry, EntryKey>('entries');
  const ids = db<EntryKey, string>('ids');
  const streams = db<StreamRecord, string>('streams');
  const ready = db<number, ReadyKey>('ready');
  const finished = db<EntryKey, FinishedKey>('finished');
  const counters = db<number, string>('counters');

  const durable = async <T>(action: () => T): Promise<T> => {
    const result = await root.transaction(action);
    await root.flushed;
    return result;
  };

  const entryAt = (id: string): OutboxEntry | undefined => {
    const key = ids.get(id);
    return key === undefined ? undefined : entries.get(key);
  };

  /** The entries of `stream` from `fromSeq` on, in seq order. */
  function* streamEntries(stream: string, fromSeq: number): Generator<OutboxEntry> {
    for (const { key, value } of entries.getRange({
      start: [stream, fromSeq],
      end: [stream, Number.MAX_SAFE_INTEGER],
    })) {
      if (key[0] !== stream) break;
      yield value;
    }
  }

  /** The first pending entry of `stream` from `fromSeq` on. */
  const nextPending = (stream: string, fromSeq: number): OutboxEntry | undefined => {
    // Seqs are contiguous and everything behind the head is pending, so this is one lookup.
    const adjacent = entries.get([stream, fromSeq]);
    if (adjacent === undefined || adjacent.state === 'pending') return adjacent;
    for (const candidate of streamEntries(stream, fromSeq)) if (candidate.state === 'pending') return candidate;
    return undefined;
  };

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
          const entry = newEntry(item, seq, now);
          const next: StreamRecord = { ...stream, last: seq };
          if (next.head === undefined) {
            next.head = seq;
            void ready.put([entry.nextAttemptAt, entry.stream], seq);
          }
          touched.set(item.stream, next);
          void entries.put([entry.stream, seq], entry);
          void ids.put(entry.id, [entry.stream, seq]);
          return entry;
        });
        for (const [stream, record] of touched) void streams.put(stream, record);
        void counters.put('pending', (counters.get('pending') ?? 0) + items.length);
        return created;
      });
    },

    async claim({ owner, now, limit, leaseMs }) {
      if (limit <= 0) return [];
      return root.transaction(() => {
        const due: Array<{ key: ReadyKey; seq: number }> = [];
        for (const { key, value } of ready.getRange({})) {
          if (due.length >= limit || key[0] > now) break;
          due.push({ key, seq: value });
        }
        const leaseUntil = now + leaseMs;
        const claimed: OutboxEntry[] = [];
        for (const { key, seq } of due) {
          const stream = key[1];
          const entry = entries.get([stream, seq]);
          if (entry === undefined || entry.state !== 'pending') continue;
          const leased: OutboxEntry = { ...entry, leaseOwner: owner, leaseUntil };
          void entries.put([stream, seq], leased);
          void ready.remove(key);
          void ready.put([availableAt(leased), stream], seq);
          claimed.push(leased);
        }
        return claimed;
      });
    },

    async finish(id, update) {
      await root.transaction(() => {
        const entry = entryAt(id);
        if (entry === undefined || entry.state !== 'pending') return;
        const stream = streams.get(entry.stream) ?? { last: entry.seq };
        const done = finishedEntry(entry, update);
        void entries.put([entry.stream, entry.seq], done);
        void finished.put([update.at, id], [entry.stream, entry.seq]);
        void counters.put('pending', Math.max(0, (counters.get('pending') ?? 1) - 1));
        if (stream.head !== entry.seq) return;
        void ready.remove([availableAt(entry), entry.stream]);
        const next = nextPending(entry.stream, entry.seq + 1);
        if (next === undefined) {
          void streams.put(entry.stream, { last: stream.last });
        } else {
          void streams.put(entry.stream, { last: stream.last, head: next.seq });
          void ready.put([availableAt(next), entry.stream], next.seq);
        }
      });
    },

    async retry(id, update) {
      await root.transaction(() => {
        const entry = entryAt(id);
        if (entry === undefined || entry.state !== 'pending') return;
        const retried = retriedEntry(entry, update);
        void entries.put([entry.stream, entry.seq], retried);
        if (streams.get(entry.stream)?.head === entry.seq) {
          void ready.remove([availableAt(entry), entry.stream]);
          void ready.put([availableAt(retried), entry.stream], entry.seq);
        }
      });
    },

    async retarget(stream, from, to) {
      return root.transaction(() => {
        const head = streams.get(stream)?.head;
        if (head === undefined) return 0;
        const changed: OutboxEntry[] = [];
        for (const entry of streamEntries(stream, head)) {
          if (entry.state === 'pending' && entry.target === from) changed.push({ ...entry, target: to });
        }
        for (const entry of changed) void entries.put([stream, entry.seq], entry);
        return changed.length;
      });
    },

    async get(id) {
      return entryAt(id);
    },

    async list(filter = {}) {
      const range =
        filter.stream === undefined
          ? entries.getRange({}).map(({ value }) => value)
          : streamEntries(filter.stream, 0);
      const out: OutboxEntry[] = [];
      for (const entry of range) {
        if (filter.state === undefined || entry.state === filter.state) out.push(entry);
      }
      return out;
    },

    async depth() {
      return counters.get('pending') ?? 0;
    },

    async nextDueAt() {
      for (const key of ready.getKeys({ limit: 1 })) return key[0];
      return undefined;
    },

    async prune(before) {
      return root.transaction(() => {
        const old = [...finished.getRange({ end: [before] })];
        for (const { key, value } of old) {
          void entries.remove(value);
          void ids.remove(key[1]);
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
      await counters.put('ping', token);
      if (counters.get('ping') !== token) throw new Error('LMDB store did not read back its own write');
    },
    async close() {
      await root.flushed;
      await root.close();
    },
  };
}

/** When the entry (a stream head) may next be claimed. */
function availableAt(entry: OutboxEntry): number {
  return entry.leaseUntil !== undefined && entry.leaseUntil > entry.nextAttemptAt
    ? entry.leaseUntil
    : entry.nextAttemptAt;
}

function newEntry(item: NewNotification, seq: number, now: number): OutboxEntry {
  const entry: OutboxEntry = {
    id: createEntryId(now),
    stream: item.stream,
    seq,
    callback: item.callback,
    target: item.target,
    body: item.body,
    state: 'pending' satisfies DeliveryState,
    attempts: 0,
    nextAttemptAt: now,
    createdAt: now,
  };
  if (item.sessionId !== undefined) entry.sessionId = item.sessionId;
  return entry;
}

/** The entry without its lease and last-attempt fields. */
function released(entry: OutboxEntry): OutboxEntry {
  const { leaseOwner: _owner, leaseUntil: _until, lastStatus: _status, lastError: _error, ...rest } = entry;
  return rest;
}

function withOutcome(entry: OutboxEntry, status: number | undefined, error: string | undefined): OutboxEntry {
  if (status !== undefined) entry.lastStatus = status;
  if (error !== undefined) entry.lastError = error;
  return entry;
}

function finishedEntry(entry: OutboxEntry, update: FinishUpdate): OutboxEntry {
  const { state, attempts, target, at } = update;
  return withOutcome({ ...released(entry), state, attempts, target, finishedAt: at }, update.status, update.error);
}

function retriedEntry(entry: OutboxEntry, update: RetryUpdate): OutboxEntry {
  const { attempts, nextAttemptAt, target } = update;
  return withOutcome({ ...released(entry), attempts, nextAttemptAt, target }, update.status, update.error);
}
