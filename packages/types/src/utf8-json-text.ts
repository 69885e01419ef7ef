const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The text of a JSON body, refusing bytes that are not UTF-8 (RFC 8259 clause 8.1: JSON between
 * systems is UTF-8): a lossy decode would hand on U+FFFD in place of the bad bytes. Throws a
 * SyntaxError with `statusCode: 400`, the form Fastify's body parsers report a bad body in.
 */
export function utf8JsonText(body: Uint8Array): string {
  try {
    return strictUtf8.decode(body);
  } catch {
    throw Object.assign(new SyntaxError('The body is not UTF-8 (RFC 8259 clause 8.1).'), { statusCode: 400 });
  }
}
