import { sip } from './sip-package.js';

/**
 * The IMS public identity (ImsPublicId: `sip:user@domain` or `tel:+number`) a URI of a SIP
 * request names: a sip:/sips: URI with a user part becomes `sip:user@host` (port, parameters and
 * headers dropped: an identity names a subscriber, not a contact), a global number marked
 * `user=phone` becomes its tel: URI (RFC 3261 clause 19.1.6, the reverse of party-uri.ts), a tel:
 * URI loses its parameters. Undefined for a URI that names no user (a host, another scheme).
 */
export function publicIdentityOf(uri: string | undefined): string | undefined {
  if (uri === undefined) return undefined;
  if (/^tel:/i.test(uri)) return `tel:${uri.slice(4).split(';')[0] ?? ''}`;
  const parsed = sip.parseUri(uri);
  if (parsed === undefined || !/^sips?$/i.test(parsed.schema) || !parsed.user) return undefined;
  if (parsed.params.user === 'phone' && parsed.user.startsWith('+')) return `tel:${parsed.user.split(';')[0] ?? ''}`;
  return `sip:${parsed.user}@${parsed.host.toLowerCase()}`;
}
