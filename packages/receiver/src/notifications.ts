import type { CallbackReplies, CallControl, CallEvent } from '@mmtel/types';
import type { NotificationOutcome } from './outcomes.js';

/**
 * One or more IMS session events of an Individual IMS Session (provisional TS 29.175 type).
 * @see 3GPP TS 29.392 clause 6.4.5.2
 */
export type ImsSessionEventNotification = CallControl.components['schemas']['ImsSessionEventNotification'];

/**
 * The notification a server sends to check that the chosen delivery method works; it shares
 * the IMS Session Notification callback.
 * @see 3GPP TS 29.122 clause 5.2.5.3
 */
export type TestNotification = CallControl.components['schemas']['TestNotification'];

/**
 * A Session Event Notification of MMTel_CallEvent, sent to the locally configured
 * SessionEventNotificationUri.
 * @see 3GPP TS 29.392 clause 6.3.5.2.2 (the data type is TS 29.175's)
 */
export type SessionEventNotification = CallEvent.components['schemas']['SessionEventNotification'];

/** The RedirectResponse body a CallEvent receiver may send with a 307/308 (TS 29.571). */
export type RedirectResponse = CallEvent.components['schemas']['RedirectResponse'];

/** A TS 29.122 ProblemDetails body. */
export type ProblemDetails = CallControl.components['schemas']['ProblemDetails'];

/** One offending attribute of a rejected notification: `param` is a JSON Pointer into the body. */
export type InvalidParam = CallControl.components['schemas']['InvalidParam'];

/**
 * The name of a callback in `@mmtel/types`' generated table: `imsSessionNotification`
 * (MMTel_CallControl) or `sessionEventNotification` (MMTel_CallEvent).
 */
export type CallbackName = keyof CallbackReplies;

/** What a notification is, told apart by its shape (several share one callback). */
export type NotificationKind = 'imsSessionEvent' | 'testNotification' | 'sessionEvent';

/** The body type of each kind of notification. */
export interface NotificationBodies {
  imsSessionEvent: ImsSessionEventNotification;
  testNotification: TestNotification;
  sessionEvent: SessionEventNotification;
}

/** The callback (in `@mmtel/types`' callback table) that carries each kind of notification. */
export const callbackOfKind = {
  imsSessionEvent: 'imsSessionNotification',
  testNotification: 'imsSessionNotification',
  sessionEvent: 'sessionEventNotification',
} as const satisfies Record<NotificationKind, CallbackName>;

/** The HTTP statuses a receiver of callback `C` may answer, from the generated table. */
export type ReplyStatus<C extends CallbackName> = CallbackReplies[C]['status'];

/** How a notification arrived. */
export type NotificationContext<C extends CallbackName = CallbackName> =
  | {
      readonly callback: C;
      readonly transport: 'http';
      /** The request's headers (lower-case names). */
      readonly headers: Readonly<Record<string, string | string[] | undefined>>;
    }
  | {
      readonly callback: C;
      readonly transport: 'websocket';
      /** The websocketUri the notification arrived on. */
      readonly websocketUri: string;
    };

/**
 * What a handler of callback `C` returns: nothing to acknowledge (204 No Content), or an outcome
 * (`notFound`, `redirect`, `problem`) whose status the callback's `responses` define.
 */
export type HandlerResult<C extends CallbackName> = void | undefined | NotificationOutcome<ReplyStatus<C>>;

/** A handler of one kind of notification. */
export type NotificationHandler<K extends NotificationKind> = (
  notification: NotificationBodies[K],
  context: NotificationContext<(typeof callbackOfKind)[K]>,
) => HandlerResult<(typeof callbackOfKind)[K]> | Promise<HandlerResult<(typeof callbackOfKind)[K]>>;

/**
 * The Application Server's handlers. A callback is served when one of its handlers is given;
 * an IMS Session Notification receiver needs `onImsSessionEvent`, and acknowledges test
 * notifications by itself when `onTestNotification` is absent.
 */
export interface NotificationHandlers {
  /** An ImsSessionEventNotification (IMS Session Notification callback of MMTel_CallControl). */
  onImsSessionEvent?: NotificationHandler<'imsSessionEvent'>;
  /** A TestNotification (TS 29.122 clause 5.2.5.3) on the IMS Session Notification callback. */
  onTestNotification?: NotificationHandler<'testNotification'>;
  /** A SessionEventNotification (Session Event Notification callback of MMTel_CallEvent). */
  onSessionEvent?: NotificationHandler<'sessionEvent'>;
}

/** The handler property of each kind of notification. */
export const handlerOfKind = {
  imsSessionEvent: 'onImsSessionEvent',
  testNotification: 'onTestNotification',
  sessionEvent: 'onSessionEvent',
} as const satisfies Record<NotificationKind, keyof NotificationHandlers>;
