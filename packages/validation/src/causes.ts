import type { CallControl } from '@mmtel/types';

/** The TS 29.122 ProblemDetails body of every 4xx/5xx answer. */
export type ProblemDetails = CallControl.components['schemas']['ProblemDetails'];
/**
 * One invalid parameter: `param` is a JSON Pointer into the body (RFC 6901), or a header name.
 * `pattern` (not 3GPP; InvalidParam allows more attributes) is the pattern a value failed, whose
 * `reason` says in words what it asks for.
 */
export type InvalidParam = CallControl.components['schemas']['InvalidParam'] & { pattern?: string };

/**
 * The one catalogue of application error causes, for the reference server and the receiver
 * alike, so that the same failure gets the same cause and title from both. Causes from TS 29.500
 * table 5.2.7.2-1 (as used by TS 29.122 APIs) where 3GPP has one; the few marked "ours" exist
 * because 3GPP defines no cause for that status.
 *
 * @see 3GPP TS 29.122 clause 5.2.6
 */
export const Cause = {
  /** Malformed JSON, or a body the schema rejects in a way no finer cause covers. */
  INVALID_MSG_FORMAT: { status: 400, title: 'Invalid message format' },
  MANDATORY_IE_MISSING: { status: 400, title: 'Mandatory information element missing' },
  MANDATORY_IE_INCORRECT: { status: 400, title: 'Mandatory information element incorrect' },
  OPTIONAL_IE_INCORRECT: { status: 400, title: 'Optional information element incorrect' },
  INVALID_QUERY_PARAM: { status: 400, title: 'Invalid query parameter' },
  /** Ours (RFC 6750 error code): no, a malformed, an expired or an untrusted access token. */
  INVALID_TOKEN: { status: 401, title: 'Invalid access token' },
  /**
   * The access token does not grant the API called (RFC 6750 insufficient_scope), or the afId of
   * an ImsSession names another AF than the authenticated one (token subject, client certificate).
   */
  REQUEST_NOT_AUTHORIZED: { status: 403, title: 'Request not authorized' },
  /** An attempt to change an attribute that is read-only or fixed at creation. */
  MODIFICATION_NOT_ALLOWED: { status: 403, title: 'Modification not allowed' },
  /** Provisional (proposed for TS 29.392): no Individual IMS Session with that id. */
  SESSION_NOT_FOUND: { status: 404, title: 'IMS session not found' },
  RESOURCE_URI_STRUCTURE_NOT_FOUND: { status: 404, title: 'Resource URI structure not found' },
  /** Ours: the method is not defined for this resource (TS 29.122 lists no 405 cause). */
  METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed' },
  /** Ours (simulator): an injected network event has nobody to notify. */
  NOTIFICATION_TARGET_NOT_CONFIGURED: { status: 409, title: 'No notification target configured' },
  /** Ours (simulator): only a given-up (FAILED) notification can be sent again. */
  NOTIFICATION_NOT_GIVEN_UP: { status: 409, title: 'Notification not given up' },
  /** Ours: the request did not arrive in time (slow client). */
  REQUEST_TIMEOUT: { status: 408, title: 'Request timeout' },
  INCORRECT_LENGTH: { status: 411, title: 'Incorrect length' },
  /** Ours: the body exceeds the configured limit. */
  PAYLOAD_TOO_LARGE: { status: 413, title: 'Content too large' },
  /** Ours: the request URI is longer than the configured limit. */
  URI_TOO_LONG: { status: 414, title: 'URI too long' },
  /** Ours: the operation (or callback) does not declare this request content type. */
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported media type' },
  NF_CONGESTION_RISK: { status: 429, title: 'Too many requests' },
  /** Ours: the request headers are larger than the configured limit. */
  HEADERS_TOO_LARGE: { status: 431, title: 'Request header fields too large' },
  /** A fault of the answering side itself (in the receiver: the handler failed, or answered an outcome the callback does not define). */
  SYSTEM_FAILURE: { status: 500, title: 'System failure' },
  /** Ours: a pseudo operation that exists only to carry a callback. */
  NOT_IMPLEMENTED: { status: 501, title: 'Not implemented' },
  NF_CONGESTION: { status: 503, title: 'Service unavailable' },
} as const satisfies Record<string, { status: number; title: string }>;

/** A cause of the catalogue. */
export type CauseName = keyof typeof Cause;

/** Builds the ProblemDetails of a cause. */
export function problem(cause: CauseName, detail?: string, invalidParams?: InvalidParam[]): ProblemDetails & { status: number } {
  const { status, title } = Cause[cause];
  return {
    title,
    status,
    cause,
    ...(detail !== undefined && { detail }),
    ...(invalidParams !== undefined && invalidParams.length > 0 && { invalidParams }),
  };
}
