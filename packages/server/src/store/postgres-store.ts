import { escapeIdentifier, Pool, types, type PoolClient } from 'pg';
import { createBatcher } from './batcher.js';
import { createEntryId } from './entry-id.js';
import { SessionExistsError } from './store-errors.js';
import type {
  DeliveryState,
  FinishUpdate,
  NewNotification,
  Outbox,
  OutboxEntry,
  SessionRecord,
  SessionStore,
  Store,
} from './store.js';

/*
 * Schema (created idempotently at open, under an advisory lock so that instances starting together
 * do not race on CREATE):
 *
 *   sessions        session_id PK, version (compare-and-set), the record's other fields
 *   outbox_streams  stream PK, last_seq: the per-stream seq allocator, and the row lock that
 *                   serializes the writes that move a stream's head (enqueue, finish, retarget)
 *   outbox          id PK, (stream, seq) UNIQUE, is_head: true on exactly the lowest pending entry
 *                   of each stream, kept so by enqueue and finish under the stream lock
 *   store_meta      key PK, value: schema version and the ping row
 *   outbox_enqueue(), outbox_finish(): PL/pgSQL, so that each is one round trip while its statements
 *                   still run one after the other, each with a snapshot taken after the stream lock
 *
 * Claim is one statement: lock up to `limit` due, unleased heads with FOR UPDATE SKIP LOCKED (a row
 * another instance is claiming is skipped; a row changed by a transaction that committed meanwhile
 * is re-checked, so a fresh lease or a finish excludes it) and stamp the lease. `is_head` moves only
 * under the stream lock and an entry never returns to pending, so no instance sees two heads of a stream.
 */

const SCHEMA_VERSION = '1';

const int8 = 20;
/** Epoch ms and seqs are int8 columns; they fit a double exactly, and the parser is per pool. */
const typeParsers = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === int8 && format !== 'binary' ? Number : types.getTypeParser(oid, format)) as typeof types.getTypeParser,
};

interface SessionRow {
  session_id: string;
  owner: string;
  session: SessionRecord['session'];
  features: string;
  version: number;
  created_at: string;
  updated_at: string;
}

interface EntryRow {
  id: string;
  stream: string;
  seq: number;
  callback: string;
  target: string;
  body: unknown;
  session_id: string | null;
  state: DeliveryState;
  attempts: number;
  next_attempt_at: number;
  created_at: number;
  lease_owner: string | null;
  lease_until: number | null;
  last_status: number | null;
  last_error: string | null;
  finished_at: number | null;
}

/**
 * Opens the PostgreSQL store, creating its tables if needed. `schema` (created if missing) isolates
 * one store from another in the same database; without it the tables live in the current schema.
 */
