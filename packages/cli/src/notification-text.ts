import type { ImsSessionEventNotification, NotificationBodies, NotificationKind, SessionEventNotification } from '@mmtel/receiver';
import type { Colors } from './output.js';

type ImsSessionEventReport = ImsSessionEventNotification['eventReports'][number];
type MediaInfoList = SessionEventNotification['mediaInfoList'];

/** The colour of an event's name: green answered, red failed or ended, plain in between. */
export function paintEvent(event: string, color: Colors): string {
  if (event.endsWith('_SUCCESS')) return color.green(event);
  if (event.endsWith('_FAILURE') || event === 'SESSION_TERMINATION') return color.red(event);
  return color.bold(event);
}

/** One IMS session event report on one line: the event, its cause, initiator, state and media. */
export function describeReport(report: ImsSessionEventReport, color: Colors): string {
  const details = [
    report.cause !== undefined && `cause ${report.cause}`,
    report.eventInitiator !== undefined && `by ${report.eventInitiator}`,
    report.sessionState !== undefined && `state ${report.sessionState}`,
    describeMedia(report.mediaInfoList),
  ].filter((part): part is string => typeof part === 'string' && part !== '');
  return `${paintEvent(report.event, color)}${details.length > 0 ? color.dim(`  ${details.join(', ')}`) : ''}`;
}

/** The media of a notification, e.g. `media 1 AUDIO, 2 VIDEO`. */
export function describeMedia(list: MediaInfoList): string {
  if (list === undefined) return '';
  const media = Object.values(list).map((info) => `${info.mediaId} ${info.mediaType}`);
  return media.length > 0 ? `media ${media.join(', ')}` : '';
}

/** A notification as lines a person reads: what it is, the session, and each event. */
export function describeNotification<K extends NotificationKind>(kind: K, body: NotificationBodies[K], color: Colors): string[] {
  switch (kind) {
    case 'imsSessionEvent': {
      const notification = body as ImsSessionEventNotification;
      return [
        `IMS Session Notification  session ${color.cyan(notification.sessionId ?? notification.session)}${
          notification.notifCorreId !== undefined ? color.dim(`  notifCorreId ${notification.notifCorreId}`) : ''
        }`,
        ...notification.eventReports.map((report) => `  ${describeReport(report, color)}`),
      ];
    }
    case 'sessionEvent': {
      const notification = body as SessionEventNotification;
      const { eventType, eventInitiator } = notification.notificationEvent;
      const info = notification.sessionInfo;
      const parties = info === undefined ? '' : `from ${info.callingIdentity ?? '?'} to ${info.calledIdentity ?? '?'}`;
      const details = [
        parties,
        info?.sessionCase,
        eventInitiator !== undefined && `by ${eventInitiator}`,
        describeMedia(notification.mediaInfoList),
      ].filter((part): part is string => typeof part === 'string' && part !== '');
      return [
        `Session Event Notification  session ${color.cyan(notification.sessionId)}`,
        `  ${paintEvent(eventType, color)}${details.length > 0 ? color.dim(`  ${details.join(', ')}`) : ''}`,
      ];
    }
    case 'testNotification':
      return [`Test Notification  subscription ${color.cyan((body as NotificationBodies['testNotification']).subscription)}`];
    default:
      return [`${kind} notification`];
  }
}
