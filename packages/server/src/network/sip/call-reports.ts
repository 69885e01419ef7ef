import type { KnownEventInitiator, KnownImsSessionEvent, KnownImsSessionState } from '@mmtel/types';

/** One event of a call as the session service records it: the IMS Session Notification's eventReport and the new state. */
export interface CallReport {
  event: KnownImsSessionEvent;
  state: KnownImsSessionState;
  initiator?: KnownEventInitiator;
  /** The SIP status (or `BYE`) behind a failure or a release, as the simulator gives it. */
  cause?: string;
  /** The media a party changed to (its re-INVITE's streams), keyed by mediaId. */
  mediaInfoList?: Record<string, { mediaId: string; mediaType: string }>;
}

/*
 * The SIP → event mapping (the table of docs/sip-adapter.md), in the simulator's terms
 * (simulator/scenarios.ts), so that the AS receives the same sequence from either network.
 */

/** The called party's first provisional response (100, 180, 183, …). */
export const PROGRESS: CallReport = { event: 'SESSION_ESTABLISHMENT_PROGRESS', state: 'INITIATING' };
/** The called party's first 180 Ringing. */
export const ALERTING: CallReport = { event: 'SESSION_ESTABLISHMENT_ALERTING', state: 'ALERTING' };
/** The called party's 2xx. */
export const ANSWERED: CallReport = { event: 'SESSION_ESTABLISHMENT_SUCCESS', state: 'ESTABLISHED', initiator: 'REMOTE_IMS_SUBSCRIBER' };

/** A final failure response of a party (486, 603, 480, …): its status is the cause. */
export function failed(cause: string, initiator: KnownEventInitiator = 'REMOTE_IMS_SUBSCRIBER'): CallReport {
  return { event: 'SESSION_ESTABLISHMENT_FAILURE', state: 'FAILED', initiator, cause };
}

/** A BYE from a party (the called one is the remote subscriber, the calling one the served), or a failed reconnection. */
export function released(initiator: KnownEventInitiator, cause = 'BYE'): CallReport {
  return { event: 'SESSION_TERMINATION', state: 'TERMINATED', initiator, cause };
}

/** Both parties took the media change a PUT or PATCH asked for (their re-INVITEs got 2xx). */
export const MEDIA_CHANGED: CallReport = { event: 'MEDIA_CHANGE_SUCCESS', state: 'ESTABLISHED', initiator: 'SERVED_IMS_SUBSCRIBER' };

/** A party changed the media itself (its re-INVITE with another direction); a Session Event Notification MEDIA_CHANGE_REQUEST goes first. */
export function remoteMediaChanged(mediaInfoList: NonNullable<CallReport['mediaInfoList']>): CallReport {
  return { event: 'MEDIA_CHANGE_SUCCESS', state: 'ESTABLISHED', initiator: 'REMOTE_IMS_SUBSCRIBER', mediaInfoList };
}

/** A party refused the media change (its re-INVITE's final status is the cause); the call goes on. */
export function mediaChangeFailed(cause: string): CallReport {
  return { event: 'MEDIA_CHANGE_FAILURE', state: 'ESTABLISHED', initiator: 'SERVED_IMS_SUBSCRIBER', cause };
}

/**
 * The cause reported for a called party that did not answer in time: the adapter's CANCEL
 * ends the INVITE with 487, but what happened to the call is "no answer", 480 as the simulator's
 * `no-answer` and as an IMS core reports it.
 */
export const NO_ANSWER_CAUSE = '480';
