import type { CallbackName, InvalidParam } from './notifications.js';

/**
 * Why a notification was not handled:
 * - `INVALID_JSON`: the body (or WebSocket message) is not JSON;
 * - `UNSUPPORTED_MEDIA_TYPE`: not `application/json`, or a binary WebSocket message;
 * - `PAYLOAD_TOO_LARGE`: the body exceeds the receiver's limit;
 * - `INVALID_NOTIFICATION`: the callback's schema rejects the body (`invalidParams` says where);
 * - `HANDLER_FAILED`: the handler threw (the error is `cause`);
 * - `OUTCOME_NOT_ALLOWED`: the handler answered a status the callback's `responses` do not define;
 * - `OUTCOME_NOT_DELIVERABLE`: the handler answered other than an acknowledgement to a
 *   notification that came over a WebSocket, which has no way to carry it back;
 * - `UNKNOWN_PATH`: a POST to a path the receiver does not serve (answered 404): most likely a
 *   `notifUri` that does not match the receiver's paths (`path` and `served` say which).
 */
export type NotificationErrorCode =
  | 'INVALID_JSON'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'PAYLOAD_TOO_LARGE'
  | 'INVALID_NOTIFICATION'
  | 'HANDLER_FAILED'
  | 'OUTCOME_NOT_ALLOWED'
  | 'OUTCOME_NOT_DELIVERABLE'
  | 'UNKNOWN_PATH';

/** Details of a NotificationError. */
export interface NotificationErrorDetails {
  transport: 'http' | 'websocket';
  callback?: CallbackName | undefined;
  invalidParams?: InvalidParam[] | undefined;
  /** The parsed body, when there is one. */
  body?: unknown;
  /** The underlying error (the handler's exception, the JSON parser's error). */
  cause?: unknown;
  /** The path the notification was posted to (`UNKNOWN_PATH`). */
  path?: string | undefined;
  /** What the receiver serves, e.g. `POST /ims-session-notification` (`UNKNOWN_PATH`). */
  served?: string[] | undefined;
}

/** A notification the receiver could not handle, as reported to the `onError` hook. */
export class NotificationError extends Error {
  override name = 'NotificationError';
  readonly code: NotificationErrorCode;
  readonly transport: 'http' | 'websocket';
  readonly callback: CallbackName | undefined;
  readonly invalidParams: InvalidParam[] | undefined;
  readonly body: unknown;
  /** The path posted to, for `UNKNOWN_PATH`. */
  readonly path: string | undefined;
  /** The routes the receiver serves (`POST /ims-session-notification`, …), for `UNKNOWN_PATH`. */
  readonly served: string[] | undefined;

  constructor(code: NotificationErrorCode, message: string, details: NotificationErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.transport = details.transport;
    this.callback = details.callback;
    this.invalidParams = details.invalidParams;
    this.body = details.body;
    this.path = details.path;
    this.served = details.served;
  }
}

/** Receives every notification the receiver could not handle; it should not throw. */
export type NotificationErrorHook = (error: NotificationError) => void;
