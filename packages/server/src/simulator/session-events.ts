import type { CallEvent, KnownEventInitiator } from '@mmtel/types';
import type { Notifier } from '../notifications/notification-queue.js';
import type { SessionEventTarget } from '../notifications/session-event-target.js';
import type { NewNotification, SessionRecord } from '../store/store.js';

type SessionEventNotification = CallEvent.components['schemas']['SessionEventNotification'];
/** The media of a Session Event Notification. */
export type MediaInfoList = NonNullable<SessionEventNotification['mediaInfoList']>;

/** A network-originated session offered to a served user, as a Session Event Notification names it. */
export interface IncomingCall {
  callingIdentity: string;
  calledIdentity: string;
  mediaInfoList?: MediaInfoList;
}

/**
 * The Session Event Notifications of MMTel_CallEvent, built and enqueued for whichever network
 * plays the calls (the simulator's injected events, the SIP adapter's requests), so that the AS
 * gets the same notification for the same event from either. Each builder answers undefined when
 * no SessionEventNotificationUri is in force: there is nobody to notify.
 * @see 3GPP TS 29.392 clause 6.3.5.2 (SessionEventNotification)
 */
export class SessionEvents {
  constructor(
    private readonly notifier: Notifier,
    private readonly target: SessionEventTarget,
  ) {}

  /** Whether a SessionEventNotificationUri is in force. */
  get configured(): boolean {
    return this.target.uri !== undefined;
  }

  /** SESSION_ESTABLISHMENT_REQUEST for a new terminating session under a new session id. */
  establishmentRequest(call: IncomingCall, sessionId: string): NewNotification | undefined {
    return this.notification({
      notificationEvent: { eventType: 'SESSION_ESTABLISHMENT_REQUEST', eventInitiator: 'REMOTE_IMS_SUBSCRIBER' },
      sessionId,
      sessionInfo: { callingIdentity: call.callingIdentity, calledIdentity: call.calledIdentity, sessionCase: 'TERMINATING_IMS_SESSION' },
      ...(call.mediaInfoList !== undefined && { mediaInfoList: call.mediaInfoList }),
    });
  }

  /** MEDIA_CHANGE_REQUEST from the remote party of a session (its identities when it is an IMS session of MMTel_CallControl). */
  mediaChangeRequest(sessionId: string, record: SessionRecord | undefined, mediaInfoList: MediaInfoList): NewNotification | undefined {
    return this.notification({
      notificationEvent: { eventType: 'MEDIA_CHANGE_REQUEST', eventInitiator: 'REMOTE_IMS_SUBSCRIBER' },
      sessionId,
      ...sessionInfo(record),
      mediaInfoList,
    });
  }

  /** SESSION_TERMINATION: a party hung up (`initiator` says which). */
  termination(sessionId: string, record: SessionRecord | undefined, initiator: KnownEventInitiator): NewNotification | undefined {
    return this.notification({
      notificationEvent: { eventType: 'SESSION_TERMINATION', eventInitiator: initiator },
      sessionId,
      ...sessionInfo(record),
    });
  }

  /** Enqueues notifications built here (in order, on the session's stream), passing over the undefined ones (no URI); their ids. */
  async enqueue(items: readonly (NewNotification | undefined)[]): Promise<string[]> {
    const built = items.filter((item) => item !== undefined);
    if (built.length === 0) return [];
    return (await this.notifier.enqueue(built)).map((e) => e.id);
  }

  private notification(body: SessionEventNotification): NewNotification | undefined {
    const target = this.target.uri;
    if (target === undefined) return undefined;
    return { stream: `callevent:${body.sessionId}`, callback: 'sessionEventNotification', target, body, sessionId: body.sessionId };
  }
}

/** The identities of an IMS session of MMTel_CallControl: the AS placed it, so it originates at its calling party. */
function sessionInfo(record: SessionRecord | undefined): Pick<SessionEventNotification, 'sessionInfo'> {
  if (!record) return {};
  return {
    sessionInfo: {
      callingIdentity: record.session.imsSessionInfo.callingParty,
      calledIdentity: record.session.imsSessionInfo.calledParty,
      sessionCase: 'ORIGINATING_IMS_SESSION',
    },
  };
}
