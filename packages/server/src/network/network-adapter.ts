import type { SessionObserver } from '../sessions/session-service.js';

/** The networks an IMS session's call can be played on (`MMTEL_NETWORK`). */
export type NetworkKind = 'simulator' | 'sip';

/**
 * "The network" as the session service and the API need it: told when an IMS session is created
 * (start the call), modified (change its media) and released (end the call), it reports what
 * happens to the call back through `SessionService.report`, as IMS Session Notifications. The
 * simulated network and the SIP adapter implement it; every API behaviour is the same whichever
 * runs.
 */
export interface NetworkAdapter extends SessionObserver {
  readonly kind: NetworkKind;
  /** Opens what the network needs (sockets); called once the app is ready. */
  start(): Promise<void>;
  /** Ends every call it plays and closes what `start` opened; called when the app closes. */
  stop(): Promise<void>;
}
