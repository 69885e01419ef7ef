import type { RootDatabase } from 'lmdb';
import { jsonText } from '../../http/json-text.js';
import type { BodyRecord, LmdbDatabases } from './layout.js';

/** The layout version this module migrates from. */
export const LAYOUT_2 = 2;

/** A body record as layout 2 wrote it: the body as a JSON value. */
interface Layout2Body {
  callback: string;
  body: unknown;
  createdAt: number;
  sessionId?: string;
}

/**
 * Rewrites a layout 2 store as layout 3 (see layout.ts), in one transaction, so that a crash
 * leaves either layout whole: every pending entry gets its `pending` key, every body becomes
 * its JSON text, the streams lose their `pending` flag, and the `ready` heads and the `pending`
 * counter are deleted. A state record that still carries a lease stored by the versions from
 * 17983a9 to 81d4792 is written again without it: the process that held it is gone.
 */
export async function migrateLayout2(root: RootDatabase, dbs: LmdbDatabases): Promise<void> {
  const { meta, states, pending, streams, bodies } = dbs;
  const ready = root.openDB<string, [number, string]>({ name: 'ready', encoding: 'string' });
  const oldBodies = root.openDB<Layout2Body | BodyRecord, string>({ name: 'bodies', encoding: 'json' });
  await root.transaction(() => {
    for (const { key: id, value: state } of states.getRange({})) {
      if (state.state !== 'pending') continue;
      void pending.put(id, '1');
      void states.put(id, state);
    }
    for (const { key: id, value } of oldBodies.getRange({})) {
      if (!('body' in value)) continue;
      const record: BodyRecord = { callback: value.callback, text: jsonText(value.body), createdAt: value.createdAt };
      if (value.sessionId !== undefined) record.sessionId = value.sessionId;
      void bodies.put(id, record);
    }
    for (const { key, value } of streams.getRange({})) void streams.put(key, { last: value.last });
    for (const key of ready.getKeys({})) void ready.remove(key);
    void meta.remove('pending');
    void meta.put('layout', 3);
  });
  await root.flushed;
}
