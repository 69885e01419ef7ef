export { backoffDelay, parseRetryAfter } from './backoff.js';
export { compileCallbackValidators, validateCallbackBody, type CallbackValidation, type InvalidParam } from './callback-validator.js';
export {
  NotificationSender,
  TERMINAL_404_CAUSES,
  type DeliveryOptions,
  type DeliveryOutcome,
  type RedirectHop,
  type TargetCheck,
} from './delivery.js';
export { DeliveryOutcomes, type EngineLogger, type EngineMetrics, type PermanentRedirectHandler } from './delivery-outcomes.js';
export { DEFAULT_DELIVERY_POLICY, type DeliveryPolicy } from './delivery-policy.js';
export { NotificationEngine, type NotificationEngineOptions } from './engine.js';
export { NotificationQueue, NotificationSchemaError, type Notifier } from './notification-queue.js';
export { rememberPermanentRedirects, type NotifUriKeeper } from './permanent-redirects.js';
export { SESSION_EVENT_TARGET, SessionEventTarget } from './session-event-target.js';
export { WebSocketHub } from './websocket-hub.js';
