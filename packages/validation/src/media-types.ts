import type { InvalidParam } from './causes.js';

/**
 * The detail and invalidParams of a 415: the media types the operation accepts and the one it
 * got, in the same words from the server and the receiver (a content type nothing parses gets the
 * same ProblemDetails from both).
 */
export function unsupportedMediaType(
  contentType: string | undefined,
  accepted: readonly string[],
): { detail: string; invalidParams: InvalidParam[] } {
  const type = (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase();
  const expected = accepted.join(' or ');
  return {
    detail: `The body must be sent as ${expected}, not ${type === '' ? 'without a Content-Type' : type}.`,
    invalidParams: [{ param: 'Content-Type', reason: `must be ${expected}` }],
  };
}
