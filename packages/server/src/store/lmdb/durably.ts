import type { RootDatabase } from 'lmdb';

/**
 * Runs `action` in a write transaction and resolves once it is on disk (fsynced), for the writes
 * the Store contract calls durable. A commit alone is visible and survives a kill of the process;
 * waiting for `root.flushed` also covers a crash of the machine (lmdb-js overlaps the syncs).
 */
export async function durably<T>(root: RootDatabase, action: () => T): Promise<T> {
  const result = await root.transaction(action);
  await root.flushed;
  return result;
}
