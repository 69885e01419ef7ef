import type { Database, DatabaseOptions, RootDatabase } from 'lmdb';
import { StoreVersionError } from '../store-errors.js';
import type { SessionRecord } from '../store.js';
import { hasStoredLease, isStateRecordFormat, stateCodec } from './state-codec.js';
import type { StateRecord } from './state-record.js';

/*
 * Layout (version 2): one LMDB environment, named databases, ordered-binary keys.
 *
 *   meta      'layout' | 'pending' | 'ping'  -> number (JSON)  layout version; depth; /readyz token
 *   sessions  sessionId                      -> SessionRecord (JSON)
 *   bodies    id                             -> BodyRecord (JSON)   what never changes: written once, removed by prune
 *   states    id                             -> StateRecord (binary, see state-codec.ts): what delivery changes
 *   seqs      [stream, seq]                  -> id        list order; a stream's entries are adjacent
 *   streams   stream                         -> { last, pending } (JSON)  seq allocator; whether it has a ready key
 *   ready     [nextAttemptAt, stream]        -> id        the head of each stream with pending entries, and only it
 *   finished  [finishedAt, id]               -> '1'       prune
 *   targets   name                           -> TargetRecord (JSON)  notification URIs moved by a 308
 *
 * Claim walks `ready` from the start and stops at the first key later than `now`, so it touches
 * only what it returns and the heads leased meanwhile. An entry is its stream's head exactly when
 * `ready` maps [nextAttemptAt, stream] to its id. Entries of a stream normally finish in seq order
 * (only the head is claimable), so the entry after the head is normally the next pending one.
 *
 * Leases are kept in memory, not in the store: the embedded store belongs to one server process,
 * and a process that stops loses its leases anyway, so writing them only cost a commit per claim
 * and three writes per notification. Claim is therefore a read of what is committed; a lease is
 * dropped once the finish or retry of its entry is committed, so no claim can see the entry
 * pending and unleased before its outcome is visible.
 *
 * Why this shape: claim and finish are the hot path (one of each per notification). Finish
 * rewrites only a ~100-byte binary state record, never the body (written once by enqueue, read once
 * by claim); it touches few other records (4 writes); and what a batch of finishes rewrites sits in
 * few B-tree pages, since `states`, `ready` and `finished` are keyed by creation or due time (ids
 * sort by creation) and the heads being delivered are the oldest pending entries.
 *
 * Every read-modify-write runs inside a `root.transaction` callback: LMDB has a single writer, so
 * seq allocation and the session compare-and-set are atomic. A callback that throws does not roll
 * back the writes it already made, so each operation validates first and writes last.
 *
 * Durability: enqueue and the session and target writes resolve once fsynced (`root.flushed`).
 * Finish and retry resolve once committed (visible to every reader, and surviving a kill of the
 * process) without waiting for the fsync: one lost with the machine leaves its entry pending, so
 * the entry is delivered again: at least once, never lost.
 *
 * Earlier layouts, each of which landed on main: layout 1 (9032763, no `meta`) is refused. Layout
 * 2 first had JSON state records (6da87cf) and got binary ones without a new number (17983a9): a
 * store with JSON state records is refused too. From 17983a9 to 81d4792 leases were stored in the
 * state records, a leased head keyed in `ready` by its lease expiry: releaseStoredLeases frees them
 * at open. `targets` was added later without a new number: older versions ignore it.
 */

/** Stored under meta 'layout'; bump on any incompatible change of the layout above. */
export const LAYOUT_VERSION = 2;

/** Key of `seqs`. */
export type SeqKey = [stream: string, seq: number];
/** Key of `ready`. */
export type ReadyKey = [nextAttemptAt: number, stream: string];
/** Key of `finished`. */
export type FinishedKey = [finishedAt: number, id: string];

/** Value of `streams`. */
export interface StreamRecord {
  /** Last seq allocated; never reused, even after the entries are pruned. */
  last: number;
  /** Whether the stream has pending entries (then its head has a key in `ready`). */
  pending: boolean;
}

