import type { FastifyError, FastifyReply } from 'fastify';
import type { CauseName, ProblemDetails } from './causes.js';

/** The causes of the errors Fastify raises about a request's body before any handler runs. */
export type BodyProtocolCause = Extract<CauseName, 'INVALID_MSG_FORMAT' | 'PAYLOAD_TOO_LARGE' | 'UNSUPPORTED_MEDIA_TYPE'>;

/**
 * The cause of an error Fastify (or a body parser) raises about a request's body: not JSON, not
 * UTF-8, empty, a wrong Content-Length (INVALID_MSG_FORMAT), over the body limit
 * (PAYLOAD_TOO_LARGE), a content type with no parser (UNSUPPORTED_MEDIA_TYPE). Undefined for any
 * other error.
 */
export function causeOfBodyError(error: FastifyError): BodyProtocolCause | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'UNSUPPORTED_MEDIA_TYPE';
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'PAYLOAD_TOO_LARGE';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_ERR_CTP_INVALID_TYPE':
      return 'INVALID_MSG_FORMAT';
  }
  if (error instanceof SyntaxError) return 'INVALID_MSG_FORMAT';
  if (error.statusCode === 413) return 'PAYLOAD_TOO_LARGE';
  if (error.statusCode === 415) return 'UNSUPPORTED_MEDIA_TYPE';
  return undefined;
}

/**
 * The cause of an error known only by its status, as plugins raise them (rate limiting: 429,
 * overload shedding: 503, …). Undefined for a status the catalogue has no cause for.
 */
export function causeOfStatus(status: number | undefined): CauseName | undefined {
  switch (status) {
    case 400:
      return 'INVALID_MSG_FORMAT';
    case 404:
      return 'RESOURCE_URI_STRUCTURE_NOT_FOUND';
    case 411:
      return 'INCORRECT_LENGTH';
    case 413:
      return 'PAYLOAD_TOO_LARGE';
    case 415:
      return 'UNSUPPORTED_MEDIA_TYPE';
    case 429:
      return 'NF_CONGESTION_RISK';
    case 503:
      return 'NF_CONGESTION';
    default:
      return undefined;
  }
}

/** Sends a ProblemDetails body with its status, as `application/problem+json`. */
export function sendProblem(
  reply: FastifyReply,
  body: ProblemDetails & { status: number },
  headers: Record<string, string> = {},
): FastifyReply {
  return reply.code(body.status).headers(headers).type('application/problem+json').send(body);
}
