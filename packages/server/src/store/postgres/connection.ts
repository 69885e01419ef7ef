import pg, { type PoolClient, type QueryResult, type QueryResultRow } from 'pg';
import { StoreUnavailableError } from '../store-errors.js';

const int8 = 20;
/** Epoch ms and seqs are int8 columns; they fit a double exactly, and the parser is per pool. */
const typeParsers = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === int8 && format !== 'binary'
      ? Number
      : (pg.types.getTypeParser(oid, format) as (value: string) => unknown)) as typeof pg.types.getTypeParser,
};

/** What runs statements: the pool, or the client of a transaction. */
export interface Queryable {
  query<R extends QueryResultRow = QueryResultRow>(text: string, values?: unknown[]): Promise<QueryResult<R>>;
}

/**
 * A connection pool whose failures to reach PostgreSQL reject with StoreUnavailableError (the
 * statement itself was fine); every other error is PostgreSQL's own.
 */
export interface PostgresPool extends Queryable {
  /** Runs `action` in a transaction on one client: COMMIT if it resolves, ROLLBACK if it throws. */
  transaction<T>(action: (client: Queryable) => Promise<T>): Promise<T>;
  end(): Promise<void>;
}

/** How long the pool waits for PostgreSQL, by default: a connection, and the answer to one statement. */
export const DEFAULT_TIMEOUTS = { connectMs: 5_000, queryMs: 15_000 };

/**
 * Opens a pool of `poolSize` connections (they are made on demand). A PostgreSQL that drops
 * packets instead of refusing them would otherwise hold a request until the kernel gives up on the
 * connection (minutes): a connection not made within `connectMs`, or a statement not answered
 * within `queryMs`, fails as StoreUnavailableError (503 with Retry-After) and the connection is
 * dropped. Every statement of the store is short; `queryMs` bounds a wait, not a workload.
 */
export function connect(
  connectionString: string,
  poolSize: number,
  timeouts: { connectMs: number; queryMs: number } = DEFAULT_TIMEOUTS,
  synchronousCommit = true,
): PostgresPool {
  const pool = new pg.Pool({
    connectionString,
    // Without synchronous commit, every connection of the pool sets it off at its start (what the
    // LMDB store does with the same setting: a commit answers before its WAL is flushed).
    ...(!synchronousCommit && { options: '-c synchronous_commit=off' }),
    types: typeParsers,
    max: poolSize,
    connectionTimeoutMillis: timeouts.connectMs,
    query_timeout: timeouts.queryMs,
    // A connection whose peer vanished is noticed by the kernel's keep-alive probes, not only at the next statement.
    keepAlive: true,
  });
  // An idle connection that dies is dropped by the pool and replaced at the next query; without a
  // listener the 'error' event would crash the process.
  pool.on('error', () => undefined);

  return {
    async query<R extends QueryResultRow>(text: string, values?: unknown[]) {
      try {
        return await pool.query<R>(text, values);
      } catch (error) {
        throw unavailableOr(error);
      }
    },

    async transaction<T>(action: (client: Queryable) => Promise<T>): Promise<T> {
      let client: PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        throw unavailableOr(error);
      }
      let broken = false;
      // A checked-out client has no pool listener: a connection lost mid-transaction (PostgreSQL
      // restarting) would emit an unhandled 'error' and crash the process. The query in flight
      // rejects anyway; the listener only marks the client as not to be reused.
      const onError = (): void => {
        broken = true;
      };
      client.on('error', onError);
      try {
        await client.query('BEGIN');
        const result = await action(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
        throw unavailableOr(error);
      } finally {
        client.off('error', onError);
        client.release(broken);
      }
    },

    end: () => pool.end(),
  };
}

/**
 * Runs an idempotent write again, with growing pauses, while PostgreSQL is unreachable, for up to
 * `budgetMs`; then rejects with the last StoreUnavailableError.
 */
export async function whileUnreachable<T>(write: () => Promise<T>, budgetMs: number): Promise<T> {
  const deadline = Date.now() + budgetMs;
  for (let pause = 50; ; pause = Math.min(pause * 2, 1_000)) {
    try {
      return await write();
    } catch (error) {
      if (!(error instanceof StoreUnavailableError) || Date.now() + pause > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}

/**
 * A data exception (SQLSTATE class 22) or constraint violation (class 23): the statement failed
 * before committing anything, so the requests of a batch can be retried one by one. Connection
 * failures are not, since the batch may have committed.
 */
export function rejectedByData(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}

const CONNECTION_ERROR_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/**
 * PostgreSQL could not be reached or dropped the connection (the statement itself was fine):
 * a socket error, SQLSTATE class 08 (connection exception), 57P01-57P03 (shutting down, starting
 * up), 53300 (no connection slot free), pg's own "Connection terminated" and "not queryable", or
 * no connection or no answer within the pool's timeouts.
 */
function lostConnection(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (
    typeof code === 'string' &&
    (CONNECTION_ERROR_CODES.has(code) || code.startsWith('08') || /^57P0[123]$/.test(code) || code === '53300')
  )
    return true;
  // pg's and pg-pool's own words for a connection that could not be made in time or a statement
  // not answered in time (connectionTimeoutMillis, query_timeout).
  return (
    error instanceof Error &&
    /^Connection terminated|is not queryable|^timeout exceeded when trying to connect|^Query read timeout/.test(error.message)
  );
}

/** The error as callers see it: StoreUnavailableError for a connection failure, else unchanged. */
function unavailableOr(error: unknown): unknown {
  if (error instanceof StoreUnavailableError || !lostConnection(error)) return error;
  return new StoreUnavailableError(`PostgreSQL cannot be reached: ${(error as Error).message}`, { cause: error });
}
