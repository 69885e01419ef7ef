/*
 * The little SDP handling third-party call control needs (RFC 3264, RFC 3725): the controller
 * passes each party's session description to the other, written under its own origin line, and
 * answers the first offer with one that holds the media until the other party has answered.
 */

/** The o= line the adapter writes in one dialog: its version grows with each description sent (RFC 3264 clause 8). */
export class SdpOrigin {
  private version = 0;
  private readonly sessionId = String(Date.now());

  constructor(private readonly address: string) {}

  /** The next o= line. */
  next(): string {
    this.version += 1;
    return `o=mmtel ${this.sessionId} ${this.version} IN IP4 ${this.address}`;
  }
}

/** `sdp` with its o= line replaced by ours, lines ending in CRLF. */
export function withOrigin(sdp: string, origin: SdpOrigin): string {
  const originLine = origin.next();
  return `${lines(sdp)
    .map((line) => (line.startsWith('o=') ? originLine : line))
    .join('\r\n')}\r\n`;
}

/**
 * An answer to `offer` that accepts each of its streams but sends and receives nothing: the
 * offer's lines, each stream marked `a=inactive` (RFC 3264 clause 5.1) and its connection
 * address 0.0.0.0, so no media flows until the re-INVITE that connects the parties (RFC 3725
 * flow IV's held answer).
 */
export function heldAnswer(offer: string, origin: SdpOrigin): string {
  const out: string[] = [];
  let inMedia = false;
  for (const line of lines(offer)) {
    if (/^a=(sendrecv|sendonly|recvonly|inactive)$/.test(line)) continue;
    if (line.startsWith('c=')) {
      out.push('c=IN IP4 0.0.0.0');
      continue;
    }
    if (line.startsWith('m=')) {
      if (inMedia) out.push('a=inactive');
      inMedia = true;
    }
    out.push(line.startsWith('o=') ? origin.next() : line);
  }
  out.push('a=inactive');
  return `${out.join('\r\n')}\r\n`;
}

function lines(sdp: string): string[] {
  return sdp.split(/\r?\n/).filter((line) => line.length > 0);
}

/** The media directions of an ImsSessionInfo's media component (MediaDirection, as seen from the calling party). */
export type Direction = 'SENDRECV' | 'SENDONLY' | 'RECVONLY' | 'INACTIVE';

/** The same direction seen from the other end: what one sends only, the other receives only. */
export function mirrored(direction: Direction): Direction {
  return direction === 'SENDONLY' ? 'RECVONLY' : direction === 'RECVONLY' ? 'SENDONLY' : direction;
}

/**
 * `sdp` with every stream in `direction` (RFC 3264 clause 5.1, the offerer's view): each stream's
 * direction attribute replaced, or added, and our origin.
 */
export function withDirection(sdp: string, direction: Direction, origin: SdpOrigin): string {
  const attribute = `a=${direction.toLowerCase()}`;
  const out: string[] = [];
  let inMedia = false;
  for (const line of lines(withOrigin(sdp, origin))) {
    if (/^a=(sendrecv|sendonly|recvonly|inactive)$/.test(line)) continue;
    if (line.startsWith('m=')) {
      if (inMedia) out.push(attribute);
      inMedia = true;
    }
    out.push(line);
  }
  out.push(attribute);
  return `${out.join('\r\n')}\r\n`;
}

/** The direction of a description: its first direction attribute (RFC 3264 clause 5.1), sendrecv when it has none. */
export function directionOf(sdp: string): Direction {
  const attribute = lines(sdp).find((line) => /^a=(sendrecv|sendonly|recvonly|inactive)$/.test(line));
  return attribute === undefined ? 'SENDRECV' : (attribute.slice(2).toUpperCase() as Direction);
}

/** One stream of a description as a Session Event Notification names it (MediaInfo): its position from 1, its type. */
export interface SdpMedia {
  mediaId: string;
  mediaType: string;
}

/** The streams of a description, keyed by mediaId: `m=audio` is AUDIO, `m=video` VIDEO, `m=application` (a data channel) DC. */
export function mediaOf(sdp: string): Record<string, SdpMedia> {
  const media: Record<string, SdpMedia> = {};
  const types: Record<string, string> = { audio: 'AUDIO', video: 'VIDEO', application: 'DC' };
  for (const line of lines(sdp).filter((l) => l.startsWith('m='))) {
    const mediaId = String(Object.keys(media).length + 1);
    const kind = line.slice(2).split(' ')[0] ?? '';
    media[mediaId] = { mediaId, mediaType: types[kind] ?? kind.toUpperCase() };
  }
  return media;
}
