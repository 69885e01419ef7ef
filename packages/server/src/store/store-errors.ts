/** Thrown by `insertSession` when a session with the same id is already stored. */
export class SessionExistsError extends Error {
  readonly code = 'SESSION_EXISTS';

  constructor(readonly sessionId: string) {
    super(`Session ${sessionId} already exists`);
    this.name = 'SessionExistsError';
  }
}

/**
 * Thrown when a store is opened that another version of the server wrote in a layout (LMDB) or
 * schema (PostgreSQL) this version does not read. Nothing is migrated and nothing was changed.
 */
export class StoreVersionError extends Error {
  readonly code = 'STORE_VERSION';

  constructor(
    /** The store, as an operator finds it: the LMDB directory, or the PostgreSQL schema. */
    readonly where: string,
    /** The version found, or a description when the store carries none. */
    readonly found: string,
    /** The version this server reads. */
    readonly supported: string,
    /** What the operator can do about it. */
    remedy: string,
  ) {
    super(
      `${where} was written by another version of the server (${found}); this version reads ${supported} and does not migrate: ${remedy}`,
    );
    this.name = 'StoreVersionError';
  }
}

/** Seconds a client is asked to wait (Retry-After) when the store is unavailable. */
export const STORE_RETRY_AFTER_S = 5;

/**
 * The store cannot be reached right now: connection refused or lost, database restarting or out
 * of connections. Worth trying again later; a write whose connection broke mid-way may or may not
 * have been committed. The error handler answers it with 503 and Retry-After.
 */
export class StoreUnavailableError extends Error {
  readonly code = 'STORE_UNAVAILABLE';
  /** Seconds until a retry is worth it. */
  readonly retryAfterSec = STORE_RETRY_AFTER_S;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}
