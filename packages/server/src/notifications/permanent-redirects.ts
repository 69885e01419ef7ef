import type { PermanentRedirectHandler } from './delivery-outcomes.js';
import type { SessionEventTarget } from './session-event-target.js';

/** What keeps the notifUri of IMS sessions (the session service). */
export interface NotifUriKeeper {
  /** Later notifications of the session go to `to`, if they went to `from`. */
  replaceNotifUri(sessionId: string, from: string, to: string): Promise<void>;
}

/**
 * Remembers a 308 of a notification where later notifications look for their URI: the
 * SessionEventNotificationUri for Session Event Notifications, the session's notifUri for the
 * IMS Session Notifications.
 * @see 3GPP TS 29.122 clause 5.2.10
 */
export function rememberPermanentRedirects(sessions: NotifUriKeeper, sessionEventTarget: SessionEventTarget): PermanentRedirectHandler {
  return async (entry, newTarget) => {
    if (entry.callback === 'sessionEventNotification') await sessionEventTarget.move(entry.target, newTarget);
    else if (entry.sessionId !== undefined) await sessions.replaceNotifUri(entry.sessionId, entry.target, newTarget);
  };
}
