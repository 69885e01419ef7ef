import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { operations } from '../generated/operations.gen.js';
import { toInvalidParams } from './ajv.js';
import { mediaType } from './operation-routes.js';
import { type CauseName, problem, ProblemError, type ProblemDetails } from './problem.js';
import { StoreUnavailableError } from '../store/store-errors.js';

/**
 * Turns every failure into a TS 29.122 ProblemDetails answer (`application/problem+json`):
 * documented failures (ProblemError), schema violations (400 with invalidParams), Fastify's own
 * protocol errors (bad JSON, body too large, unknown content type), unknown paths and methods.
 * Only a fault of the server itself is a 500, and it is logged.
 *
 * @see 3GPP TS 29.122 clause 5.2.6
 */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof ProblemError) return sendProblem(reply, error.problem, error.headers);
    // The store (PostgreSQL) cannot be reached: a passing outage, not a fault of the request or the server.
    if (error instanceof StoreUnavailableError) {
      request.log.warn({ err: error }, 'store unavailable');
      return sendProblem(reply, problem('NF_CONGESTION', 'The store is unavailable; try again later.'), { 'retry-after': String(error.retryAfterSec) });
    }
    // Checked first: a response validation failure carries `validation` too, but is the server's fault.
    if (error.code === 'FST_RESPONSE_VALIDATION_FAILED_VALIDATION') {
      request.log.error({ err: error }, 'response does not match the spec');
      return sendProblem(reply, problem('SYSTEM_FAILURE', `The server's answer does not match the spec: ${error.message}`));
    }
    if (error.validation) return sendProblem(reply, validationProblem(error, request));
    const cause = fastifyCause(error);
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
      return sendProblem(reply, problem('METHOD_NOT_ALLOWED', `${request.method} is not defined for ${request.url}.`), { allow: allowed.join(', ') });
    }
    return sendProblem(reply, problem('RESOURCE_URI_STRUCTURE_NOT_FOUND', `No resource at ${request.method} ${request.url}.`));
  });
}

/** Sends a ProblemDetails body with its status. */
export function sendProblem(reply: FastifyReply, body: ProblemDetails & { status: number }, headers: Record<string, string> = {}): FastifyReply {
  return reply.code(body.status).headers(headers).type('application/problem+json').send(body);
}

function validationProblem(error: FastifyError, request: FastifyRequest): ProblemDetails & { status: number } {
  const context = (error as FastifyError & { validationContext?: string }).validationContext ?? 'body';
  const invalidParams = toInvalidParams(error.validation as never, context === 'body' ? '' : `${context} `);
  if (context !== 'body') return problem('INVALID_QUERY_PARAM', error.message, invalidParams);
  // A body that is not even a JSON object (an array, a string, null) is a malformed message, not an incorrect IE.
  if (typeof request.body !== 'object' || request.body === null || Array.isArray(request.body)) return problem('INVALID_MSG_FORMAT', 'The body is not a JSON object.', invalidParams);
  if (error.validation!.some((e) => e.keyword === 'required')) return problem('MANDATORY_IE_MISSING', 'A mandatory attribute is missing.', invalidParams);
  const required = topLevelRequired(request);
  const mandatory = invalidParams.some((p) => required.has(p.param.split('/')[1] ?? ''));
  return mandatory
    ? problem('MANDATORY_IE_INCORRECT', 'A mandatory attribute is incorrect.', invalidParams)
    : problem('OPTIONAL_IE_INCORRECT', 'An optional attribute is incorrect.', invalidParams);
}

function topLevelRequired(request: FastifyRequest): Set<string> {
  const body = (request.routeOptions.schema as { body?: { content?: Record<string, { schema?: { required?: string[] } }> } } | undefined)?.body;
  const schema = body?.content?.[mediaType(request.headers['content-type'])]?.schema;
  return new Set(schema?.required ?? []);
}

function fastifyCause(error: FastifyError): CauseName | undefined {
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
  switch (error.statusCode) {
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
  }
  return undefined;
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
