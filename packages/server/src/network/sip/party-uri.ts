import type { SipSettings } from '../../config/server-config.js';

/** Where a request to a party goes: its request URI, and the Route of its next hop if that is not the URI's host. */
export interface PartyRoute {
  requestUri: string;
  /** A loose-routing Route (`sip:proxy;lr`): the outbound proxy's, or the party domain's static next hop. */
  route?: string;
}

/** A party the adapter cannot reach: a tel: party with neither an outbound proxy nor a domain, or another scheme. */
export class UnroutableParty extends Error {}

/**
 * The route to a party (an ImsPublicId: `sip:`/`sips:` or `tel:`). A sip: party is its own
 * request URI. A tel: party goes to the outbound proxy as it is (an IMS core resolves it, ENUM),
 * or, with `MMTEL_SIP_DOMAIN`, becomes `sip:<number>@<domain>;user=phone` (RFC 3261 clause
 * 19.1.6). The next hop is the outbound proxy, else the static route of the URI's domain
 * (`MMTEL_SIP_ROUTES`), else the URI's host. With TCP the next hop's URI says `transport=tcp`.
 */
export function routeTo(party: string, settings: Pick<SipSettings, 'transport' | 'outboundProxy' | 'domain' | 'routes'>): PartyRoute {
  const tcp = settings.transport === 'tcp';
  let requestUri: string;
  if (/^sips?:/i.test(party)) requestUri = party;
  else if (/^tel:/i.test(party)) {
    const number = party.slice(4).split(';')[0] ?? '';
    if (settings.domain !== undefined) requestUri = `sip:${number}@${settings.domain};user=phone`;
    else if (settings.outboundProxy !== undefined) requestUri = party;
    else throw new UnroutableParty(`${party}: a tel: party needs MMTEL_SIP_OUTBOUND_PROXY or MMTEL_SIP_DOMAIN`);
  } else throw new UnroutableParty(`${party}: not a sip:, sips: or tel: URI`);
  if (settings.outboundProxy !== undefined) return { requestUri, route: withLooseRouting(withTransport(settings.outboundProxy, tcp)) };
  const hop = settings.routes[hostOf(requestUri)];
  if (hop !== undefined) return { requestUri, route: withLooseRouting(withTransport(`sip:${hop}`, tcp)) };
  return { requestUri: withTransport(requestUri, tcp) };
}

/** The host of a sip: URI (what follows the `@`, up to a port or parameter). */
function hostOf(uri: string): string {
  const afterScheme = uri.replace(/^sips?:/i, '');
  const hostPart = afterScheme.slice(afterScheme.indexOf('@') + 1);
  return (hostPart.split(/[:;?]/)[0] ?? '').toLowerCase();
}

function withTransport(uri: string, tcp: boolean): string {
  return tcp && !/;transport=/i.test(uri) ? `${uri};transport=tcp` : uri;
}

function withLooseRouting(uri: string): string {
  return /;lr(?=;|$|=)/i.test(uri) ? uri : `${uri};lr`;
}
