import { leaseOption } from '../outbox-core.js';
import type { Store } from '../store.js';
import { connect, DEFAULT_TIMEOUTS } from './connection.js';
import { createPostgresOutbox } from './outbox.js';
import { createPostgresRateCounters } from './rate-counters.js';
import { createSchema, tableNames } from './schema.js';
import { createPostgresSessions } from './sessions.js';
import { createPostgresTargets } from './targets.js';

/** Options of {@link openPostgresStore}. */
export interface PostgresStoreOptions {
  connectionString: string;
  /** A schema (created if missing) that isolates one store from another in the same database; without it the tables live in the current schema. */
  schema?: string;
  /** Connections in the pool (default 10). */
  poolSize?: number;
  /** The lease a claim takes unless it names one, in ms (default 90 s); see `Outbox.leaseMs`. */
  leaseMs?: number;
  /** How long to wait for a connection to PostgreSQL before answering 503 (default 5 s). */
  connectTimeoutMs?: number;
  /** How long to wait for the answer to one statement before answering 503 (default 15 s). */
  queryTimeoutMs?: number;
  /**
   * Whether a commit answers only once its WAL is flushed (the default, PostgreSQL's own), or at
   * once, the flush following within PostgreSQL's `wal_writer_delay` (`synchronous_commit = off`).
   */
  synchronousCommit?: boolean;
}

/**
 * Opens the PostgreSQL store, creating its tables if needed (schema.sql). Several server
 * instances may open the same one at once. Rejects with StoreVersionError if another version of
 * the server created it, and with StoreUnavailableError if PostgreSQL cannot be reached.
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const leaseMs = leaseOption(options.leaseMs);
  const db = connect(
    options.connectionString,
    options.poolSize ?? 10,
    {
      connectMs: options.connectTimeoutMs ?? DEFAULT_TIMEOUTS.connectMs,
      queryMs: options.queryTimeoutMs ?? DEFAULT_TIMEOUTS.queryMs,
    },
    options.synchronousCommit ?? true,
  );
  try {
    await createSchema(db, options.schema);
  } catch (error) {
    await db.end();
    throw error;
  }
  const t = tableNames(options.schema);

  return {
    kind: 'postgres',
    sessions: createPostgresSessions(db, t),
    outbox: createPostgresOutbox(db, t, leaseMs),
    targets: createPostgresTargets(db, t),
    rateCounters: createPostgresRateCounters(db, t),
    async ping() {
      const token = `${Date.now()}-${Math.random()}`;
      const { rows } = await db.query<{ value: string }>(
        `INSERT INTO ${t.meta} (key, value) VALUES ('ping', $1)
         ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value RETURNING value`,
        [token],
      );
      if (rows[0]?.value !== token) throw new Error('PostgreSQL store did not read back its own write');
    },
    async close() {
      await db.end();
    },
  };
}
