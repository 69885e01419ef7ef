import { parseJsonText } from '@mmtel/validation';
import { WebSocket, type RawData } from 'ws';
import { dispatchNotification, servedCallbacks } from './dispatch.js';
import { NotificationError, type NotificationErrorHook } from './notification-error.js';
import { compileNotificationValidators } from './notification-validator.js';
import type { CallbackName, NotificationHandlers } from './notifications.js';

/** Options of `connectNotificationWebSocket`. */
export interface NotificationWebSocketOptions {
  /** Told of every message not handled: not JSON, binary, invalid, or failed in the handler. */
  onError?: NotificationErrorHook;
  /** The callback whose notifications the socket carries. Default: the IMS Session Notification. */
  callback?: CallbackName;
  /** Headers of the opening handshake, e.g. `authorization`. */
  headers?: Record<string, string>;
  /** How long the opening handshake may take, ms. Default: 10 000. */
  handshakeTimeoutMs?: number;
}

/** How a notification WebSocket closed. */
export interface NotificationWebSocketClose {
  code: number;
  reason: string;
}

/** An open notification WebSocket. */
export interface NotificationWebSocket {
  readonly websocketUri: string;
  /** Settles when the socket has closed, by either side, once every message received is handled. */
  readonly closed: Promise<NotificationWebSocketClose>;
  /** Resolves once every message received so far is handled. */
  idle(): Promise<void>;
  /** Closes the socket (1000 by default) and waits until it is closed. */
  close(code?: number, reason?: string): Promise<NotificationWebSocketClose>;
}

/**
 * Opens the `websocketUri` the server returned in `websockNotifConfig` (feature
 * Notification_websocket) and dispatches each text message, the JSON body the server would have
 * POSTed, to the same handlers as the HTTP receiver, one at a time in arrival order and
 * validated the same way. A message that cannot be handled goes to `onError`; nothing is thrown.
 * Resolves once the socket is open; rejects if it cannot be opened.
 * @see 3GPP TS 29.122 clause 5.2.5.4
 */
export async function connectNotificationWebSocket(
  websocketUri: string | URL,
  handlers: NotificationHandlers,
  options: NotificationWebSocketOptions = {},
): Promise<NotificationWebSocket> {
  const callback = options.callback ?? 'imsSessionNotification';
  if (!servedCallbacks(handlers).includes(callback))
    throw new TypeError(`no handler for the ${callback} notifications this socket carries`);
  compileNotificationValidators([callback]);
  const uri = String(websocketUri);
  const socket = new WebSocket(uri, { headers: options.headers ?? {}, handshakeTimeout: options.handshakeTimeoutMs ?? 10_000 });
  const report = (error: NotificationError) => {
    try {
      options.onError?.(error);
    } catch {
      // The hook is the only place to report to; a failing hook must not stop the socket.
    }
  };

  let queue = Promise.resolve();
  socket.on('message', (data: RawData, isBinary: boolean) => {
    queue = queue.then(() => handleMessage(data, isBinary));
  });

  async function handleMessage(data: RawData, isBinary: boolean): Promise<void> {
    if (isBinary) {
      report(
        new NotificationError('UNSUPPORTED_MEDIA_TYPE', 'a binary WebSocket message: notifications are text messages', {
          transport: 'websocket',
          callback,
        }),
      );
      return;
    }
    let body: unknown;
    try {
      // The rule the HTTP path's parser applies: prototype keys are refused, not kept.
      body = parseJsonText(textOf(data));
    } catch (cause) {
      report(new NotificationError('INVALID_JSON', 'a WebSocket message that is not JSON', { transport: 'websocket', callback, cause }));
      return;
    }
    const dispatched = await dispatchNotification(handlers, body, { callback, transport: 'websocket', websocketUri: uri });
    if (dispatched.kind !== 'answered') return report(dispatched.error);
    if (dispatched.outcome !== undefined) {
      report(
        new NotificationError(
          'OUTCOME_NOT_DELIVERABLE',
          `the handler answered ${dispatched.outcome.status} to a notification that came over a WebSocket`,
          {
            transport: 'websocket',
            callback,
            body,
          },
        ),
      );
    }
  }

  const closed = new Promise<NotificationWebSocketClose>((resolve) => {
    socket.once('close', (code: number, reason: Buffer) => {
      void queue.then(() => resolve({ code, reason: reason.toString('utf8') }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => {
      socket.off('open', onOpen);
      reject(err);
    };
    const onOpen = () => {
      socket.off('error', onError);
      resolve();
    };
    socket.once('open', onOpen);
    socket.once('error', onError);
  });
  // After opening, a transport error is followed by 'close'; without a listener it would crash the process.
  socket.on('error', () => {});

  return {
    websocketUri: uri,
    closed,
    idle: () => queue,
    close(code = 1000, reason = '') {
      if (socket.readyState === WebSocket.CONNECTING || socket.readyState === WebSocket.OPEN) socket.close(code, reason);
      return closed;
    },
  };
}

function textOf(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return data instanceof ArrayBuffer ? Buffer.from(data).toString('utf8') : data.toString('utf8');
}
