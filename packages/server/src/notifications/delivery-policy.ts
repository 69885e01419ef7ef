import { NOTIFICATION_DEFAULTS } from '../config/defaults.js';

/** How notifications are delivered, retried and given up. */
export interface DeliveryPolicy {
  /** Bound on each phase of a request hop: connecting, awaiting the answer's headers, each pause in its body. */
  timeoutMs: number;
  /** Ceiling of the first retry delay; doubles per attempt (full jitter). */
  initialBackoffMs: number;
  /** Largest retry delay drawn from the backoff (a longer Retry-After is still honoured). */
  maxBackoffMs: number;
  /** Attempts before giving up. */
  maxAttempts: number;
  /** Give-up budget: no attempt is made, or scheduled, later than this after enqueueing. */
  maxAgeMs: number;
  /** Redirects followed per attempt (TS 29.122 clause 5.2.10 loop guard). */
  maxRedirects: number;
  /** Attempts in flight at once. */
  concurrency: number;
  /** Longest sleep between claims (finds entries of other instances and lapsed leases). */
  pollIntervalMs: number;
  /** Lease on a claimed entry; must outlast an attempt with all its redirect hops. */
  leaseMs: number;
}

/** The defaults of a server started without any variable (the configuration schema's), and the engine's own constants. */
export const DEFAULT_DELIVERY_POLICY: Readonly<DeliveryPolicy> = Object.freeze({
  timeoutMs: NOTIFICATION_DEFAULTS.timeoutMs,
  initialBackoffMs: NOTIFICATION_DEFAULTS.initialBackoffMs,
  maxBackoffMs: NOTIFICATION_DEFAULTS.maxBackoffMs,
  maxAttempts: NOTIFICATION_DEFAULTS.maxAttempts,
  maxAgeMs: NOTIFICATION_DEFAULTS.maxAgeMs,
  maxRedirects: 3,
  concurrency: NOTIFICATION_DEFAULTS.concurrency,
  pollIntervalMs: 1_000,
  leaseMs: NOTIFICATION_DEFAULTS.leaseMs,
});

/** The longest an attempt can take: three timed phases per hop (connect, headers, body), one hop per redirect plus the first. */
export function longestAttemptMs(policy: DeliveryPolicy): number {
  return 3 * policy.timeoutMs * (policy.maxRedirects + 1);
}
