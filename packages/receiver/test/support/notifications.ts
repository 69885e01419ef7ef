import type { ImsSessionEventNotification, SessionEventNotification, TestNotification } from '../../src/index.js';

/** A valid ImsSessionEventNotification. */
export function imsSessionEvent(overrides: Partial<ImsSessionEventNotification> = {}): ImsSessionEventNotification {
  return {
    session: 'http://127.0.0.1:8080/mmtel-callcontrol/v1/ims-sessions/s-1',
    sessionId: 's-1',
    notifCorreId: 'call-1',
    eventReports: [{ event: 'SESSION_ESTABLISHMENT_SUCCESS', timeStamp: '2025-06-01T12:00:00Z', sessionState: 'ESTABLISHED' }],
    ...overrides,
  };
}

/** A valid TestNotification (TS 29.122 clause 5.2.5.3). */
export function testNotification(): TestNotification {
  return { subscription: 'http://127.0.0.1:8080/mmtel-callcontrol/v1/ims-sessions/s-1' };
}

/** A valid SessionEventNotification of an incoming call. */
export function sessionEvent(overrides: Partial<SessionEventNotification> = {}): SessionEventNotification {
  return {
    notificationEvent: { eventType: 'SESSION_ESTABLISHMENT_REQUEST', eventInitiator: 'REMOTE_IMS_SUBSCRIBER' },
    sessionId: 's-2',
    sessionInfo: { callingIdentity: 'tel:+4930111111', calledIdentity: 'sip:alice@example.com', sessionCase: 'TERMINATING_IMS_SESSION' },
    ...overrides,
  };
}

export const IMS_PATH = '/ims-session-notification';
export const CALL_EVENT_PATH = '/session-event-notification';
