import type { RootDatabase } from 'lmdb';

/** Runs an action in a write transaction; resolves when the write is as durable as the store promises. */
export type Durably = <T>(action: () => T) => Promise<T>;

/**
 * The writes the Store contract calls durable. Each runs `action` in a write transaction; with
 * `synchronousCommit` (the default) it resolves once the commit is on disk (fsynced: waiting for
 * `root.flushed` also covers a crash of the machine; lmdb-js overlaps the syncs, so the requests
 * of one commit batch share one). Without it, it resolves once committed: visible to every reader
 * and surviving a kill of the process, fsynced right after in the background, so that a crash of
 * the machine or a power loss can lose the writes of the last moments (PostgreSQL's
 * `synchronous_commit = off`; `MMTEL_SYNCHRONOUS_COMMIT`).
 */
export function durableWrites(root: RootDatabase, synchronousCommit: boolean): Durably {
  if (!synchronousCommit) return (action) => root.transaction(action);
  return async (action) => {
    const result = await root.transaction(action);
    await root.flushed;
    return result;
  };
}
