import { mkdir } from 'node:fs/promises';
import { open, type Database, type DatabaseOptions, type RootDatabase } from 'lmdb';
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
 * Layout (version 2): one LMDB environment, named databases, ordered-binary keys.
 *
 *   meta      'layout' | 'pending' | 'ping'  -> number (JSON)  layout version; depth; /readyz token
 *   sessions  sessionId                      -> SessionRecord (JSON)
 *   bodies    id                             -> BodyRecord (JSON)   what never changes: written once, removed by prune
 *   states    id                             -> StateRecord (binary, see stateCodec): what delivery changes
 *   seqs      [stream, seq]                  -> id        list order; a stream's entries are adjacent
 *   streams   stream                         -> { last, pending } (JSON)  seq allocator; whether it has a ready key
 *   ready     [availableAt, stream]          -> id        the head of each stream with pending entries, and only it
 *   finished  [finishedAt, id]               -> '1'       prune
 *
 * `availableAt` is when the head may next be claimed: its nextAttemptAt (or, in a store written by
 * an older version, its lease expiry while leased: see releaseLeases). Claim walks `ready` from the
 * start and stops at the first key later than `now`, so it touches only what it returns and the
 * heads leased meanwhile. An entry is its stream's head exactly when `ready` maps
 * [availableAt(entry), stream] to its id. Entries of a stream normally finish in seq order (only the
 * head is claimable), so the entry after the head is normally the next pending one.
 *
 * Leases are kept in memory, not in the store: the embedded store belongs to one server process,
 * and a process that stops loses its leases anyway (releaseLeases frees them at the next open), so
 * writing them only cost a commit per claim and three writes per notification. Claim is therefore a
 * read of what is committed; a lease is dropped once the finish or retry of its entry is committed,
 * so no claim can see the entry pending and unleased before its outcome is visible.
 *
 * Why this shape: claim and finish are the hot path (one of each per notification). Finish
 * rewrites only a ~100-byte binary state record, never the body (written once by enqueue, read once
 * by claim); it touches few other records (4 writes); and what a batch of finishes rewrites sits in
 * few B-tree pages, since `states`, `ready` and `finished` are keyed by creation or due time (ids
 * sort by creation) and the heads being delivered are the oldest pending entries.
 *
 * Every read-modify-write runs inside a `root.transaction` callback: LMDB has a single writer, so
 * seq allocation and the session compare-and-set are atomic. lmdb-js runs the callbacks queued
 * meanwhile in one commit; finish and retry moreover share one callback per commit (see `submit`),
 * since a commit (its fsync above all) costs far more than what it carries. A callback that throws
 * does not roll back the writes it already made, so each operation validates first and writes last.
 *
 * Durability: enqueue and the session writes resolve once fsynced (`root.flushed`). Finish and retry
 * resolve once committed (visible to every reader, and surviving a kill of the process) without
 * waiting for the fsync: one lost with the machine leaves its entry pending, so the entry is
 * delivered again: at least once, never lost.
 */

/** Stored under meta 'layout'; bump on any incompatible change of the layout above. */
const LAYOUT_VERSION = 2;

type SeqKey = [stream: string, seq: number];
type ReadyKey = [availableAt: number, stream: string];
type FinishedKey = [finishedAt: number, id: string];

interface StreamRecord {
  /** Last seq allocated; never reused, even after the entries are pruned. */
  last: number;
  /** Whether the stream has pending entries (then its head has a key in `ready`). */
  pending: boolean;
}

/** The part of an entry fixed at enqueue. */
interface BodyRecord {
  callback: string;
  body: unknown;
  createdAt: number;
  sessionId?: string;
}

/** The part of an entry that delivery changes. Every field is present (undefined when unset): one object shape. */
interface StateRecord {
  stream: string;
  seq: number;
  state: DeliveryState;
  attempts: number;
  nextAttemptAt: number;
  target: string;
  leaseOwner: string | undefined;
  leaseUntil: number | undefined;
  lastStatus: number | undefined;
  lastError: string | undefined;
  finishedAt: number | undefined;
}

