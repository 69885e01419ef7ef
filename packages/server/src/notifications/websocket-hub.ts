import { WebSocket } from 'ws';
import { jsonText } from '../http/json-text.js';

/** How much unsent data a socket may hold before notifications fall back to HTTP POST. */
const DEFAULT_MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

function ignoreError(): void {}

/**
 * The notification WebSockets: at most one per IMS session. One socket may serve several
 * sessions (a client reusing a known websocketUri).
 * @see 3GPP TS 29.122 clause 5.2.5.4
 */
export class WebSocketHub {
  readonly #bySession = new Map<string, WebSocket>();
  readonly #sessionsOf = new Map<WebSocket, Set<string>>();
  readonly #maxBufferedBytes: number;

  constructor(options: { maxBufferedBytes?: number } = {}) {
    this.#maxBufferedBytes = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
  }

  /**
   * Routes the notifications of `sessionId` to `socket` until it closes. A socket attached
   * before for the same session is replaced, and closed if it serves no other session.
   */
  attach(sessionId: string, socket: WebSocket): void {
    const previous = this.#bySession.get(sessionId);
    if (previous === socket) return;
    if (previous !== undefined) {
      this.#unlink(sessionId, previous);
      if (!this.#sessionsOf.has(previous)) previous.close(1000, 'replaced');
    }
    this.#bySession.set(sessionId, socket);
    let sessions = this.#sessionsOf.get(socket);
    if (sessions === undefined) {
      sessions = new Set();
      this.#sessionsOf.set(socket, sessions);
      // A write error is followed by 'close'; without a listener it would crash the process.
      socket.on('error', ignoreError);
      socket.once('close', () => {
        socket.off('error', ignoreError);
        for (const id of this.#sessionsOf.get(socket) ?? []) {
          if (this.#bySession.get(id) === socket) this.#bySession.delete(id);
        }
        this.#sessionsOf.delete(socket);
      });
    }
    sessions.add(sessionId);
  }

  /** Stops routing the notifications of `sessionId` to a socket, leaving the socket open. */
  detach(sessionId: string): void {
    const socket = this.#bySession.get(sessionId);
    if (socket !== undefined) this.#unlink(sessionId, socket);
  }

  /** Whether `sessionId` has an open socket. */
  has(sessionId: string): boolean {
    return this.#bySession.get(sessionId)?.readyState === WebSocket.OPEN;
  }

  /**
   * Writes `body` as one text message carrying its JSON (TS 29.122 clause 5.2.5.4). False when
   * the session has no open socket, or the socket is too backed up: the caller then POSTs.
   */
  send(sessionId: string, body: unknown): boolean {
    const socket = this.#bySession.get(sessionId);
    if (socket === undefined || socket.readyState !== WebSocket.OPEN) return false;
    if (socket.bufferedAmount > this.#maxBufferedBytes) return false;
    socket.send(jsonText(body), { binary: false });
    return true;
  }

  /** Number of sessions with a socket. */
  get size(): number {
    return this.#bySession.size;
  }

  /** Closes every socket (server shutdown: 1001 going away). */
  closeAll(code = 1001, reason = 'server shutting down'): void {
    for (const socket of this.#sessionsOf.keys()) socket.close(code, reason);
    this.#bySession.clear();
    this.#sessionsOf.clear();
  }

  #unlink(sessionId: string, socket: WebSocket): void {
    this.#bySession.delete(sessionId);
    const sessions = this.#sessionsOf.get(socket);
    sessions?.delete(sessionId);
    // The close listener stays; it finds no sessions left and does nothing.
    if (sessions !== undefined && sessions.size === 0) this.#sessionsOf.delete(socket);
  }
}
