import type { TargetStore } from '../store.js';
import type { PostgresPool } from './connection.js';
import type { TableNames } from './schema.js';
import { fromStoredText, toStoredText } from './stored-text.js';

/**
 * The notification URIs moved by a 308, in the PostgreSQL store: one row per name, shared by the
 * instances. URIs are stored through stored-text.ts (a `Location` is the receiver's input).
 */
export function createPostgresTargets(db: PostgresPool, t: TableNames): TargetStore {
  return {
    async currentTarget(name, configured) {
      const { rows } = await db.query<{ target: string }>(`SELECT target FROM ${t.targets} WHERE name = $1 AND configured = $2`, [
        toStoredText(name),
        toStoredText(configured),
      ]);
      return rows[0] === undefined ? configured : fromStoredText(rows[0].target);
    },

    async moveTarget(...given) {
      const [name, configured, from, to] = given.map(toStoredText) as [string, string, string, string];
      // One statement each, so that two instances moving at once cannot both win.
      const { rowCount } =
        from === configured
          ? // Current is `configured` when there is no row, or only a stale one for another configured URI.
            await db.query(
              `INSERT INTO ${t.targets} AS t (name, configured, target) VALUES ($1, $2, $3)
               ON CONFLICT (name) DO UPDATE SET configured = EXCLUDED.configured, target = EXCLUDED.target
               WHERE t.configured <> EXCLUDED.configured OR t.target = EXCLUDED.configured`,
              [name, configured, to],
            )
          : await db.query(`UPDATE ${t.targets} SET target = $4 WHERE name = $1 AND configured = $2 AND target = $3`, [
              name,
              configured,
              from,
              to,
            ]);
      return rowCount === 1;
    },
  };
}
