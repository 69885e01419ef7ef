import {
  causeOfBodyError,
  causeOfStatus,
  closeLingeringReads,
  readRestOfRefusedBody,
  schemaRejection,
  sendProblem,
  toInvalidParams,
  unsupportedMediaType,
} from '@mmtel/validation';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { operations } from '../generated/operations.gen.js';
import { acceptedMediaTypes } from './accepted-media-types.js';
import { bodyRequired } from './operation-routes.js';
import { problem, ProblemError, type ProblemDetails } from './problem.js';
import { StoreUnavailableError } from '../store/store-errors.js';

// Other modules of the server send their ProblemDetails through here.
export { sendProblem } from '@mmtel/validation';

/**
 * Turns every failure into a TS 29.122 ProblemDetails answer (`application/problem+json`):
 * documented failures (ProblemError), schema violations (400 with invalidParams), Fastify's own
 * protocol errors (bad JSON, body too large, unknown content type), unknown paths and methods.
 * Only a fault of the server itself is a 500, and it is logged.
 *
 * @see 3GPP TS 29.122 clause 5.2.6
 */
export function installErrorHandling(app: FastifyInstance): void {
  closeLingeringReads(app);
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof ProblemError) return sendProblem(reply, error.problem, error.headers);
    // The store (PostgreSQL) cannot be reached: a passing outage, not a fault of the request or the server.
    if (error instanceof StoreUnavailableError) {
      request.log.warn({ err: error }, 'store unavailable');
      return sendProblem(reply, problem('NF_CONGESTION', 'The store is unavailable; try again later.'), {
        'retry-after': String(error.retryAfterSec),
      });
    }
    // Checked first: a response validation failure carries `validation` too, but is the server's fault.
    if (error.code === 'FST_RESPONSE_VALIDATION_FAILED_VALIDATION') {
      request.log.error({ err: error }, 'response does not match the spec');
      return sendProblem(reply, problem('SYSTEM_FAILURE', `The server's answer does not match the spec: ${error.message}`));
    }
    if (error.validation) return sendProblem(reply, validationProblem(error, request));
    const bodyCause = causeOfBodyError(error);
    // The client may still be sending the body refused (413, 415): it must get to read the answer.
    if (bodyCause !== undefined) readRestOfRefusedBody(request, reply);
    // No parser for the type: name the types the operation takes (Fastify's message does not).
    const accepted = bodyCause === 'UNSUPPORTED_MEDIA_TYPE' ? acceptedMediaTypes(request) : undefined;
    if (accepted !== undefined) {
      const { detail, invalidParams } = unsupportedMediaType(request.headers['content-type'], accepted);
      return sendProblem(reply, problem('UNSUPPORTED_MEDIA_TYPE', detail, invalidParams));
    }
    const cause = bodyCause ?? causeOfStatus(error.statusCode);
    if (cause) {
      const body = problem(cause, error.message);
      return sendProblem(reply, body, body.status === 429 || body.status === 503 ? retryAfter(reply) : {});
    }
    request.log.error({ err: error }, 'request failed');
    return sendProblem(reply, problem('SYSTEM_FAILURE', 'The server failed to handle the request.'));
  });

  app.setNotFoundHandler((request, reply) => {
    const allowed = methodsFor(request.url.split('?', 1)[0]!);
    if (allowed.length > 0) {
      return sendProblem(reply, problem('METHOD_NOT_ALLOWED', `${request.method} is not defined for ${request.url}.`), {
        allow: allowed.join(', '),
      });
    }
    return sendProblem(reply, problem('RESOURCE_URI_STRUCTURE_NOT_FOUND', `No resource at ${request.method} ${request.url}.`));
  });
}

function validationProblem(error: FastifyError, request: FastifyRequest): ProblemDetails & { status: number } {
  const context = (error as FastifyError & { validationContext?: string }).validationContext ?? 'body';
  if (context !== 'body') return problem('INVALID_QUERY_PARAM', error.message, toInvalidParams(error.validation as never, `${context} `));
  const { cause, detail, invalidParams } = schemaRejection(error.validation as never, request.body, bodyRequired(request));
  return problem(cause, detail, invalidParams);
}

function retryAfter(reply: FastifyReply): Record<string, string> {
  const value = reply.getHeader('retry-after');
  return value === undefined ? {} : { 'retry-after': String(value) };
}

const templates = Object.values(operations).map((op) => ({
  method: op.method,
  pattern: new RegExp(`^${(op.basePath + op.path).replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/]+')}/?$`),
}));

/** The methods the spec defines for a concrete path (for 405 and its Allow header). */
function methodsFor(path: string): string[] {
  return [...new Set(templates.filter((t) => t.pattern.test(path)).map((t) => t.method))];
}
