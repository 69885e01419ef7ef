/** Thrown by `insertSession` when a session with the same id is already stored. */
export class SessionExistsError extends Error {
  readonly code = 'SESSION_EXISTS';

  constructor(readonly sessionId: string) {
    super(`Session ${sessionId} already exists`);
    this.name = 'SessionExistsError';
  }
}
