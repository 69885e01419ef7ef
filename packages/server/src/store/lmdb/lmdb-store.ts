import { mkdir } from 'node:fs/promises';
import { open, type RootDatabase } from 'lmdb';
import { leaseOption } from '../outbox-core.js';
import type { Store } from '../store.js';
import { durableWrites } from './durably.js';
import { checkLayout, openDatabases } from './layout.js';
import { createLmdbOutbox } from './outbox.js';
import { createLmdbSessions } from './sessions.js';
import { createLmdbTargets } from './targets.js';

/** Options of {@link openLmdbStore}. */
export interface LmdbStoreOptions {
  /** The directory of the LMDB environment (created if missing). */
  path: string;
  /** The lease a claim takes unless it names one, in ms (default 90 s); see `Outbox.leaseMs`. */
  leaseMs?: number;
  /**
   * Whether a durable write resolves only once fsynced (the default), or once committed, fsynced
   * in the background right after (see durably.ts).
   */
  synchronousCommit?: boolean;
}

/**
 * Opens (creating if needed) the LMDB store under `options.path`: sessions, the outbox and the
 * moved notification URIs in one environment (see layout.ts). Meant for one server process: it
 * keeps its leases and an index of the pending notifications in memory, rebuilt from the store at
 * open, so reopening the path (after a crash too) finds everything as committed.
 * Rejects with StoreVersionError if the directory holds another layout.
 */
export async function openLmdbStore(options: LmdbStoreOptions): Promise<Store> {
  const leaseMs = leaseOption(options.leaseMs);
  await mkdir(options.path, { recursive: true });
  // Commits are visible (and survive a process kill) when a write resolves; writes the contract
  // calls durable additionally wait for `root.flushed` (fsync) unless synchronousCommit is off.
  const root: RootDatabase = open({ path: options.path, maxDbs: 12, encoding: 'json' });
  try {
    await checkLayout(root, options.path);
  } catch (error) {
    await root.close();
    throw error;
  }
  const dbs = openDatabases(root);
  const durably = durableWrites(root, options.synchronousCommit ?? true);
  const outbox = createLmdbOutbox(root, dbs, leaseMs, durably);

  return {
    kind: 'lmdb',
    sessions: createLmdbSessions(dbs, durably),
    outbox,
    targets: createLmdbTargets(dbs, durably),
    async ping() {
      const token = Date.now() + Math.random();
      await dbs.meta.put('ping', token);
      if (dbs.meta.get('ping') !== token) throw new Error('LMDB store did not read back its own write');
    },
    async close() {
      await root.flushed;
      await root.close();
    },
  };
}
