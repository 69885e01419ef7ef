import type { RootDatabase } from 'lmdb';
import { createBatcher } from '../batcher.js';
import { createEntryId } from '../entry-id.js';
import { newEntry, toOutboxEntry } from '../outbox-core.js';
import type { FinishUpdate, Outbox, OutboxEntry, RetryUpdate } from '../store.js';
import type { Durably } from './durably.js';
import type { BodyRecord, LmdbDatabases, ReadyKey, StreamRecord } from './layout.js';
import { finishedState, newState, retargetedState, retriedState, type StateRecord } from './state-record.js';

/** A claim's hold on an entry (in memory: see layout.ts). */
interface Lease {
  owner: string;
  until: number;
}

/** The outbox of the LMDB store, on the databases of layout.ts. */
export function createLmdbOutbox(root: RootDatabase, dbs: LmdbDatabases, leaseMs: number, durably: Durably): Outbox {
  const { meta, bodies, states, seqs, streams, ready, finished } = dbs;

  /** Entries leased by claims of this process, by id. */
  const leases = new Map<string, Lease>();

  /** The entry as stored, with its lease while it is pending and leased. */
  const entryOf = (id: string, state: StateRecord): OutboxEntry | undefined => {
    const fixed = bodies.get(id);
    if (fixed === undefined) return undefined;
    const lease = state.state === 'pending' ? leases.get(id) : undefined;
    return toOutboxEntry({
      id,
      stream: state.stream,
      seq: state.seq,
      callback: fixed.callback,
      target: state.target,
      body: fixed.body,
      sessionId: fixed.sessionId,
      state: state.state,
      attempts: state.attempts,
      nextAttemptAt: state.nextAttemptAt,
      createdAt: fixed.createdAt,
      leaseOwner: lease?.owner,
      leaseUntil: lease?.until,
      lastStatus: state.lastStatus,
      lastError: state.lastError,
      finishedAt: state.finishedAt,
    });
  };

  /** The ids of the entries of `stream` from `fromSeq` on, in seq order. */
  function* streamIds(stream: string, fromSeq: number): Generator<string> {
    for (const { key, value } of seqs.getRange({ start: [stream, fromSeq], end: [stream, Number.MAX_SAFE_INTEGER] })) {
      if (key[0] !== stream) break;
      yield value;
    }
  }

  /** The first pending entry of `stream` after `seq`. */
  const nextPending = (stream: string, seq: number): { id: string; state: StateRecord } | undefined => {
    // Entries normally finish in seq order, so this is usually the adjacent one.
    const adjacent = seqs.get([stream, seq + 1]);
    if (adjacent === undefined) return undefined;
    const state = states.get(adjacent);
    if (state?.state === 'pending') return { id: adjacent, state };
    for (const id of streamIds(stream, seq + 2)) {
      const candidate = states.get(id);
      if (candidate?.state === 'pending') return { id, state: candidate };
    }
    return undefined;
  };

  /** The `ready` key of a pending entry if it is its stream's head, else undefined. */
  const headKey = (id: string, state: StateRecord): ReadyKey | undefined => {
    const key: ReadyKey = [state.nextAttemptAt, state.stream];
    return ready.get(key) === id ? key : undefined;
  };

  const addPending = (delta: number): void => {
    void meta.put('pending', Math.max(0, (meta.get('pending') ?? 0) + delta));
  };

  /** Change of the pending counter by the outcomes of the commit being built. */
  let pendingDelta = 0;

  /*
   * Finish and retry share commits (group commit, batcher.ts): the writes queued while a commit is
   * in flight run in the next one, in one transaction callback, in call order, and the pending
   * counter is written once. The engine records outcomes one entry at a time, and a commit costs
   * far more than what it carries. A write that throws rejects alone; the others still commit.
   */
  const commitOutcomes = createBatcher<() => void, { error: unknown } | undefined>(
    (writes) =>
      root.transaction(() => {
        const failures = writes.map((write) => {
          try {
            write();
            return undefined;
          } catch (error) {
            return { error };
          }
        });
        if (pendingDelta !== 0) addPending(pendingDelta);
        pendingDelta = 0;
        return failures;
      }),
    { slots: 1, maxBatch: 1_000 },
  );

  /** Runs `write` in the next outcome commit; resolves once committed (not fsynced: see layout.ts). */
  const outcome = async (write: () => void): Promise<void> => {
    const failure = await commitOutcomes(write);
    if (failure !== undefined) throw failure.error;
  };

  /** Finish, inside the write transaction. */
  const finishNow = (id: string, update: FinishUpdate): void => {
    const current = states.get(id);
    if (current === undefined || current.state !== 'pending') return;
    const head = headKey(id, current);
    void states.put(id, finishedState(current, update));
    void finished.put([update.at, id], '1');
    pendingDelta -= 1;
    if (head === undefined) return;
    void ready.remove(head);
    const next = nextPending(current.stream, current.seq);
    if (next === undefined) {
      // The stream is drained: the next enqueue makes its entry the head.
      void streams.put(current.stream, { last: streams.get(current.stream)?.last ?? current.seq, pending: false });
    } else {
      void ready.put([next.state.nextAttemptAt, current.stream], next.id);
    }
  };

  /** Retry, inside the write transaction. */
  const retryNow = (id: string, update: RetryUpdate): void => {
    const current = states.get(id);
    if (current === undefined || current.state !== 'pending') return;
    const head = headKey(id, current);
    const retried = retriedState(current, update);
    void states.put(id, retried);
    if (head !== undefined) {
      void ready.remove(head);
      void ready.put([retried.nextAttemptAt, current.stream], id);
    }
  };

  /** Drops the lease of an entry once its outcome is committed (a failed commit keeps it until it lapses). */
  const releasing = (id: string, write: Promise<void>): Promise<void> =>
    write.then(() => {
      leases.delete(id);
    });

  return {
    leaseMs,

    async enqueue(items) {
      if (items.length === 0) return [];
      return durably(() => {
        const now = Date.now();
        const touched = new Map<string, StreamRecord>();
        const created = items.map((item) => {
          const stream = touched.get(item.stream) ?? streams.get(item.stream) ?? { last: 0, pending: false };
          const seq = stream.last + 1;
          const id = createEntryId(now);
          const fixed: BodyRecord = { callback: item.callback, body: item.body, createdAt: now };
          if (item.sessionId !== undefined) fixed.sessionId = item.sessionId;
          // The first pending entry of a stream is its head.
          if (!stream.pending) void ready.put([now, item.stream], id);
          touched.set(item.stream, { last: seq, pending: true });
          void bodies.put(id, fixed);
          void states.put(id, newState(item, seq, now));
          void seqs.put([item.stream, seq], id);
          return newEntry(item, id, seq, now);
        });
        for (const [stream, record] of touched) void streams.put(stream, record);
        addPending(items.length);
        return created;
      });
    },

    async claim({ owner, now, limit, leaseMs: ms = leaseMs }) {
      const claimed: OutboxEntry[] = [];
      if (limit <= 0) return claimed;
      const lease: Lease = { owner, until: now + ms };
      for (const { key, value: id } of ready.getRange({})) {
        if (key[0] > now || claimed.length >= limit) break;
        const held = leases.get(id);
        if (held !== undefined && held.until > now) continue;
        const current = states.get(id);
        if (current === undefined || current.state !== 'pending') continue;
        leases.set(id, lease);
        const entry = entryOf(id, current);
        if (entry === undefined) {
          leases.delete(id);
          continue;
        }
        claimed.push(entry);
      }
      return claimed;
    },

    finish(id, update) {
      return releasing(
        id,
        outcome(() => finishNow(id, update)),
      );
    },

    retry(id, update) {
      return releasing(
        id,
        outcome(() => retryNow(id, update)),
      );
    },

    async retarget(stream, from, to) {
      return root.transaction(() => {
        if (streams.get(stream)?.pending !== true) return 0;
        const changed: Array<[string, StateRecord]> = [];
        for (const id of streamIds(stream, 0)) {
          const state = states.get(id);
          if (state?.state === 'pending' && state.target === from) changed.push([id, retargetedState(state, to)]);
        }
        for (const [id, state] of changed) void states.put(id, state);
        return changed.length;
      });
    },

    async get(id) {
      const state = states.get(id);
      return state === undefined ? undefined : entryOf(id, state);
    },

    async list(filter = {}) {
      const listed = filter.stream === undefined ? seqs.getRange({}).map(({ value }) => value) : streamIds(filter.stream, 0);
      const out: OutboxEntry[] = [];
      for (const id of listed) {
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
      // A leased head is due when its lease lapses; the first head not leased bounds every later one.
      let next: number | undefined;
      for (const { key, value: id } of ready.getRange({})) {
        const held = leases.get(id);
        const due = held === undefined ? key[0] : Math.max(key[0], held.until);
        next = next === undefined ? due : Math.min(next, due);
        if (held === undefined) break;
      }
      return next;
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
}
