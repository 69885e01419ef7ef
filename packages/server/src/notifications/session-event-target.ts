import type { TargetStore } from '../store/store.js';

/** The name under which the store keeps the moved SessionEventNotificationUri: the callback's name. */
export const SESSION_EVENT_TARGET = 'sessionEventNotification';

/**
 * The SessionEventNotificationUri in force: the configured one, or where a 308 moved it (by this
 * or another instance, before a restart too: the move is kept in the store). Undefined when none
 * is configured.
 * @see 3GPP TS 29.122 clause 5.2.10
 */
export class SessionEventTarget {
  private constructor(
    private readonly targets: TargetStore,
    private readonly configured: string | undefined,
    private current: string | undefined,
  ) {}

  /** The target to start with: where a 308 moved the configured URI, else the configured URI. */
  static async open(targets: TargetStore, configured: string | undefined): Promise<SessionEventTarget> {
    const current = configured === undefined ? undefined : await targets.currentTarget(SESSION_EVENT_TARGET, configured);
    return new SessionEventTarget(targets, configured, current);
  }

  /** Where Session Event Notifications go now. */
  get uri(): string | undefined {
    return this.current;
  }

  /**
   * After a 308 from `from`, later notifications go to `to`; the store keeps the move so that a
   * restart keeps it too. Kept for the configured URI only: a changed configuration starts afresh.
   */
  async move(from: string, to: string): Promise<void> {
    if (this.current === from) this.current = to;
    if (this.configured !== undefined) await this.targets.moveTarget(SESSION_EVENT_TARGET, this.configured, from, to);
  }
}
