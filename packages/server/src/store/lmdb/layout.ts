import type { Database, DatabaseOptions, RootDatabase } from 'lmdb';
import { StoreVersionError } from '../store-errors.js';
import type { SessionRecord } from '../store.js';
import { migrateLayout2, LAYOUT_2 } from './migrate-layout-2.js';
import { isStateRecordFormat, stateCodec } from './state-codec.js';
import type { StateRecord } from './state-record.js';

/*
 * Layout (version 3): one LMDB environment, named databases, ordered-binary keys.
 *
 *   meta      'layout' | 'ping'              -> number (JSON)  layout version; /readyz token
 *   sessions  sessionId                      -> SessionRecord (JSON)
 *   bodies    id                             -> BodyRecord (JSON)   what never changes: written once, removed by prune;
 *                                                                   the body as the JSON text delivery sends
 *   states    id                             -> StateRecord (binary, see state-codec.ts): what delivery changes
 *   seqs      [stream, seq]                  -> id        list order; a stream's entries are adjacent
 *   streams   stream                         -> { last } (JSON)  seq allocator
 *   pending   id                             -> '1'       the pending entries, and only them
 *   finished  [finishedAt, id]               -> '1'       prune
 *   targets   name                           -> TargetRecord (JSON)  notification URIs moved by a 308
 *
 * What is claimable is decided in memory (pending-index.ts): the embedded store belongs to one
 * server process, so that process sees every change, and `pending` lets it rebuild the index at
 * open by reading only what is pending. Finish is then three writes and no read (the state
 * claimed is kept with the lease); layout 2 kept the heads in a `ready` database and paid four
 * reads and five writes per finish to keep it and a pending counter current. `pending` is keyed by
 * id, i.e. by creation time, like `states`: the entries a commit finishes are the oldest ones, and
 * their keys sit in few B-tree pages (keyed by stream, they dirtied a page per stream).
 *
 * Leases are kept in memory too: a process that stops loses its leases anyway, so writing them
 * only cost a commit per claim. A lease is dropped once the finish or retry of its entry is
 * committed, so no claim can see the entry pending and unleased before its outcome is visible.
 *
 * The body is stored as the JSON text that delivery sends (json-text.ts), made once at enqueue:
 * sending it does not serialize it again.
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
 * 2 (`ready` heads, a `pending` counter in meta, bodies as JSON values) is migrated to layout 3 at
 * open (migrate-layout-2.ts), in one transaction. Layout 2 first had JSON state records (6da87cf)
 * and got binary ones without a new number (17983a9): a store with JSON state records is refused.
 * From 17983a9 to 81d4792 leases were stored in the state records: the migration drops them.
 * `targets` was added to layout 2 later without a new number: older versions ignore it.
 */

/** Stored under meta 'layout'; bump on any incompatible change of the layout above. */
export const LAYOUT_VERSION = 3;

/** Key of `seqs`. */
export type SeqKey = [stream: string, seq: number];
/** Key of `finished`. */
export type FinishedKey = [finishedAt: number, id: string];

/** Value of `streams`. */
export interface StreamRecord {
  /** Last seq allocated; never reused, even after the entries are pruned. */
  last: number;
}

/** Value of `bodies`: the part of an entry fixed at enqueue. */
export interface BodyRecord {
  callback: string;
  /** The body as the JSON text delivery sends (json-text.ts). */
  text: string;
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
  pending: Database<string, string>;
  finished: Database<string, FinishedKey>;
  targets: Database<TargetRecord, string>;
}

type Key = string | number | Array<string | number>;

/** Opens (creating if needed) the named databases of the layout. */
export function openDatabases(root: RootDatabase): LmdbDatabases {
  const json = <V, K extends Key>(name: string): Database<V, K> => root.openDB<V, K>({ name, encoding: 'json' });
  const ids = <K extends Key>(name: string): Database<string, K> => root.openDB<string, K>({ name, encoding: 'string' });
  // `encoder` is a documented database option the typings lack (they have it on the root only).
  // `cache`: lmdb-js keeps what was just written or read (a weak LRU), so the claim that follows
  // an enqueue, and the finish that follows a claim, take the record without decoding it again
  // (store-only claim 5.5-6 µs instead of 8-9). Records are never changed in place (state-record.ts).
  const statesOptions: DatabaseOptions & { name: string; encoder: typeof stateCodec } = {
    name: 'states',
    encoding: 'binary',
    encoder: stateCodec,
    cache: true,
  };
  return {
    meta: json('meta'),
    sessions: json('sessions'),
    bodies: root.openDB<BodyRecord, string>({ name: 'bodies', encoding: 'json', cache: true }),
    states: root.openDB<StateRecord, string>(statesOptions),
    seqs: ids('seqs'),
    streams: json('streams'),
    pending: ids('pending'),
    finished: ids('finished'),
    targets: json('targets'),
  };
}

/**
 * Accepts an empty environment (and stamps it with LAYOUT_VERSION), one of this layout, or one of
 * layout 2 (migrated to this layout first, in one transaction); rejects with StoreVersionError
 * anything else, before a single write.
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
      `layout versions ${LAYOUT_2} and ${LAYOUT_VERSION}`,
      'remove the directory (losing its sessions and notifications) or run the server version that wrote it',
    );
  const found = named.includes('meta') ? meta().get('layout') : undefined;
  if (found === undefined) throw refuse('a layout older than layout versions');
  if (found === LAYOUT_VERSION) return;
  if (found !== LAYOUT_2) throw refuse(`layout version ${String(found)}`);
  if (named.includes('states')) {
    const raw = root.openDB<Buffer, string>({ name: 'states', encoding: 'binary' });
    for (const { value } of raw.getRange({ limit: 1 })) {
      if (!isStateRecordFormat(value)) throw refuse(`layout version ${LAYOUT_2} with JSON state records, as written before 17983a9`);
    }
  }
  await migrateLayout2(root, openDatabases(root));
}