/** A claim's hold on an entry (in memory: see the layout notes). */
interface Lease {
  owner: string;
  until: number;
}

/** A finish or retry waiting for the next commit of the outbox write queue. */
interface Queued {
  run(): unknown;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** Thrown by openLmdbStore for a directory written with another layout. */
export class LmdbLayoutError extends Error {
  constructor(path: string, found: unknown) {
    super(
      `LMDB store at ${path} has ${found === undefined ? 'a layout older than layout versions' : `layout version ${String(found)}`}; ` +
        `this server reads version ${LAYOUT_VERSION} and does not migrate: remove the directory (losing its sessions and notifications) or run the server version that wrote it`,
    );
    this.name = 'LmdbLayoutError';
  }
}

/**
 * Opens (creating if needed) the LMDB store under `options.path`. Meant for one server process; it
 * keeps nothing in memory but the calls waiting for the next commit, so reopening the path (after a
 * crash too) finds everything as committed.
 * Rejects with LmdbLayoutError if the directory holds another layout.
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
  const json = <V, K extends Key>(name: string): Database<V, K> => root.openDB<V, K>({ name, encoding: 'json' });
  const ids = <K extends Key>(name: string): Database<string, K> => root.openDB<string, K>({ name, encoding: 'string' });
  const meta = json<number, string>('meta');
  const sessions = json<SessionRecord, string>('sessions');
  const bodies = json<BodyRecord, string>('bodies');
  // `encoder` is a documented database option the typings lack (they have it on the root only).
  const statesOptions: DatabaseOptions & { name: string; encoder: typeof stateCodec } = { name: 'states', encoding: 'binary', encoder: stateCodec };
  const states = root.openDB<StateRecord, string>(statesOptions);
  const seqs = ids<SeqKey>('seqs');
  const streams = json<StreamRecord, string>('streams');
  const ready = ids<ReadyKey>('ready');
  const finished = ids<FinishedKey>('finished');

  await releaseLeases();

  /**
   * The embedded store belongs to one server process, so a lease found at open was held by a
   * process that died mid-attempt: release it now instead of letting its entry wait for it to lapse.
   * (Only versions that stored leases left any.)
   */
  async function releaseLeases(): Promise<void> {
    await root.transaction(() => {
      const held = [...ready.getRange({})].filter(({ value }) => states.get(value)?.leaseUntil !== undefined);
      for (const { key, value: id } of held) {
        const state = states.get(id)!;
        const released: StateRecord = { ...state, leaseOwner: undefined, leaseUntil: undefined };
        void states.put(id, released);
        void ready.remove(key);
        void ready.put([availableAt(released), state.stream], id);
      }
    });
    await root.flushed;
  }

  const durable = async <T>(action: () => T): Promise<T> => {
    const result = await root.transaction(action);
    await root.flushed;
    return result;
  };

  /** Entries leased by claims of this process, by id; see the layout notes. */
  const leases = new Map<string, Lease>();

  /** The entry as stored, with its lease while it is pending and leased. */
  const entryOf = (id: string, state: StateRecord): OutboxEntry | undefined => {
    const fixed = bodies.get(id);
    if (fixed === undefined) return undefined;
    const lease = state.state === 'pending' ? leases.get(id) : undefined;
    return toEntry(id, fixed, lease === undefined ? state : leasedState(state, lease.owner, lease.until));
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
    const key: ReadyKey = [availableAt(state), state.stream];
    // Only heads are claimed, and a head stays the head until it is finished: a leased entry is one.
    if (state.leaseUntil !== undefined) return key;
    return ready.get(key) === id ? key : undefined;
  };

  const addPending = (delta: number): void => {
    void meta.put('pending', Math.max(0, (meta.get('pending') ?? 0) + delta));
  };

