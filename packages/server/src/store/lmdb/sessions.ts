import { SessionExistsError } from '../store-errors.js';
import type { SessionStore } from '../store.js';
import type { Durably } from './durably.js';
import type { LmdbDatabases } from './layout.js';

/**
 * LMDB's key limit (its default build, which lmdb-js uses): a lookup with a longer key throws
 * instead of finding nothing. The store allocates short ids, so such a key names no session.
 */
const MAX_KEY_BYTES = 1978;

/** Whether `sessionId` can be a key at all (UTF-8 bytes, as lmdb-js encodes a string key). */
function canBeKey(sessionId: string): boolean {
  return sessionId.length * 3 <= MAX_KEY_BYTES || Buffer.byteLength(sessionId, 'utf8') <= MAX_KEY_BYTES;
}

/** The sessions of the LMDB store: one JSON record per session; every write durable (see durably.ts). */
export function createLmdbSessions({ sessions }: LmdbDatabases, durably: Durably): SessionStore {
  return {
    // The writes return durably's promise itself rather than awaiting it in an async method of
    // their own: one promise and one suspended frame fewer on every create and release.
    insertSession(record) {
      return durably(() => {
        if (sessions.get(record.sessionId) !== undefined) throw new SessionExistsError(record.sessionId);
        void sessions.put(record.sessionId, record);
      });
    },

    async getSession(sessionId) {
      return canBeKey(sessionId) ? sessions.get(sessionId) : undefined;
    },

    async replaceSession(record) {
      if (!canBeKey(record.sessionId)) return false;
      return durably(() => {
        const current = sessions.get(record.sessionId);
        if (current === undefined || current.version !== record.version - 1) return false;
        void sessions.put(record.sessionId, record);
        return true;
      });
    },

    deleteSession(sessionId, owner) {
      if (!canBeKey(sessionId)) return Promise.resolve(undefined);
      return durably(() => {
        const current = sessions.get(sessionId);
        if (current === undefined || (owner !== undefined && current.owner !== owner)) return undefined;
        void sessions.remove(sessionId);
        return current;
      });
    },

    async countSessions() {
      return (sessions.getStats() as { entryCount: number }).entryCount;
    },
  };
}
