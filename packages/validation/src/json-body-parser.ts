import type { FastifyInstance } from 'fastify';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The text of a JSON body, refusing bytes that are not UTF-8 (RFC 8259 clause 8.1: JSON between
 * systems is UTF-8): a lossy decode would hand on U+FFFD in place of the bad bytes (fuzz finding
 * F5). Throws a SyntaxError with `statusCode: 400`, the form Fastify's body parsers report a bad
 * body in.
 */
export function utf8JsonText(body: Uint8Array): string {
  try {
    return strictUtf8.decode(body);
  } catch {
    throw Object.assign(new SyntaxError('The body is not UTF-8 (RFC 8259 clause 8.1).'), { statusCode: 400 });
  }
}

/**
 * Parses JSON text that did not come through Fastify's body parser (a WebSocket message) with
 * the same rule: a `__proto__` key, or a `constructor` key holding a `prototype`, is refused
 * (prototype poisoning, fuzz finding F6) instead of becoming an own property that a later
 * Object.assign would turn into a prototype. Throws a SyntaxError, like JSON.parse.
 */
export function parseJsonText(text: string): unknown {
  return JSON.parse(text, function refusePrototypeKeys(this: unknown, key: string, value: unknown) {
    if (key === '__proto__' || (key === 'constructor' && value !== null && typeof value === 'object' && 'prototype' in value))
      throw new SyntaxError(`Object contains forbidden prototype property "${key}"`);
    return value;
  });
}

/**
 * Makes `contentTypes` the only request content types `scope` parses, so that any other gets 415:
 * the bytes must be UTF-8, and the text is parsed by Fastify's own JSON parser, which refuses
 * `__proto__` and `constructor.prototype` keys (prototype poisoning) rather than dropping them.
 */
export function installJsonBodyParser(scope: FastifyInstance, contentTypes: readonly string[]): void {
  scope.removeAllContentTypeParsers();
  const parseJson = scope.getDefaultJsonParser('error', 'error');
  scope.addContentTypeParser([...contentTypes], { parseAs: 'buffer' }, (request, body: Buffer, done) => {
    let text: string;
    try {
      text = utf8JsonText(body);
    } catch (error) {
      return done(error as Error, undefined);
    }
    // Fastify's default parser answers through `done` (its promise-returning form is for async
    // parsers): nothing to await.
    void parseJson(request, text, done);
  });
}
