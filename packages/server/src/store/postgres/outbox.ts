import { createBatcher } from '../batcher.js';
import { createEntryId } from '../entry-id.js';
import { newEntry, toOutboxEntry, type StoredEntry } from '../outbox-core.js';
import type { FinishUpdate, NewNotification, Outbox, OutboxEntry } from '../store.js';
import { rejectedByData, whileUnreachable, type PostgresPool } from './connection.js';
import type { TableNames } from './schema.js';
import { fromStoredOptional, fromStoredText, toStoredOptional, toStoredText } from './stored-text.js';

/*
 * Claim is one statement: lock up to `limit` due, unleased heads with FOR UPDATE SKIP LOCKED (a row
 * another instance is claiming is skipped; a row changed by a transaction that committed meanwhile
 * is re-checked, so a fresh lease or a finish excludes it) and stamp the lease. `is_head` moves only
 * under the stream lock and an entry never returns to pending, so no instance sees two heads of a
 * stream. Enqueue and finish are the PL/pgSQL functions of outbox-functions.sql.
 *
 * The text columns that may carry client input (stream and session id, target, last error) go
 * through stored-text.ts, so that a NUL or a lone surrogate in a notifUri is kept, not refused.
 */

/** The columns of an entry, named as OutboxEntry names them (absent optionals are null). */
const ENTRY_COLUMNS = [
  'id',
  'stream',
  'seq',
  'callback',
  'target',
  'body',
  'session_id AS "sessionId"',
  'state',
  'attempts',
  'next_attempt_at AS "nextAttemptAt"',
  'created_at AS "createdAt"',
  'lease_owner AS "leaseOwner"',
  'lease_until AS "leaseUntil"',
  'last_status AS "lastStatus"',
  'last_error AS "lastError"',
  'finished_at AS "finishedAt"',
];
const ENTRY = ENTRY_COLUMNS.join(', ');
/** The same, of the table aliased `o`. */
const O_ENTRY = ENTRY_COLUMNS.map((column) => `o.${column}`).join(', ');

/**
 * How long an outcome write (finish, retry) is tried again while PostgreSQL cannot be reached: a
 * quarter of the lease, at most 20 s. Without it, an attempt whose outcome could not be written
 * holds up its whole stream until its lease lapses, and a restart of PostgreSQL takes seconds. Kept
 * well under the lease, so that a late write does not land after another instance has taken the
 * lapsed lease (the attempt itself used part of the lease already).
 */
export function outcomeRetryBudgetMs(leaseMs: number): number {
  return Math.min(20_000, Math.floor(leaseMs / 4));
}

