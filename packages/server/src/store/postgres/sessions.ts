import { SessionExistsError } from '../store-errors.js';
import type { SessionRecord, SessionStore } from '../store.js';
import type { PostgresPool } from './connection.js';
import type { TableNames } from './schema.js';
import { fromStoredText, toStoredText } from './stored-text.js';

/** The columns of a session, named as SessionRecord names them. */
const SESSION = 'session_id AS "sessionId", owner, session, features, version, created_at AS "createdAt", updated_at AS "updatedAt"';

/**
 * The sessions of the PostgreSQL store: one row per session, the version a compare-and-set guard.
 * The id (a lookup may come straight from a request path) and the owner (the AF's name from its
 * token or certificate) are stored through stored-text.ts: an id holding NUL is simply not found.
 */
export function createPostgresSessions(db: PostgresPool, t: TableNames): SessionStore {
  return {
    async insertSession(record) {
      try {
        await db.query(
          `INSERT INTO ${t.sessions} (session_id, owner, version, features, session, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          sessionParams(record),
        );
      } catch (error) {
        if ((error as { code?: string }).code === '23505') throw new SessionExistsError(record.sessionId);
        throw error;
      }
    },

    async getSession(sessionId) {
      const { rows } = await db.query<SessionRecord>(`SELECT ${SESSION} FROM ${t.sessions} WHERE session_id = $1`, [
        toStoredText(sessionId),
      ]);
      return rows[0] && fromRow(rows[0]);
    },

    async replaceSession(record) {
      const { rowCount } = await db.query(
        `UPDATE ${t.sessions} SET owner = $2, version = $3, features = $4, session = $5, created_at = $6, updated_at = $7
         WHERE session_id = $1 AND version = $3 - 1`,
        sessionParams(record),
      );
      return rowCount === 1;
    },

    async deleteSession(sessionId, owner) {
      const { rows } =
        owner === undefined
          ? await db.query<SessionRecord>(`DELETE FROM ${t.sessions} WHERE session_id = $1 RETURNING ${SESSION}`, [toStoredText(sessionId)])
          : await db.query<SessionRecord>(`DELETE FROM ${t.sessions} WHERE session_id = $1 AND owner = $2 RETURNING ${SESSION}`, [
              toStoredText(sessionId),
              toStoredText(owner),
            ]);
      return rows[0] && fromRow(rows[0]);
    },

    async countSessions() {
      const { rows } = await db.query<{ n: number }>(`SELECT count(*) AS n FROM ${t.sessions}`);
      return rows[0]?.n ?? 0;
    },
  };
}

function sessionParams(record: SessionRecord): unknown[] {
  // JSON.stringify writes NUL and lone surrogates as \u escapes, which the json type keeps as they are.
  return [
    toStoredText(record.sessionId),
    toStoredText(record.owner),
    record.version,
    record.features,
    JSON.stringify(record.session),
    record.createdAt,
    record.updatedAt,
  ];
}

/** A row as the caller stored it. */
function fromRow(row: SessionRecord): SessionRecord {
  return { ...row, sessionId: fromStoredText(row.sessionId), owner: fromStoredText(row.owner) };
}
