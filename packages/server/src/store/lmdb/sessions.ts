import { SessionExistsError } from '../store-errors.js';
import type { SessionStore } from '../store.js';
import type { Durably } from './durably.js';
import type { LmdbDatabases } from './layout.js';

/** The sessions of the LMDB store: one JSON record per session; every write durable (see durably.ts). */
export function createLmdbSessions({ sessions }: LmdbDatabases, durably: Durably): SessionStore {
  return {
    async insertSession(record) {
      await durably(() => {
        if (sessions.get(record.sessionId) !== undefined) throw new SessionExistsError(record.sessionId);
        void sessions.put(record.sessionId, record);
      });
    },

    async getSession(sessionId) {
      return sessions.get(sessionId);
    },

    async replaceSession(record) {
      return durably(() => {
        const current = sessions.get(record.sessionId);
        if (current === undefined || current.version !== record.version - 1) return false;
        void sessions.put(record.sessionId, record);
        return true;
      });
    },

    async deleteSession(sessionId) {
      return durably(() => {
        const current = sessions.get(sessionId);
        if (current !== undefined) void sessions.remove(sessionId);
        return current;
      });
    },

    async countSessions() {
      return (sessions.getStats() as { entryCount: number }).entryCount;
    },
  };
}
