import { describe, expect, it } from 'vitest';
import { routeTo, UnroutableParty } from '../../src/network/sip/party-uri.js';

const direct = { transport: 'udp', routes: {} } as const;

describe('the route to a party', () => {
  it.each([
    ['a sip: party goes to its own URI', 'sip:bob@bob.test', direct, { requestUri: 'sip:bob@bob.test' }],
    [
      'a sip: party goes to its domain’s static next hop',
      'sip:bob@bob.test',
      { ...direct, routes: { 'bob.test': '127.0.0.1:5070' } },
      { requestUri: 'sip:bob@bob.test', route: 'sip:127.0.0.1:5070;lr' },
    ],
    [
      'every party goes through the outbound proxy, before any static route',
      'sip:bob@bob.test',
      { ...direct, outboundProxy: 'sip:127.0.0.1:5080', routes: { 'bob.test': '127.0.0.1:5070' } },
      { requestUri: 'sip:bob@bob.test', route: 'sip:127.0.0.1:5080;lr' },
    ],
    [
      'a tel: party goes to the outbound proxy as it is',
      'tel:+4930123456',
      { ...direct, outboundProxy: 'sip:proxy.test' },
      { requestUri: 'tel:+4930123456', route: 'sip:proxy.test;lr' },
    ],
    [
      'a tel: party becomes a sip: URI with user=phone under MMTEL_SIP_DOMAIN',
      'tel:+4930123456',
      { ...direct, domain: 'ims.test' },
      { requestUri: 'sip:+4930123456@ims.test;user=phone' },
    ],
    [
      'over TCP, the URI of the next hop says so',
      'sip:bob@bob.test',
      { ...direct, transport: 'tcp' },
      { requestUri: 'sip:bob@bob.test;transport=tcp' },
    ],
    [
      'over TCP through a proxy, the proxy’s URI says so',
      'sip:bob@bob.test',
      { ...direct, transport: 'tcp', outboundProxy: 'sip:127.0.0.1:5080' },
      { requestUri: 'sip:bob@bob.test', route: 'sip:127.0.0.1:5080;transport=tcp;lr' },
    ],
  ] as const)('%s', (_name, party, settings, want) => {
    expect(routeTo(party, settings)).toEqual(want);
  });

  it('refuses a tel: party with neither an outbound proxy nor a domain', () => {
    expect(() => routeTo('tel:+4930123456', direct)).toThrow(UnroutableParty);
  });
});
