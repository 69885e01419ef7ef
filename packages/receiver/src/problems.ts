import { Cause, problem } from '@mmtel/validation';
import type { InvalidParam, ProblemDetails } from './notifications.js';

/**
 * The causes the receiver itself answers with when a notification cannot be taken: those of the
 * reference server's catalogue (one table, shared through the validation core), from TS 29.500
 * table 5.2.7.2-1 where 3GPP has one.
 * @see 3GPP TS 29.122 clause 5.2.6
 */
export const ReceiverCause = {
  /** Malformed JSON, or a body no finer cause covers. */
  INVALID_MSG_FORMAT: Cause.INVALID_MSG_FORMAT,
  MANDATORY_IE_MISSING: Cause.MANDATORY_IE_MISSING,
  MANDATORY_IE_INCORRECT: Cause.MANDATORY_IE_INCORRECT,
  OPTIONAL_IE_INCORRECT: Cause.OPTIONAL_IE_INCORRECT,
  RESOURCE_URI_STRUCTURE_NOT_FOUND: Cause.RESOURCE_URI_STRUCTURE_NOT_FOUND,
  /** Ours: the body exceeds the receiver's limit. */
  PAYLOAD_TOO_LARGE: Cause.PAYLOAD_TOO_LARGE,
  /** Ours: the notification is not `application/json`. */
  UNSUPPORTED_MEDIA_TYPE: Cause.UNSUPPORTED_MEDIA_TYPE,
  /** The handler failed, or answered an outcome the callback does not define. */
  SYSTEM_FAILURE: Cause.SYSTEM_FAILURE,
} as const;

/** A cause of the receiver's catalogue. */
export type ReceiverCauseName = keyof typeof ReceiverCause;

/** The ProblemDetails of a receiver cause. */
export function receiverProblem(
  cause: ReceiverCauseName,
  detail?: string,
  invalidParams?: InvalidParam[],
): ProblemDetails & { status: number } {
  return problem(cause, detail, invalidParams);
}
