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
    super(`${where} was written by another version of the server (${found}); this version reads ${supported} and does not migrate: ${remedy}`);
    this.name = 'StoreVersionError';
  }
}