/** Value of `bodies`: the part of an entry fixed at enqueue. */
export interface BodyRecord {
  callback: string;
  body: unknown;
  createdAt: number;
  sessionId?: string;
}

/** Value of `targets`: where notifications meant for a configured URI go since a 308. */
export interface TargetRecord {
  configured: string;
  target: string;
}

/** The named databases of the layout. */
export interface LmdbDatabases {
  meta: Database<number, string>;
  sessions: Database<SessionRecord, string>;
  bodies: Database<BodyRecord, string>;
  states: Database<StateRecord, string>;
  seqs: Database<string, SeqKey>;
  streams: Database<StreamRecord, string>;
  ready: Database<string, ReadyKey>;
  finished: Database<string, FinishedKey>;
  targets: Database<TargetRecord, string>;
}

type Key = string | number | Array<string | number>;

/** Opens (creating if needed) the named databases of the layout. */
export function openDatabases(root: RootDatabase): LmdbDatabases {
  const json = <V, K extends Key>(name: string): Database<V, K> => root.openDB<V, K>({ name, encoding: 'json' });
  const ids = <K extends Key>(name: string): Database<string, K> => root.openDB<string, K>({ name, encoding: 'string' });
  // `encoder` is a documented database option the typings lack (they have it on the root only).
  const statesOptions: DatabaseOptions & { name: string; encoder: typeof stateCodec } = {
    name: 'states',
    encoding: 'binary',
    encoder: stateCodec,
  };
  return {
    meta: json('meta'),
    sessions: json('sessions'),
    bodies: json('bodies'),
    states: root.openDB<StateRecord, string>(statesOptions),
    seqs: ids('seqs'),
    streams: json('streams'),
    ready: ids('ready'),
    finished: ids('finished'),
    targets: json('targets'),
  };
}

/**
 * Accepts an empty environment (and stamps it with LAYOUT_VERSION) or one of this layout; rejects
 * with StoreVersionError anything else, before a single write.
 */
export async function checkLayout(root: RootDatabase, path: string): Promise<void> {
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
  const refuse = (found: string): StoreVersionError =>
    new StoreVersionError(
      `LMDB store at ${path}`,
      found,
      `layout version ${LAYOUT_VERSION}`,
      'remove the directory (losing its sessions and notifications) or run the server version that wrote it',
    );
  const found = named.includes('meta') ? meta().get('layout') : undefined;
  if (found === undefined) throw refuse('a layout older than layout versions');
  if (found !== LAYOUT_VERSION) throw refuse(`layout version ${String(found)}`);
  if (named.includes('states')) {
    const raw = root.openDB<Buffer, string>({ name: 'states', encoding: 'binary' });
    for (const { value } of raw.getRange({ limit: 1 })) {
      if (!isStateRecordFormat(value)) throw refuse(`layout version ${LAYOUT_VERSION} with JSON state records, as written before 17983a9`);
    }
  }
}

/**
 * Frees the leases stored by the versions that wrote them (17983a9 to 81d4792): the embedded store
 * belongs to one server process, so such a lease was held by a process that died mid-attempt, and
 * its entry is delivered at once instead of waiting for the lease to lapse. Only heads are claimed,
 * so only a head can carry one; a store written since writes nothing here.
 */
export async function releaseStoredLeases(root: RootDatabase, dbs: LmdbDatabases): Promise<void> {
  const held = [...dbs.ready.getRange({})].filter(({ value: id }) => {
    const raw = dbs.states.getBinary(id);
    return raw !== undefined && hasStoredLease(raw);
  });
  if (held.length === 0) return;
  await root.transaction(() => {
    for (const { key, value: id } of held) {
      const state = dbs.states.get(id);
      if (state === undefined) continue;
      // Encoded again without the lease; the head is keyed by its due time again.
      void dbs.states.put(id, state);
      void dbs.ready.remove(key);
      void dbs.ready.put([state.nextAttemptAt, state.stream], id);
    }
  });
  await root.flushed;
}
