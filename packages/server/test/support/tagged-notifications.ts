/**
 * Notifications a test can recognise at the receiver: each injected media change carries a
 * mediaId `m<seq>`, and both notifications it produces (the IMS Session Notification and the
 * Session Event Notification) carry that map, so a received body names its stream and its place
 * in it.
 */

/** The body of POST /sim/v1/sessions/{id}/media-changes for the `seq`-th change of a session. */
export function mediaChange(seq: number): { mediaInfoList: Record<string, { mediaId: string; mediaType: string }> } {
  return { mediaInfoList: { [`m${seq}`]: { mediaId: `m${seq}`, mediaType: 'AUDIO' } } };
}

/** Where a tagged notification belongs: its delivery stream (as the server names it) and its place. */
export interface NotificationTag {
  /** `session:<id>` (IMS Session Notification) or `callevent:<id>` (Session Event Notification). */
  stream: string;
  /** The media change it reports, from 1, in the order the test injected them. */
  seq: number;
  /** Stream and seq in one string. */
  key: string;
}

/** The tag of a received (or recorded) notification body; undefined for any other body. */
export function tagOf(body: unknown): NotificationTag | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { sessionId, eventReports, mediaInfoList } = body as {
    sessionId?: unknown;
    eventReports?: { mediaInfoList?: unknown }[];
    mediaInfoList?: unknown;
  };
  if (typeof sessionId !== 'string') return undefined;
  const [stream, media] = Array.isArray(eventReports)
    ? [`session:${sessionId}`, eventReports[0]?.mediaInfoList]
    : [`callevent:${sessionId}`, mediaInfoList];
  if (typeof media !== 'object' || media === null) return undefined;
  const match = /^m(\d+)$/.exec(Object.keys(media)[0] ?? '');
  if (match === null) return undefined;
  const seq = Number(match[1]);
  return { stream, seq, key: `${stream}#${seq}` };
}
