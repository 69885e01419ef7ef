import type { TargetStore } from '../store/store.js';

/** The name under which the store keeps the moved SessionEventNotificationUri: the callback's name. */
export const SESSION_EVENT_TARGET = 'sessionEventNotification';

/**
 * The SessionEventNotificationUri to start with: where a 308 moved the configured one (by this or
 * another instance, before a restart too), else the configured one; undefined when none is configured.
 * @see 3GPP TS 29.122 clause 5.2.10
 */
export async function currentSessionEventTarget(targets: TargetStore, configured: string | undefined): Promise<string | undefined> {
  return configured === undefined ? undefined : targets.currentTarget(SESSION_EVENT_TARGET, configured);
}

/**
 * Stores that Session Event Notifications go to `to` after a 308 from `from`, so that a restart
 * keeps the new URI. Kept for the configured URI only: a changed configuration starts afresh.
 * @see 3GPP TS 29.122 clause 5.2.10
 */
export async function moveSessionEventTarget(targets: TargetStore, configured: string | undefined, from: string, to: string): Promise<void> {
  if (configured !== undefined) await targets.moveTarget(SESSION_EVENT_TARGET, configured, from, to);
}
