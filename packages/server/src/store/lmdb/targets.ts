import type { TargetStore } from '../store.js';
import type { Durably } from './durably.js';
import type { LmdbDatabases } from './layout.js';

/** The notification URIs moved by a 308, in the LMDB store: one JSON record per name. */
export function createLmdbTargets({ targets }: LmdbDatabases, durably: Durably): TargetStore {
  /** The current target: a record for another configured URI is stale and does not apply. */
  const current = (name: string, configured: string): string => {
    const record = targets.get(name);
    return record?.configured === configured ? record.target : configured;
  };

  return {
    async currentTarget(name, configured) {
      return current(name, configured);
    },

    async moveTarget(name, configured, from, to) {
      return durably(() => {
        if (current(name, configured) !== from) return false;
        void targets.put(name, { configured, target: to });
        return true;
      });
    },
  };
}
