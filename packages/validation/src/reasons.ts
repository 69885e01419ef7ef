import type { ErrorObject } from 'ajv';

/**
 * What the patterns of the specs ask for, in words: Ajv's "must match pattern" with an escaped
 * regular expression tells a newcomer nothing. Keyed by the pattern exactly as the specs write it.
 */
const PATTERN_WORDS: Readonly<Record<string, string>> = {
  // ImsPublicId (TS 29.562)
  '^(sip\\:([a-zA-Z0-9_\\-.!~*()&=+$,;?\\/]+)\\@([A-Za-z0-9]+([-A-Za-z0-9]+)\\.)+[a-z]{2,}|tel\\:\\+[0-9]{5,15})$':
    'must be a SIP URI such as sip:alice@example.com or a tel URI such as tel:+4930123456',
  // SupportedFeatures (TS 29.571)
  '^[A-Fa-f0-9]*$': 'must be a hexadecimal bitmask of supported features, such as "3" (digits 0-9 and letters a-f only)',
  '^[A-Fa-f0-9]{20}$': 'must be exactly 20 hexadecimal digits (0-9, a-f)',
  '^[A-Fa-f0-9+/_-]{20,255}$': 'must be 20 to 255 characters, each a hexadecimal digit or one of + / _ -',
  '^(SHA-1|SHA-224|SHA-256|SHA-384|SHA-512|MD5|MD2|TOKEN)\\s[0-9A-F]{2}(:[0-9A-F]{2})+':
    'must be a certificate fingerprint such as "SHA-256 4A:AD:B9:B1:3F" (the hash function, a space, then upper-case hexadecimal bytes separated by colons)',
};

/** What the formats the specs use ask for, in words. */
const FORMAT_WORDS: Readonly<Record<string, string>> = {
  'date-time': 'must be a date and time with its offset (RFC 3339), such as 2026-01-31T12:00:00Z',
  date: 'must be a date (RFC 3339), such as 2026-01-31',
  uri: 'must be an absolute URI, such as http://as.example.com/notifications',
  'uri-reference': 'must be a URI or a relative reference',
  uuid: 'must be a UUID, such as 123e4567-e89b-12d3-a456-426614174000',
  ipv4: 'must be an IPv4 address, such as 192.0.2.1',
  ipv6: 'must be an IPv6 address, such as 2001:db8::1',
};

/** The reason of one invalid parameter, and for a pattern the pattern itself. */
export interface Reason {
  reason: string;
  pattern?: string;
}

/**
 * The reason of one Ajv error in words: the specs' patterns and formats say what a value must
 * look like, with an example, and keep the pattern beside it for those who want it; any other
 * error keeps Ajv's message ("must have required property 'afId'", which already reads well).
 */
export function reasonOf(error: ErrorObject): Reason {
  if (error.keyword === 'pattern') {
    const pattern = (error.params as { pattern?: unknown }).pattern;
    if (typeof pattern === 'string') return { reason: PATTERN_WORDS[pattern] ?? `must match the pattern ${pattern}`, pattern };
  }
  if (error.keyword === 'format') {
    const format = (error.params as { format?: unknown }).format;
    const words = typeof format === 'string' ? FORMAT_WORDS[format] : undefined;
    if (words !== undefined) return { reason: words };
  }
  return { reason: error.message ?? `fails ${error.keyword}` };
}
