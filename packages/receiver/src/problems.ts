import type { InvalidParam, ProblemDetails } from './notifications.js';

/**
 * The causes the receiver itself answers with when a notification cannot be taken: from
 * TS 29.500 table 5.2.7.2-1 where 3GPP has one; the ones marked "ours" match the reference
 * server's catalogue, where 3GPP defines no cause for the status.
 * @see 3GPP TS 29.122 clause 5.2.6
 */
export const ReceiverCause = {
  /** Malformed JSON, or a body no finer cause covers. */
  INVALID_MSG_FORMAT: { status: 400, title: 'Invalid message format' },
  MANDATORY_IE_MISSING: { status: 400, title: 'Mandatory information element missing' },
  MANDATORY_IE_INCORRECT: { status: 400, title: 'Mandatory information element incorrect' },
  OPTIONAL_IE_INCORRECT: { status: 400, title: 'Optional information element incorrect' },
  RESOURCE_URI_STRUCTURE_NOT_FOUND: { status: 404, title: 'Resource URI structure not found' },
  /** Ours: the body exceeds the receiver's limit. */
  PAYLOAD_TOO_LARGE: { status: 413, title: 'Content too large' },
  /** Ours: the notification is not `application/json`. */
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported media type' },
  /** The handler failed, or answered an outcome the callback does not define. */
  SYSTEM_FAILURE: { status: 500, title: 'System failure' },
} as const satisfies Record<string, { status: number; title: string }>;

/** A cause of the receiver's catalogue. */
export type ReceiverCauseName = keyof typeof ReceiverCause;

/** The ProblemDetails of a receiver cause. */
export function receiverProblem(cause: ReceiverCauseName, detail?: string, invalidParams?: InvalidParam[]): ProblemDetails & { status: number } {
  const { status, title } = ReceiverCause[cause];
  return {
    status,
    title,
    cause,
    ...(detail !== undefined && { detail }),
    ...(invalidParams !== undefined && invalidParams.length > 0 && { invalidParams }),
  };
}
