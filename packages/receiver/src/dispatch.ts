import { NotificationError } from './notification-error.js';
import { validateNotification } from './notification-validator.js';
import {
  handlerOfKind,
  type CallbackName,
  type NotificationContext,
  type NotificationHandlers,
  type ProblemDetails,
} from './notifications.js';
import { isNotificationOutcome, responseOf, type NotificationOutcome } from './outcomes.js';
import { receiverProblem } from './problems.js';

/** What became of one notification, whatever carried it. */
export type Dispatched =
  /** The handler took it: 204, or the outcome it answered. */
  | { kind: 'answered'; outcome: NotificationOutcome | undefined }
  /** The sender's fault: answered 400 (invalid body). */
  | { kind: 'rejected'; problem: ProblemDetails & { status: number }; error: NotificationError }
  /** The receiver's fault (the handler threw or answered an undefined status): answered 500. */
  | { kind: 'failed'; problem: ProblemDetails & { status: number }; error: NotificationError };

/** The callbacks `handlers` serve, checked: an IMS Session Notification receiver needs onImsSessionEvent. */
export function servedCallbacks(handlers: NotificationHandlers): CallbackName[] {
  const served: CallbackName[] = [];
  if (handlers.onTestNotification !== undefined && handlers.onImsSessionEvent === undefined) {
    throw new TypeError('onTestNotification needs onImsSessionEvent: both arrive on the IMS Session Notification callback');
  }
  if (handlers.onImsSessionEvent !== undefined) served.push('imsSessionNotification');
  if (handlers.onSessionEvent !== undefined) served.push('sessionEventNotification');
  if (served.length === 0) throw new TypeError('no notification handler: give onImsSessionEvent, onSessionEvent or both');
  return served;
}

/**
 * Validates `body` against the schema of its callback, tells its kind by its shape, calls the
 * kind's handler and checks its outcome against the callback's `responses`. Never throws.
 */
export async function dispatchNotification(
  handlers: NotificationHandlers,
  body: unknown,
  context: NotificationContext,
): Promise<Dispatched> {
  const { callback, transport } = context;
  const checked = validateNotification(callback, body);
  if (!checked.valid) {
    const error = new NotificationError('INVALID_NOTIFICATION', `the ${callback} body does not match its schema`, {
      transport,
      callback,
      invalidParams: checked.invalidParams,
      body,
    });
    return { kind: 'rejected', problem: receiverProblem(checked.cause, checked.detail, checked.invalidParams), error };
  }
  const handler = handlers[handlerOfKind[checked.kind]] as ((notification: unknown, context: NotificationContext) => unknown) | undefined;
  // Only a test notification may arrive without its handler: acknowledging it is its whole point.
  if (handler === undefined) return { kind: 'answered', outcome: undefined };
  let result: unknown;
  try {
    result = await handler(checked.notification, context);
  } catch (cause) {
    const error = new NotificationError('HANDLER_FAILED', `the ${handlerOfKind[checked.kind]} handler failed: ${describe(cause)}`, {
      transport,
      callback,
      body,
      cause,
    });
    return { kind: 'failed', problem: receiverProblem('SYSTEM_FAILURE', 'The notification handler failed.'), error };
  }
  if (!isNotificationOutcome(result)) return { kind: 'answered', outcome: undefined };
  if (responseOf(callback, result.status) === undefined) {
    const error = new NotificationError(
      'OUTCOME_NOT_ALLOWED',
      `the ${handlerOfKind[checked.kind]} handler answered ${result.status}, which the ${callback} callback does not define`,
      {
        transport,
        callback,
        body,
      },
    );
    return {
      kind: 'failed',
      problem: receiverProblem('SYSTEM_FAILURE', 'The notification handler gave an answer the callback does not define.'),
      error,
    };
  }
  return { kind: 'answered', outcome: result };
}

function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
