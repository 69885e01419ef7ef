import type { RateCounters } from '../store.js';
import type { PostgresPool } from './connection.js';
import type { TableNames } from './schema.js';
import { toStoredText } from './stored-text.js';

/**
 * The rate counters of the PostgreSQL store: one row per key (an AF), counted by one atomic
 * upsert per request, so that every instance on the database counts into the same window. The
 * window starts with its first request, as @fastify/rate-limit's own in-memory store does, and
 * its start and end are PostgreSQL's clock, not the instances': clocks that differ between hosts
 * cannot stretch or split a window. The key is the AF's name (client input: stored-text.ts).
 * Rows are one per AF that ever sent a request and are reused, so the table stays that small.
 */
export function createPostgresRateCounters(db: PostgresPool, t: TableNames): RateCounters {
  return {
    async hit(key, windowMs) {
      const { rows } = await db.query<{ hits: number; ttl: number }>(
        `WITH now AS (SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS ms)
         INSERT INTO ${t.rateLimits} AS r (key, window_start, hits)
         SELECT $1, now.ms, 1 FROM now
         ON CONFLICT (key) DO UPDATE SET
           window_start = CASE WHEN r.window_start + $2 <= EXCLUDED.window_start THEN EXCLUDED.window_start ELSE r.window_start END,
           hits = CASE WHEN r.window_start + $2 <= EXCLUDED.window_start THEN 1 ELSE r.hits + 1 END
         RETURNING r.hits, r.window_start + $2 - (SELECT ms FROM now) AS ttl`,
        [toStoredText(key), windowMs],
      );
      const row = rows[0];
      if (row === undefined) throw new Error('PostgreSQL store: the rate counter upsert returned no row');
      return { count: row.hits, ttlMs: Math.max(0, row.ttl) };
    },
  };
}