/** The outbox of the PostgreSQL store, shared by every instance on the same tables. */
export function createPostgresOutbox(db: PostgresPool, t: TableNames, leaseMs: number): Outbox {
  const budgetMs = outcomeRetryBudgetMs(leaseMs);

  // Concurrent enqueue and finish calls share round trips and transactions (group commit).
  const enqueueBatch = createBatcher<NewNotification[], OutboxEntry[]>(
    async (calls) => {
      const now = Date.now();
      const created = calls.map((items) => items.map((item) => newEntry(item, createEntryId(now), 0, now)));
      const all = created.flat();
      const { rows } = await db.query<{ r_stream: string; r_last_seq: number }>(
        `SELECT * FROM ${t.enqueueFn}($1, $2, $3, $4, $5, $6, $7)`,
        [
          all.map((e) => e.id),
          all.map((e) => toStoredText(e.stream)),
          all.map((e) => e.callback),
          all.map((e) => toStoredText(e.target)),
          all.map((e) => (e.body === undefined ? null : JSON.stringify(e.body))),
          all.map((e) => toStoredOptional(e.sessionId)),
          now,
        ],
      );
      // The function numbered each stream's items last_seq - n + 1 … last_seq, in array order.
      const next = new Map<string, number>();
      for (const entry of all) next.set(entry.stream, (next.get(entry.stream) ?? 0) - 1);
      for (const row of rows) next.set(fromStoredText(row.r_stream), row.r_last_seq + (next.get(row.r_stream) ?? 0) + 1);
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
      await whileUnreachable(
        () =>
          db.query(`SELECT ${t.finishFn}($1, $2, $3, $4, $5, $6, $7)`, [
            calls.map((c) => c.id),
            calls.map((c) => c.update.state),
            calls.map((c) => c.update.attempts),
            calls.map((c) => toStoredText(c.update.target)),
            calls.map((c) => c.update.at),
            calls.map((c) => c.update.status ?? null),
            calls.map((c) => toStoredOptional(c.update.error)),
          ]),
        budgetMs,
      );
      return calls.map(() => undefined);
    },
    { slots: 4, maxBatch: 500, retryAlone: rejectedByData },
  );

  return {
    leaseMs,

    async enqueue(items) {
      return items.length === 0 ? [] : enqueueBatch(items);
    },

    async claim({ owner, now, limit, leaseMs: ms = leaseMs }) {
      if (limit <= 0) return [];
      const { rows } = await db.query<StoredEntry>(
        `UPDATE ${t.outbox} o SET lease_owner = $1, lease_until = $2
         FROM (SELECT id FROM ${t.outbox}
               WHERE is_head AND state = 'pending' AND next_attempt_at <= $3
                 AND (lease_until IS NULL OR lease_until <= $3)
               ORDER BY next_attempt_at, id
               LIMIT $4
               FOR UPDATE SKIP LOCKED) due
         WHERE o.id = due.id
         RETURNING ${O_ENTRY}`,
        [owner, now + ms, now, limit],
      );
      return rows.map(fromRow).sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    },

    async finish(id, update) {
      await finishBatch({ id, update });
    },

    async retry(id, update) {
      // Idempotent: sets the same values however often it runs.
      await whileUnreachable(
        () =>
          db.query(
            `UPDATE ${t.outbox}
             SET attempts = $2, next_attempt_at = $3, target = $4, last_status = $5, last_error = $6,
                 lease_owner = NULL, lease_until = NULL
             WHERE id = $1 AND state = 'pending'`,
            [id, update.attempts, update.nextAttemptAt, toStoredText(update.target), update.status ?? null, toStoredOptional(update.error)],
          ),
        budgetMs,
      );
    },

    async retarget(streamName, fromTarget, toTarget) {
      const [stream, from, to] = [streamName, fromTarget, toTarget].map(toStoredText);
      return db.transaction(async (client) => {
        // The stream's lock, as enqueue and finish take it; an unknown stream has nothing pending.
        const { rowCount: known } = await client.query(`SELECT 1 FROM ${t.streams} WHERE stream = $1 FOR UPDATE`, [stream]);
        if (known !== 1) return 0;
        const { rowCount } = await client.query(
          `UPDATE ${t.outbox} SET target = $3 WHERE stream = $1 AND state = 'pending' AND target = $2`,
          [stream, from, to],
        );
        return rowCount ?? 0;
      });
    },

    async get(id) {
      const { rows } = await db.query<StoredEntry>(`SELECT ${ENTRY} FROM ${t.outbox} WHERE id = $1`, [id]);
      return rows[0] && fromRow(rows[0]);
    },

    async list(filter = {}) {
      const { rows } = await db.query<StoredEntry>(
        `SELECT ${ENTRY} FROM ${t.outbox}
         WHERE ($1::text IS NULL OR stream = $1) AND ($2::text IS NULL OR state = $2)
         ORDER BY stream COLLATE "C", seq`,
        [toStoredOptional(filter.stream), filter.state ?? null],
      );
      return rows.map(fromRow);
    },

    async depth() {
      const { rows } = await db.query<{ n: number }>(`SELECT count(*) AS n FROM ${t.outbox} WHERE state = 'pending'`);
      return rows[0]?.n ?? 0;
    },

    async nextDueAt() {
      const { rows } = await db.query<{ at: number | null }>(
        `SELECT min(GREATEST(next_attempt_at, COALESCE(lease_until, 0))) AS at FROM ${t.outbox} WHERE is_head`,
      );
      return rows[0]?.at ?? undefined;
    },

    async prune(before) {
      const { rowCount } = await db.query(`DELETE FROM ${t.outbox} WHERE state <> 'pending' AND finished_at < $1`, [before]);
      return rowCount ?? 0;
    },
  };
}

/** An entry as the caller enqueued and updated it. */
function fromRow(row: StoredEntry): OutboxEntry {
  return toOutboxEntry({
    ...row,
    stream: fromStoredText(row.stream),
    target: fromStoredText(row.target),
    sessionId: fromStoredOptional(row.sessionId),
    lastError: fromStoredOptional(row.lastError),
  });
}