  /** Finish, inside the write transaction; returns whether the entry was pending. */
  const finishNow = (id: string, update: FinishUpdate): boolean => {
    const current = states.get(id);
    if (current === undefined || current.state !== 'pending') return false;
    const head = headKey(id, current);
    void states.put(id, finishedState(current, update));
    void finished.put([update.at, id], '1');
    if (head === undefined) return true;
    void ready.remove(head);
    const next = nextPending(current.stream, current.seq);
    if (next === undefined) {
      // The stream is drained: the next enqueue makes its entry the head.
      void streams.put(current.stream, { last: streams.get(current.stream)?.last ?? current.seq, pending: false });
    } else {
      void ready.put([availableAt(next.state), current.stream], next.id);
    }
    return true;
  };

  const retryNow = (id: string, update: RetryUpdate): void => {
    const current = states.get(id);
    if (current === undefined || current.state !== 'pending') return;
    const head = headKey(id, current);
    const retried = retriedState(current, update);
    void states.put(id, retried);
    if (head !== undefined) {
      void ready.remove(head);
      void ready.put([availableAt(retried), current.stream], id);
    }
  };

  /*
   * Finish and retry share a write queue: one transaction callback per commit applies every call
   * queued since the previous one, in call order, and writes the pending counter once. Each call
   * resolves once its commit is done. The callback waits for the end of the event-loop turn
   * (setImmediate), so that the outcomes of the responses read in one turn share a commit (the
   * engine records them one entry at a time).
   */
  let queued: Queued[] = [];
  /** A transaction is queued whose callback has not run yet: it will take what is queued meanwhile. */
  let transactionQueued = false;
  let delayed: NodeJS.Immediate | undefined;
  /** Change of the pending counter by the callback running now. */
  let pendingDelta = 0;

  const startTransaction = (): void => {
    if (delayed !== undefined) clearImmediate(delayed);
    delayed = undefined;
    transactionQueued = true;
    let batch: Queued[] | undefined;
    const results: unknown[] = [];
    const failures = new Map<Queued, unknown>();
    const run = (): void => {
      transactionQueued = false;
      batch = queued;
      queued = [];
      pendingDelta = 0;
      for (const [i, call] of batch.entries()) {
        try {
          results[i] = call.run();
        } catch (error) {
          failures.set(call, error);
        }
      }
      if (pendingDelta !== 0) addPending(pendingDelta);
    };
    const settle = (): void => {
      for (const [i, call] of (batch ?? []).entries()) {
        if (failures.has(call)) call.reject(failures.get(call));
        else call.resolve(results[i]);
      }
    };
    const fail = (error: unknown): void => {
      // The callback never ran (the store is closed) or the commit failed.
      if (batch === undefined) {
        transactionQueued = false;
        batch = queued;
        queued = [];
      }
      for (const call of batch) call.reject(error);
    };
    try {
      root.transaction(run).then(settle, fail);
    } catch (error) {
      fail(error);
    }
  };

