import type { RootDatabase } from 'lmdb';
import { jsonText } from '../../http/json-text.js';
import { createBatcher } from '../batcher.js';
import { createEntryId } from '../entry-id.js';
import { newEntry, toOutboxEntry, withBodyText } from '../outbox-core.js';
import type { FinishUpdate, Outbox, OutboxEntry, RetryUpdate } from '../store.js';
import type { Durably } from './durably.js';
import type { BodyRecord, LmdbDatabases, StreamRecord } from './layout.js';
import { PendingIndex } from './pending-index.js';
import { finishedState, newState, retargetedState, retriedState, type StateRecord } from './state-record.js';

/** A claim's hold on an entry (in memory: see layout.ts), with the state it was claimed in. */
interface Lease {
  owner: string;
  until: number;
  stream: string;
  /** The entry's state as claimed, kept current by this process's outcomes (no read to finish it). */
  state: StateRecord;
  /** Whether the lapsed lease's head was made claimable again. */
  requeued: boolean;
}

/** The outbox of the LMDB store, on the databases of layout.ts and an in-memory index of what is pending. */
export function createLmdbOutbox(root: RootDatabase, dbs: LmdbDatabases, leaseMs: number, durably: Durably): Outbox {
  const { bodies, states, seqs, streams, pending, finished } = dbs;

  /** Entries leased by claims of this process, by id. */
  const leases = new Map<string, Lease>();
  const index = loadPendingIndex(dbs);

  /** The entry as stored, with its lease while it is pending and leased. */
  const entryOf = (id: string, state: StateRecord): OutboxEntry | undefined => {
    const fixed = bodies.get(id);
    if (fixed === undefined) return undefined;
    const lease = state.state === 'pending' ? leases.get(id) : undefined;
    const entry = toOutboxEntry({
      id,
      stream: state.stream,
      seq: state.seq,
      callback: fixed.callback,
      target: state.target,
      body: JSON.parse(fixed.text) as unknown,
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
    return withBodyText(entry, fixed.text);
  };

  /** The ids of the entries of `stream` from `fromSeq` on, in seq order. */
  function* streamIds(stream: string, fromSeq: number): Generator<string> {
    for (const { key, value } of seqs.getRange({ start: [stream, fromSeq], end: [stream, Number.MAX_SAFE_INTEGER] })) {
      if (key[0] !== stream) break;
      yield value;
    }
  }

  /** The entry's current state inside a write transaction: the claimed one when leased here. */
  const currentState = (id: string): StateRecord | undefined => leases.get(id)?.state ?? states.get(id);

  /*
   * Finish and retry share commits (group commit, batcher.ts): the writes queued while a commit is
   * in flight run in the next one, in one transaction callback, in call order. The engine records
   * outcomes one entry at a time, and a commit costs far more than what it carries. A write that
   * throws rejects alone; the others still commit.
   */
  const commitOutcomes = createBatcher<() => StateRecord | undefined, { error: unknown } | { written: StateRecord | undefined }>(
    (writes) =>
      root.transaction(() =>
        writes.map((write) => {
          try {
            return { written: write() };
          } catch (error) {
            return { error };
          }
        }),
      ),
    { slots: 1, maxBatch: 1_000 },
  );

  /**
   * Runs `write` in the next outcome commit; once committed (not fsynced: see layout.ts), applies
   * what it wrote to the index and drops the lease (a failed commit keeps it until it lapses).
   */
  const outcome = async (id: string, write: () => StateRecord | undefined, apply: (written: StateRecord) => void): Promise<void> => {
    const result = await commitOutcomes(write);
    if ('error' in result) throw result.error;
    leases.delete(id);
    if (result.written !== undefined) apply(result.written);
  };

  /** Finish, inside the write transaction: the final state, off the pending list. */
  const finishNow = (id: string, update: FinishUpdate): StateRecord | undefined => {
    const current = currentState(id);
    if (current === undefined || current.state !== 'pending') return undefined;
    const done = finishedState(current, update);
    void states.put(id, done);
    void finished.put([update.at, id], '1');
    void pending.remove(id);
    const lease = leases.get(id);
    if (lease !== undefined) lease.state = done;
    return done;
  };

  /** Retry, inside the write transaction. */
  const retryNow = (id: string, update: RetryUpdate): StateRecord | undefined => {
    const current = currentState(id);
    if (current === undefined || current.state !== 'pending') return undefined;
    const retried = retriedState(current, update);
    void states.put(id, retried);
    const lease = leases.get(id);
    if (lease !== undefined) lease.state = retried;
    return retried;
  };

  /** No lease taken here lapses before this (so that most claims skip the walk over the leases). */
  let earliestLapse = Number.POSITIVE_INFINITY;

  /** Makes the heads whose lease lapsed claimable again. */
  const requeueLapsed = (now: number): void => {
    if (now < earliestLapse) return;
    earliestLapse = Number.POSITIVE_INFINITY;
    for (const [id, lease] of leases) {
      if (lease.requeued) continue;
      if (lease.until > now) {
        earliestLapse = Math.min(earliestLapse, lease.until);
        continue;
      }
      lease.requeued = true;
      index.requeue(lease.stream, id);
    }
  };

  /*
   * Enqueued entries join the index in the order their seqs were allocated (the order of the
   * enqueue calls): a later enqueue of a stream may not become claimable before an earlier one.
   */
  let indexed: Promise<unknown> = Promise.resolve();

  return {
    leaseMs,

    async enqueue(items) {
      if (items.length === 0) return [];
      const written = durably(() => {
        const now = Date.now();
        const touched = new Map<string, StreamRecord>();
        const created = items.map((item) => {
          const stream = touched.get(item.stream) ?? streams.get(item.stream) ?? { last: 0 };
          const seq = stream.last + 1;
          const id = createEntryId(now);
          const fixed: BodyRecord = { callback: item.callback, text: jsonText(item.body), createdAt: now };
          if (item.sessionId !== undefined) fixed.sessionId = item.sessionId;
          touched.set(item.stream, { last: seq });
          void bodies.put(id, fixed);
          void states.put(id, newState(item, seq, now));
          void seqs.put([item.stream, seq], id);
          void pending.put(id, '1');
          return newEntry(item, id, seq, now);
        });
        for (const [stream, record] of touched) void streams.put(stream, record);
        return created;
      });
      const added = indexed.then(async () => {
        const created = await written;
        for (const entry of created) index.add(entry.stream, { id: entry.id, seq: entry.seq, due: entry.nextAttemptAt });
        return created;
      });
      indexed = added.catch(() => undefined);
      return added;
    },

    async claim({ owner, now, limit, leaseMs: ms = leaseMs }) {
      const claimed: OutboxEntry[] = [];
      if (limit <= 0) return claimed;
      requeueLapsed(now);
      const until = now + ms;
      if (until < earliestLapse) earliestLapse = until;
      while (claimed.length < limit) {
        const due = index.popDue(now);
        if (due === undefined) break;
        const { stream, ref } = due;
        // Leased and live: it comes back to the heap when the lease lapses or its outcome is recorded.
        if ((leases.get(ref.id)?.until ?? 0) > now) continue;
        const state = states.get(ref.id);
        if (state === undefined || state.state !== 'pending') continue;
        const lease: Lease = { owner, until, stream, state, requeued: false };
        leases.set(ref.id, lease);
        const entry = entryOf(ref.id, state);
        if (entry === undefined) {
          leases.delete(ref.id);
          continue;
        }
        claimed.push(entry);
      }
      return claimed;
    },

    finish(id, update) {
      return outcome(
        id,
        () => finishNow(id, update),
        (done) => index.remove(done.stream, id),
      );
    },

    retry(id, update) {
      return outcome(
        id,
        () => retryNow(id, update),
        (retried) => index.reschedule(retried.stream, id, retried.nextAttemptAt),
      );
    },

    async retarget(stream, from, to) {
      return root.transaction(() => {
        const changed: Array<[string, StateRecord]> = [];
        // What is committed, not the index: an entry whose enqueue is committed but not yet
        // fsynced is not indexed yet, and must move too.
        for (const id of streamIds(stream, 0)) {
          const state = states.get(id);
          if (state?.state === 'pending' && state.target === from) changed.push([id, retargetedState(state, to)]);
        }
        for (const [id, state] of changed) {
          void states.put(id, state);
          const lease = leases.get(id);
          if (lease !== undefined) lease.state = state;
        }
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
      return index.size;
    },

    async nextDueAt() {
      // A head leased here is due when its lease lapses; every other head at its own due time.
      let next = index.earliestDue();
      for (const [id, lease] of leases) {
        if (lease.requeued) continue;
        const head = index.head(lease.stream);
        if (head?.id !== id) continue;
        const due = Math.max(head.due, lease.until);
        if (next === undefined || due < next) next = due;
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

/** The index of what is pending, from the `pending` database (read at open: one entry per pending notification). */
function loadPendingIndex({ pending, states }: LmdbDatabases): PendingIndex {
  const index = new PendingIndex();
  for (const id of pending.getKeys({})) {
    const state = states.get(id);
    if (state?.state === 'pending') index.add(state.stream, { id, seq: state.seq, due: state.nextAttemptAt });
  }
  return index;
}
