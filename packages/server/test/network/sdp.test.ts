import { describe, expect, it } from 'vitest';
import { heldAnswer, SdpOrigin, withOrigin } from '../../src/network/sip/sdp.js';

const OFFER = [
  'v=0',
  'o=alice 1 1 IN IP4 10.0.0.1',
  's=-',
  'c=IN IP4 10.0.0.1',
  't=0 0',
  'm=audio 6000 RTP/AVP 0',
  'a=rtpmap:0 PCMU/8000',
  'a=sendrecv',
  '',
].join('\r\n');

describe('the SDP of third-party call control', () => {
  it('holds every stream of the offer in the first answer: inactive, no connection address', () => {
    const answer = heldAnswer(OFFER, new SdpOrigin('127.0.0.1'));
    expect(answer.split('\r\n').filter((line) => /^(c=|a=(inactive|sendrecv)|m=)/.test(line))).toEqual([
      'c=IN IP4 0.0.0.0',
      'm=audio 6000 RTP/AVP 0',
      'a=inactive',
    ]);
  });

  it('writes our origin, its version one higher in each description of a dialog', () => {
    const origin = new SdpOrigin('127.0.0.1');
    const versions = [heldAnswer(OFFER, origin), withOrigin(OFFER, origin)].map(
      (sdp) => /^o=mmtel \d+ (\d+) IN IP4 127\.0\.0\.1$/m.exec(sdp)?.[1],
    );
    expect(versions).toEqual(['1', '2']);
  });

  it('passes the other party’s description on unchanged but for the origin', () => {
    const passed = withOrigin(OFFER, new SdpOrigin('127.0.0.1'));
    expect(passed.split('\r\n').filter((line) => !line.startsWith('o='))).toEqual(
      OFFER.split('\r\n').filter((line) => !line.startsWith('o=')),
    );
  });
});