export async function openPostgresStore(options: {
  connectionString: string;
  schema?: string;
  /** Connections in the pool (default 10). */
  poolSize?: number;
}): Promise<Store> {
  const pool = new Pool({ connectionString: options.connectionString, types: typeParsers, max: options.poolSize ?? 10 });
  // An idle connection that dies is dropped by the pool and replaced at the next query; without a
  // listener the 'error' event would crash the process.
  pool.on('error', () => undefined);

  const prefix = options.schema === undefined ? '' : `${escapeIdentifier(options.schema)}.`;
  const sessions = `${prefix}sessions`;
  const streams = `${prefix}outbox_streams`;
  const outbox = `${prefix}outbox`;
  const meta = `${prefix}store_meta`;
  const enqueueFn = `${prefix}outbox_enqueue`;
  const finishFn = `${prefix}outbox_finish`;

  async function inTransaction<T>(action: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    let broken = false;
    // A checked-out client has no pool listener: a connection lost mid-transaction (PostgreSQL
    // restarting) would emit an unhandled 'error' and crash the process. The query in flight
    // rejects anyway; the listener only marks the client as not to be reused.
    const onError = () => {
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
      throw error;
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }

  /** Takes the stream's lock for the rest of the transaction; false if the stream is unknown. */
  async function lockStream(client: PoolClient, stream: string): Promise<boolean> {
    const { rowCount } = await client.query(`SELECT 1 FROM ${streams} WHERE stream = $1 FOR UPDATE`, [stream]);
    return rowCount === 1;
  }

  try {
    await inTransaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`mmtel-store:${options.schema ?? ''}`]);
      if (options.schema !== undefined) {
        await client.query(`CREATE SCHEMA IF NOT EXISTS ${escapeIdentifier(options.schema)}`);
      }
      await client.query(`
        CREATE TABLE IF NOT EXISTS ${sessions} (
          session_id text PRIMARY KEY,
          owner text NOT NULL,
          version integer NOT NULL,
          features text NOT NULL,
          session json NOT NULL,
          created_at text NOT NULL,
          updated_at text NOT NULL
        );
        CREATE TABLE IF NOT EXISTS ${streams} (
          stream text PRIMARY KEY,
          last_seq bigint NOT NULL
        );
        CREATE TABLE IF NOT EXISTS ${outbox} (
          id text PRIMARY KEY,
          stream text NOT NULL,
          seq bigint NOT NULL,
          callback text NOT NULL,
          target text NOT NULL,
          body json,
          session_id text,
          state text NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
          is_head boolean NOT NULL DEFAULT false,
          attempts integer NOT NULL,
          next_attempt_at bigint NOT NULL,
          created_at bigint NOT NULL,
          lease_owner text,
          lease_until bigint,
          last_status integer,
          last_error text,
          finished_at bigint,
          UNIQUE (stream, seq)
        );
        CREATE INDEX IF NOT EXISTS outbox_heads ON ${outbox} (next_attempt_at) WHERE is_head;
        CREATE INDEX IF NOT EXISTS outbox_pending ON ${outbox} (stream, seq) WHERE state = 'pending';
        CREATE INDEX IF NOT EXISTS outbox_finished ON ${outbox} (finished_at) WHERE state <> 'pending';
        CREATE TABLE IF NOT EXISTS ${meta} (
          key text PRIMARY KEY,
          value text NOT NULL
        );

        CREATE OR REPLACE FUNCTION ${enqueueFn}(
          p_ids text[], p_streams text[], p_callbacks text[], p_targets text[], p_bodies text[],
          p_session_ids text[], p_now bigint
        ) RETURNS TABLE (r_stream text, r_last_seq bigint) LANGUAGE plpgsql AS $fn$
        DECLARE
          v_streams text[];
          v_last bigint[];
        BEGIN
          -- Allocate seqs, locking the stream rows in one global order so that calls cannot deadlock.
          WITH alloc AS (
            INSERT INTO ${streams} AS s (stream, last_seq)
            SELECT u.stream, count(*) FROM unnest(p_streams) AS u(stream)
            GROUP BY u.stream ORDER BY u.stream COLLATE "C"
            ON CONFLICT (stream) DO UPDATE SET last_seq = s.last_seq + EXCLUDED.last_seq
            RETURNING s.stream, s.last_seq
          )
          SELECT array_agg(alloc.stream), array_agg(alloc.last_seq) INTO v_streams, v_last FROM alloc;
          -- A new statement, hence a new snapshot: it sees every entry committed before the locks were
          -- granted, so the first new entry of a stream is its head iff nothing else is pending.
          INSERT INTO ${outbox}
            (id, stream, seq, callback, target, body, session_id, state, is_head, attempts, next_attempt_at, created_at)
          SELECT e.id, e.stream, a.last_seq - c.n + e.k, e.callback, e.target, e.body::json, e.session_id, 'pending',
                 e.k = 1 AND NOT EXISTS (SELECT 1 FROM ${outbox} p WHERE p.stream = e.stream AND p.state = 'pending'),
                 0, p_now, p_now
          FROM (SELECT u.*, row_number() OVER (PARTITION BY u.stream ORDER BY u.ord) AS k
                FROM unnest(p_ids, p_streams, p_callbacks, p_targets, p_bodies, p_session_ids) WITH ORDINALITY
                  AS u(id, stream, callback, target, body, session_id, ord)) e
          JOIN unnest(v_streams, v_last) AS a(stream, last_seq) ON a.stream = e.stream
          JOIN (SELECT u.stream, count(*) AS n FROM unnest(p_streams) AS u(stream) GROUP BY u.stream) c
            ON c.stream = e.stream;
          RETURN QUERY SELECT * FROM unnest(v_streams, v_last);
        END
        $fn$;

        CREATE OR REPLACE FUNCTION ${finishFn}(
          p_ids text[], p_states text[], p_attempts integer[], p_targets text[], p_ats bigint[],
          p_statuses integer[], p_errors text[]
        ) RETURNS void LANGUAGE plpgsql AS $fn$
        DECLARE
          v_streams text[];
        BEGIN
          -- Lock the streams concerned in the same global order as enqueue.
          SELECT array_agg(l.stream) INTO v_streams FROM (
            SELECT s.stream FROM ${streams} s
            WHERE s.stream IN (SELECT o.stream FROM ${outbox} o WHERE o.id = ANY (p_ids) AND o.state = 'pending')
            ORDER BY s.stream COLLATE "C"
            FOR UPDATE
          ) l;
          IF v_streams IS NULL THEN RETURN; END IF;
          UPDATE ${outbox} o
          SET state = u.state, attempts = u.attempts, target = u.target, finished_at = u.at,
              last_status = u.status, last_error = u.error, lease_owner = NULL, lease_until = NULL, is_head = false
          FROM unnest(p_ids, p_states, p_attempts, p_targets, p_ats, p_statuses, p_errors)
            AS u(id, state, attempts, target, at, status, error)
          WHERE o.id = u.id AND o.state = 'pending';
          -- A new snapshot again: each stream's lowest pending entry becomes (or stays) its head.
          UPDATE ${outbox} o SET is_head = true
          FROM unnest(v_streams) AS s(stream)
          CROSS JOIN LATERAL (SELECT p.id FROM ${outbox} p WHERE p.stream = s.stream AND p.state = 'pending'
                              ORDER BY p.seq LIMIT 1) h
          WHERE o.id = h.id AND NOT o.is_head;
        END
        $fn$;
      `);
      const { rows } = await client.query<{ value: string }>(
        `INSERT INTO ${meta} (key, value) VALUES ('schema_version', $1)
         ON CONFLICT (key) DO UPDATE SET key = EXCLUDED.key RETURNING value`,
        [SCHEMA_VERSION],
      );
      const found = rows[0]?.value;
      if (found !== SCHEMA_VERSION) {
        throw new Error(`Store schema version ${found} is not the supported version ${SCHEMA_VERSION}`);
      }
    });
  } catch (error) {
    await pool.end();
    throw error;
  }

  // Concurrent enqueue and finish calls share round trips and transactions (group commit).
  const enqueueBatch = createBatcher<NewNotification[], OutboxEntry[]>(
    async (calls) => {
      const now = Date.now();
      const created = calls.map((items) => items.map((item) => newEntry(item, now)));
      const all = created.flat();
      const { rows } = await pool.query<{ r_stream: string; r_last_seq: number }>(
        `SELECT * FROM ${enqueueFn}($1, $2, $3, $4, $5, $6, $7)`,
        [
          all.map((e) => e.id),
          all.map((e) => e.stream),
          all.map((e) => e.callback),
          all.map((e) => e.target),
          all.map((e) => (e.body === undefined ? null : JSON.stringify(e.body))),
          all.map((e) => e.sessionId ?? null),
          now,
        ],
      );
      // The function numbered each stream's items last_seq - n + 1 … last_seq, in array order.
      const next = new Map<string, number>();
      for (const entry of all) next.set(entry.stream, (next.get(entry.stream) ?? 0) - 1);
      for (const row of rows) next.set(row.r_stream, row.r_last_seq + (next.get(row.r_stream) ?? 0) + 1);
      for (const entry of all) {
        entry.seq = next.get(entry.stream) ?? 0;
        next.set(entry.stream, entry.seq + 1);
      }
      return created;
    },
    { slots: 4, maxBatch: 200, retryAlone: rejectedByData },
  );

  const finishBatch = createBatcher<{ id: string; update: FinishUpdate }, void>(
    async (calls) => {
      // Idempotent (only pending entries change), so it may run again after a lost connection.
      await whileUnreachable(() =>
        pool.query(`SELECT ${finishFn}($1, $2, $3, $4, $5, $6, $7)`, [
          calls.map((c) => c.id),
          calls.map((c) => c.update.state),
          calls.map((c) => c.update.attempts),
          calls.map((c) => c.update.target),
          calls.map((c) => c.update.at),
          calls.map((c) => c.update.status ?? null),
          calls.map((c) => c.update.error ?? null),
        ]),
      );
      return calls.map(() => undefined);
    },
    { slots: 4, maxBatch: 500, retryAlone: rejectedByData },
  );

  const sessionStore: SessionStore = {
    async insertSession(record) {
      try {
        await pool.query(
          `INSERT INTO ${sessions} (session_id, owner, version, features, session, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          sessionParams(record),
        );
      } catch (error) {
        if ((error as { code?: string }).code === '23505') throw new SessionExistsError(record.sessionId);
        throw error;
      }
    },

    async getSession(sessionId) {
      const { rows } = await pool.query<SessionRow>(`SELECT * FROM ${sessions} WHERE session_id = $1`, [sessionId]);
      return rows[0] && toSession(rows[0]);
    },

    async replaceSession(record) {
      const { rowCount } = await pool.query(
        `UPDATE ${sessions} SET owner = $2, version = $3, features = $4, session = $5, created_at = $6, updated_at = $7
         WHERE session_id = $1 AND version = $3 - 1`,
        sessionParams(record),
      );
      return rowCount === 1;
    },

    async deleteSession(sessionId) {
      const { rows } = await pool.query<SessionRow>(`DELETE FROM ${sessions} WHERE session_id = $1 RETURNING *`, [
        sessionId,
      ]);
      return rows[0] && toSession(rows[0]);
    },

    async countSessions() {
      const { rows } = await pool.query<{ n: number }>(`SELECT count(*) AS n FROM ${sessions}`);
      return rows[0]?.n ?? 0;
    },
  };

  const outboxStore: Outbox = {
    async enqueue(items) {
      return items.length === 0 ? [] : enqueueBatch(items);
    },

    async claim({ owner, now, limit, leaseMs }) {
      if (limit <= 0) return [];
      const { rows } = await pool.query<EntryRow>(
        `UPDATE ${outbox} o SET lease_owner = $1, lease_until = $2
         FROM (SELECT id FROM ${outbox}
               WHERE is_head AND state = 'pending' AND next_attempt_at <= $3
                 AND (lease_until IS NULL OR lease_until <= $3)
               ORDER BY next_attempt_at, id
               LIMIT $4
               FOR UPDATE SKIP LOCKED) due
         WHERE o.id = due.id
         RETURNING o.*`,
        [owner, now + leaseMs, now, limit],
      );
      return rows
        .map(toEntry)
        .sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    },

    async finish(id, update) {
      await finishBatch({ id, update });
    },

    async retry(id, update) {
      // Idempotent: sets the same values however often it runs.
      await whileUnreachable(() =>
        pool.query(
          `UPDATE ${outbox}
           SET attempts = $2, next_attempt_at = $3, target = $4, last_status = $5, last_error = $6,
               lease_owner = NULL, lease_until = NULL
           WHERE id = $1 AND state = 'pending'`,
          [id, update.attempts, update.nextAttemptAt, update.target, update.status ?? null, update.error ?? null],
        ),
      );
    },

    async retarget(stream, from, to) {
      return inTransaction(async (client) => {
        if (!(await lockStream(client, stream))) return 0;
        const { rowCount } = await client.query(
          `UPDATE ${outbox} SET target = $3 WHERE stream = $1 AND state = 'pending' AND target = $2`,
          [stream, from, to],
        );
        return rowCount ?? 0;
      });
    },

    async get(id) {
      const { rows } = await pool.query<EntryRow>(`SELECT * FROM ${outbox} WHERE id = $1`, [id]);
      return rows[0] && toEntry(rows[0]);
    },

    async list(filter = {}) {
      const { rows } = await pool.query<EntryRow>(
        `SELECT * FROM ${outbox}
         WHERE ($1::text IS NULL OR stream = $1) AND ($2::text IS NULL OR state = $2)
         ORDER BY stream COLLATE "C", seq`,
        [filter.stream ?? null, filter.state ?? null],
      );
      return rows.map(toEntry);
    },

    async depth() {
      const { rows } = await pool.query<{ n: number }>(`SELECT count(*) AS n FROM ${outbox} WHERE state = 'pending'`);
      return rows[0]?.n ?? 0;
    },

    async nextDueAt() {
      const { rows } = await pool.query<{ at: number | null }>(
        `SELECT min(GREATEST(next_attempt_at, COALESCE(lease_until, 0))) AS at FROM ${outbox} WHERE is_head`,
      );
      return rows[0]?.at ?? undefined;
    },

    async prune(before) {
      const { rowCount } = await pool.query(
        `DELETE FROM ${outbox} WHERE state <> 'pending' AND finished_at < $1`,
        [before],
      );
      return rowCount ?? 0;
    },
  };

  return {
    kind: 'postgres',
    sessions: sessionStore,
    outbox: outboxStore,
    async ping() {
      const token = `${Date.now()}-${Math.random()}`;
      const { rows } = await pool.query<{ value: string }>(
        `INSERT INTO ${meta} (key, value) VALUES ('ping', $1)
         ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value RETURNING value`,
        [token],
      );
      if (rows[0]?.value !== token) throw new Error('PostgreSQL store did not read back its own write');
    },
    async close() {
      await pool.end();
    },
  };
}

/**
 * How long an outcome write (finish, retry) is tried again while PostgreSQL cannot be reached.
 * Without it, an attempt whose outcome could not be written waits for its lease (90 s) to lapse
 * and holds up its whole stream meanwhile; a restart of PostgreSQL takes seconds. Kept well under
 * the lease, so that a late write cannot land after another instance has taken the lapsed lease.
 */
const OUTCOME_RETRY_BUDGET_MS = 20_000;

/** Runs an idempotent write again, with growing pauses, while PostgreSQL is unreachable (up to the budget). */
async function whileUnreachable<T>(write: () => Promise<T>, budgetMs = OUTCOME_RETRY_BUDGET_MS): Promise<T> {
  const deadline = Date.now() + budgetMs;
  for (let pause = 50; ; pause = Math.min(pause * 2, 1_000)) {
    try {
      return await write();
    } catch (error) {
      if (!lostConnection(error) || Date.now() + pause > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}

const CONNECTION_ERROR_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/**
 * PostgreSQL could not be reached or dropped the connection (the statement itself was fine):
 * a socket error, SQLSTATE class 08 (connection exception), 57P01-57P03 (shutting down,
 * starting up), or pg's own "Connection terminated".
 */
function lostConnection(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && (CONNECTION_ERROR_CODES.has(code) || code.startsWith('08') || /^57P0[123]$/.test(code))) return true;
  return error instanceof Error && /^Connection terminated/.test(error.message);
}

/**
 * A data exception (SQLSTATE class 22) or constraint violation (class 23): the statement failed
 * before committing anything, so its requests can be retried one by one. Connection failures are
 * not, since the batch may have committed.
 */
function rejectedByData(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}

function newEntry(item: NewNotification, now: number): OutboxEntry {
  const entry: OutboxEntry = {
    id: createEntryId(now),
    stream: item.stream,
    seq: 0,
    callback: item.callback,
    target: item.target,
    body: item.body,
    state: 'pending',
    attempts: 0,
    nextAttemptAt: now,
    createdAt: now,
  };
  if (item.sessionId !== undefined) entry.sessionId = item.sessionId;
  return entry;
}

function sessionParams(record: SessionRecord): unknown[] {
  return [
    record.sessionId,
    record.owner,
    record.version,
    record.features,
    JSON.stringify(record.session),
    record.createdAt,
    record.updatedAt,
  ];
}

function toSession(row: SessionRow): SessionRecord {
  return {
    sessionId: row.session_id,
    owner: row.owner,
    session: row.session,
    features: row.features,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toEntry(row: EntryRow): OutboxEntry {
  const entry: OutboxEntry = {
    id: row.id,
    stream: row.stream,
    seq: row.seq,
    callback: row.callback,
    target: row.target,
    body: row.body,
    state: row.state,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    createdAt: row.created_at,
  };
  if (row.session_id !== null) entry.sessionId = row.session_id;
  if (row.lease_owner !== null) entry.leaseOwner = row.lease_owner;
  if (row.lease_until !== null) entry.leaseUntil = row.lease_until;
  if (row.last_status !== null) entry.lastStatus = row.last_status;
  if (row.last_error !== null) entry.lastError = row.last_error;
  if (row.finished_at !== null) entry.finishedAt = row.finished_at;
  return entry;
}
