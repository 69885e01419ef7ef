import { describe, expect, it } from 'vitest';
import { publicIdentityOf } from '../../src/network/sip/public-identity.js';

describe('the IMS public identity a SIP URI names (a network INVITE’s Request-URI and From)', () => {
  it.each([
    ['a sip: URI as it is', { given: 'sip:carol@served.test', want: 'sip:carol@served.test' }],
    ['a sip: URI without its port and parameters', { given: 'sip:carol@Served.TEST:5060;transport=udp', want: 'sip:carol@served.test' }],
    ['a sips: URI as its sip: identity', { given: 'sips:carol@served.test', want: 'sip:carol@served.test' }],
    ['a global number with user=phone as its tel: URI', { given: 'sip:+4930123456@served.test;user=phone', want: 'tel:+4930123456' }],
    ['a tel: URI without its parameters', { given: 'tel:+4930123456;phone-context=x', want: 'tel:+4930123456' }],
    ['no identity for a URI without a user part', { given: 'sip:127.0.0.1:25064', want: undefined }],
    ['no identity for another scheme', { given: 'mailto:carol@served.test', want: undefined }],
    ['no identity for no URI', { given: undefined, want: undefined }],
  ] as const)('gives %s', (_name, { given, want }) => {
    expect(publicIdentityOf(given)).toBe(want);
  });
});
