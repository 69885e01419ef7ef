export { backoffDelay, parseRetryAfter } from './backoff.js';
export { compileCallbackValidators, validateCallbackBody, type CallbackValidation, type InvalidParam } from './callback-validator.js';
export { NotificationSender, TERMINAL_404_CAUSES, type DeliveryOptions, type DeliveryOutcome, type RedirectHop, type TargetCheck } from './delivery.js';
export {
  DEFAULT_DELIVERY_POLICY,
  NotificationEngine,
  NotificationSchemaError,
  type DeliveryPolicy,
  type EngineLogger,
  type EngineMetrics,
  type NotificationEngineOptions,
} from './engine.js';
export { WebSocketHub } from './websocket-hub.js';
export { currentSessionEventTarget, moveSessionEventTarget, SESSION_EVENT_TARGET } from './session-event-target.js';
