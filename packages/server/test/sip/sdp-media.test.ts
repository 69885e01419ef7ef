import { describe, expect, it } from 'vitest';
import { directionOf, mediaOf } from '../../src/network/sip/sdp.js';

const HELD = ['v=0', 'o=sipp 1 2 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', 'm=audio 6000 RTP/AVP 0', 'a=sendonly'].join(
  '\r\n',
);

describe("what a party's re-INVITE offer says (its media change)", () => {
  it.each([
    ['sendonly for a hold', { given: HELD, want: 'SENDONLY' }],
    ['sendrecv for an offer without a direction attribute', { given: HELD.replace('\r\na=sendonly', ''), want: 'SENDRECV' }],
    ['inactive', { given: HELD.replace('a=sendonly', 'a=inactive'), want: 'INACTIVE' }],
  ] as const)('reads the direction: %s', (_name, { given, want }) => {
    expect(directionOf(given)).toBe(want);
  });

  it('names the streams by position from 1 and their media type', () => {
    const sdp = `${HELD}\r\nm=video 6002 RTP/AVP 96\r\nm=application 6004 UDP/DTLS/SCTP webrtc-datachannel\r\n`;
    expect(mediaOf(sdp)).toEqual({
      '1': { mediaId: '1', mediaType: 'AUDIO' },
      '2': { mediaId: '2', mediaType: 'VIDEO' },
      '3': { mediaId: '3', mediaType: 'DC' },
    });
  });
});