  const submit = <T>(run: () => T): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      queued.push({ run, resolve: resolve as (value: unknown) => void, reject });
      if (transactionQueued) return;
      delayed ??= setImmediate(startTransaction);
    });

  /** Drops the lease of an entry once its outcome is committed (a failed commit keeps it until it lapses). */
  const releasing = (id: string, write: Promise<void>): Promise<void> =>
    write.then(() => {
      leases.delete(id);
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
          const stream = touched.get(item.stream) ?? streams.get(item.stream) ?? { last: 0, pending: false };
          const seq = stream.last + 1;
          const id = createEntryId(now);
          const fixed: BodyRecord = { callback: item.callback, body: item.body, createdAt: now };
          if (item.sessionId !== undefined) fixed.sessionId = item.sessionId;
          const state = newState(item, seq, now);
          // The first pending entry of a stream is its head.
          if (!stream.pending) void ready.put([now, item.stream], id);
          touched.set(item.stream, { last: seq, pending: true });
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
      const claimed: OutboxEntry[] = [];
      if (limit <= 0) return claimed;
      const lease: Lease = { owner, until: now + leaseMs };
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
        submit(() => {
          if (finishNow(id, update)) pendingDelta -= 1;
        }),
      );
    },

    retry(id, update) {
      return releasing(id, submit(() => retryNow(id, update)));
    },

    async retarget(stream, from, to) {
      return root.transaction(() => {
        if (streams.get(stream)?.pending !== true) return 0;
        const changed: Array<[string, StateRecord]> = [];
        for (const id of streamIds(stream, 0)) {
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
      const listed =
        filter.stream === undefined ? seqs.getRange({}).map(({ value }) => value) : streamIds(filter.stream, 0);
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
      // Outcomes still waiting for company go now.
      if (delayed !== undefined) startTransaction();
      await root.flushed;
      await root.close();
    },
  };
}

type Key = string | number | Array<string | number>;

/**
 * Accepts an empty environment (and stamps it with LAYOUT_VERSION) or one stamped with
 * LAYOUT_VERSION; anything else has another layout, which this version cannot read.
 */
async function checkLayout(root: RootDatabase, path: string): Promise<void> {
  // The main database holds one key per named database: none in a new environment.
  const named = [...root.getKeys({ limit: 20 })].map(String);
  const meta = (): Database<number, string> => root.openDB<number, string>({ name: 'meta', encoding: 'json' });
  if (named.length === 0) {
    await root.transaction(() => {
      void meta().put('layout', LAYOUT_VERSION);
    });
    await root.flushed;
    return;
  }
  const found = named.includes('meta') ? meta().get('layout') : undefined;
  if (found !== LAYOUT_VERSION) throw new LmdbLayoutError(path, found);
}

/** When the entry (a stream head) may next be claimed. */
function availableAt(state: StateRecord): number {
  return state.leaseUntil !== undefined && state.leaseUntil > state.nextAttemptAt ? state.leaseUntil : state.nextAttemptAt;
}

function stateRecord(
  stream: string,
  seq: number,
  state: DeliveryState,
  attempts: number,
  nextAttemptAt: number,
  target: string,
  leaseOwner: string | undefined,
  leaseUntil: number | undefined,
  lastStatus: number | undefined,
  lastError: string | undefined,
  finishedAt: number | undefined,
): StateRecord {
  return { stream, seq, state, attempts, nextAttemptAt, target, leaseOwner, leaseUntil, lastStatus, lastError, finishedAt };
}

function newState(item: NewNotification, seq: number, now: number): StateRecord {
  return stateRecord(item.stream, seq, 'pending', 0, now, item.target, undefined, undefined, undefined, undefined, undefined);
}

/** Claimed: the same, plus the lease. */
function leasedState(state: StateRecord, owner: string, leaseUntil: number): StateRecord {
  const { stream, seq, attempts, nextAttemptAt, target, lastStatus, lastError } = state;
  return stateRecord(stream, seq, 'pending', attempts, nextAttemptAt, target, owner, leaseUntil, lastStatus, lastError, undefined);
}

/** Finished: the outcome, without the lease or the previous attempt's outcome. */
function finishedState(state: StateRecord, update: FinishUpdate): StateRecord {
  const { stream, seq, nextAttemptAt } = state;
  return stateRecord(stream, seq, update.state, update.attempts, nextAttemptAt, update.target, undefined, undefined, update.status, update.error, update.at);
}

/** Due again later: the attempt's outcome, without the lease or the previous attempt's outcome. */
function retriedState(state: StateRecord, update: RetryUpdate): StateRecord {
  const { stream, seq } = state;
  return stateRecord(stream, seq, 'pending', update.attempts, update.nextAttemptAt, update.target, undefined, undefined, update.status, update.error, undefined);
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

/*
 * StateRecord in binary: it is read and rewritten several times per delivery, and this encodes and
 * decodes in less than half the time JSON takes (and skips lmdb-js's string conversions). Little-endian:
 *   0  u8   format (1)
 *   1  u8   state: 0 pending, 1 delivered, 2 failed
 *   2  u8   which optional fields are present: LEASE_OWNER | LEASE_UNTIL | LAST_STATUS | LAST_ERROR | FINISHED_AT
 *   3  u8   0
 *   4  f64  seq, attempts, nextAttemptAt, leaseUntil, lastStatus, finishedAt (0 when absent)
 *  52  then stream, target, leaseOwner?, lastError?: each a u32 byte length and UTF-8 bytes
 */
const STATE_FORMAT = 1;
const STATES: readonly DeliveryState[] = ['pending', 'delivered', 'failed'];
const LEASE_OWNER = 1;
const LEASE_UNTIL = 2;
const LAST_STATUS = 4;
const LAST_ERROR = 8;
const FINISHED_AT = 16;
const FIXED_SIZE = 52;

const stateCodec = {
  encode(state: StateRecord): Buffer {
    let size = FIXED_SIZE + 8 + 3 * (state.stream.length + state.target.length);
    if (state.leaseOwner !== undefined) size += 4 + 3 * state.leaseOwner.length;
    if (state.lastError !== undefined) size += 4 + 3 * state.lastError.length;
    const buffer = Buffer.allocUnsafe(size);
    let present = 0;
    if (state.leaseOwner !== undefined) present |= LEASE_OWNER;
    if (state.leaseUntil !== undefined) present |= LEASE_UNTIL;
    if (state.lastStatus !== undefined) present |= LAST_STATUS;
    if (state.lastError !== undefined) present |= LAST_ERROR;
    if (state.finishedAt !== undefined) present |= FINISHED_AT;
    buffer[0] = STATE_FORMAT;
    const code = STATES.indexOf(state.state);
    if (code < 0) throw new Error(`unknown outbox delivery state ${String(state.state)}`);
    buffer[1] = code;
    buffer[2] = present;
    buffer[3] = 0;
    buffer.writeDoubleLE(state.seq, 4);
    buffer.writeDoubleLE(state.attempts, 12);
    buffer.writeDoubleLE(state.nextAttemptAt, 20);
    buffer.writeDoubleLE(state.leaseUntil ?? 0, 28);
    buffer.writeDoubleLE(state.lastStatus ?? 0, 36);
    buffer.writeDoubleLE(state.finishedAt ?? 0, 44);
    let at = writeString(buffer, FIXED_SIZE, state.stream);
    at = writeString(buffer, at, state.target);
    if (state.leaseOwner !== undefined) at = writeString(buffer, at, state.leaseOwner);
    if (state.lastError !== undefined) at = writeString(buffer, at, state.lastError);
    return buffer.subarray(0, at);
  },

  decode(buffer: Buffer): StateRecord {
    if (buffer[0] !== STATE_FORMAT) throw new Error(`unknown outbox state record format ${String(buffer[0])}`);
    const present = buffer[2] ?? 0;
    let at = FIXED_SIZE;
    const stream = readString(buffer, at);
    at += 4 + buffer.readUInt32LE(at);
    const target = readString(buffer, at);
    at += 4 + buffer.readUInt32LE(at);
    let leaseOwner: string | undefined;
    if ((present & LEASE_OWNER) !== 0) {
      leaseOwner = readString(buffer, at);
      at += 4 + buffer.readUInt32LE(at);
    }
    const lastError = (present & LAST_ERROR) !== 0 ? readString(buffer, at) : undefined;
    const state = STATES[buffer[1] ?? -1];
    if (state === undefined) throw new Error(`unknown outbox delivery state code ${String(buffer[1])}`);
    return stateRecord(
      stream,
      buffer.readDoubleLE(4),
      state,
      buffer.readDoubleLE(12),
      buffer.readDoubleLE(20),
      target,
      leaseOwner,
      (present & LEASE_UNTIL) !== 0 ? buffer.readDoubleLE(28) : undefined,
      (present & LAST_STATUS) !== 0 ? buffer.readDoubleLE(36) : undefined,
      lastError,
      (present & FINISHED_AT) !== 0 ? buffer.readDoubleLE(44) : undefined,
    );
  },
};

/** Writes `value` as a u32 byte length and its UTF-8 bytes at `at`; returns the end. */
function writeString(buffer: Buffer, at: number, value: string): number {
  const length = buffer.write(value, at + 4, 'utf8');
  buffer.writeUInt32LE(length, at);
  return at + 4 + length;
}

function readString(buffer: Buffer, at: number): string {
  const start = at + 4;
  return buffer.toString('utf8', start, start + buffer.readUInt32LE(at));
}
