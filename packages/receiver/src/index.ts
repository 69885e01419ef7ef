// Re-exports only: the public API of @mmtel/receiver.
export { createReceiver, type ReceiverOptions } from './create-receiver.js';
export { notificationReceiver, type NotificationPaths, type NotificationReceiverOptions } from './fastify-plugin.js';
export {
  NotificationError,
  type NotificationErrorCode,
  type NotificationErrorDetails,
  type NotificationErrorHook,
} from './notification-error.js';
export {
  compileNotificationValidators,
  validateNotification,
  type InvalidNotification,
  type ValidNotification,
} from './notification-validator.js';
export {
  connectNotificationWebSocket,
  type NotificationWebSocket,
  type NotificationWebSocketClose,
  type NotificationWebSocketOptions,
} from './notification-websocket.js';
export type {
  CallbackName,
  HandlerResult,
  ImsSessionEventNotification,
  InvalidParam,
  NotificationBodies,
  NotificationContext,
  NotificationHandler,
  NotificationHandlers,
  NotificationKind,
  ProblemDetails,
  RedirectResponse,
  ReplyStatus,
  SessionEventNotification,
  TestNotification,
} from './notifications.js';
export {
  isNotificationOutcome,
  notFound,
  problem,
  redirect,
  type NotFoundCause,
  type NotificationOutcome,
  type ProblemOptions,
  type ProblemStatus,
  type RedirectOptions,
} from './outcomes.js';
export { ReceiverCause, type ReceiverCauseName } from './problems.js';
