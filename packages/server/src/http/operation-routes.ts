import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { Handlers, OperationId } from '../generated/handlers.gen.js';
import { operations, type OperationDefinition } from '../generated/operations.gen.js';
import type { HandlerContext } from '../handler-context.js';
import { ProblemError } from './problem.js';

/** A reply as the generated handler contract types it. */
interface AnyReply {
  status: number;
  headers?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
}

/**
 * The fastify-openapi-glue operation resolver: each operationId of the spec gets its typed
 * handler, wrapped so that the request content type is one the operation declares (415
 * otherwise: Fastify would let a parsed but undeclared type through unvalidated), and the reply
 * carries the content type the spec gives its status.
 */
export function operationResolver(handlers: Handlers<HandlerContext>, contextOf: (request: FastifyRequest, reply: FastifyReply) => HandlerContext) {
  return (operationId: string): RouteOptions => {
    if (!(operationId in operations)) throw new Error(`The spec has operation ${operationId} but the generated operation table does not: run pnpm generate`);
    const id = operationId as OperationId;
    const definition: OperationDefinition = operations[id];
    const handler = handlers[id] as (request: { params: unknown; query: unknown; body?: unknown }, context: HandlerContext) => Promise<AnyReply>;
    const route: Partial<RouteOptions> = {
      preValidation: async (request) => {
        requireDeclaredBody(request, definition);
        requireRepresentableJson(request.body);
      },
      handler: async (request, reply) => {
        const result = await handler({ params: request.params, query: request.query, body: request.body }, contextOf(request, reply));
        return send(reply, definition, result);
      },
    };
    // Glue spreads these options over the route it builds from the spec (method, url, schema),
    // so a partial route is what it needs, whatever its type declaration says.
    return route as RouteOptions;
  };
}

function requireDeclaredBody(request: FastifyRequest, definition: OperationDefinition): void {
  if (definition.requestContentTypes.length === 0) return;
  const hasBody = request.body !== undefined;
  if (!hasBody) {
    if (definition.bodyRequired) throw new ProblemError('MANDATORY_IE_MISSING', `The request needs a body (${definition.requestContentTypes.join(' or ')}).`, [{ param: '', reason: 'request body is required' }]);
    return;
  }
  const type = mediaType(request.headers['content-type']);
  if (!definition.requestContentTypes.includes(type)) {
    throw new ProblemError('UNSUPPORTED_MEDIA_TYPE', `${definition.method} ${definition.path} accepts ${definition.requestContentTypes.join(', ')}, not ${type || 'a body without Content-Type'}.`, [
      { param: 'Content-Type', reason: `must be ${definition.requestContentTypes.join(' or ')}` },
    ]);
  }
}

/**
 * The deepest nesting of arrays and objects a body may have. RFC 8259 clause 9 lets a parser
 * limit it; the stores and serializers behind the handlers recurse, and a few thousand levels
 * (a few kilobytes of `[`) overflowed the stack there: a 500 instead of a 400.
 */
export const MAX_BODY_DEPTH = 64;

/**
 * Refuses what JSON.parse accepts but the rest of the server cannot carry: nesting deeper than
 * MAX_BODY_DEPTH (400 INVALID_MSG_FORMAT), and number literals that overflow to ±Infinity, which
 * Ajv's `integer` and `minimum` let through and JSON.stringify then writes as `null` (400 naming
 * each, with the cause the schema errors would get). Walks without recursion.
 */
function requireRepresentableJson(body: unknown): void {
  if (typeof body !== 'object' || body === null) {
    if (typeof body === 'number' && !Number.isFinite(body)) throw nonFinite(['']);
    return;
  }
  const overflowed: string[] = [];
  const pending: Array<{ value: unknown; pointer: string; depth: number }> = [{ value: body, pointer: '', depth: 1 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { value, pointer, depth } = next;
    if (typeof value === 'number' && !Number.isFinite(value)) overflowed.push(pointer);
    if (typeof value !== 'object' || value === null) continue;
    if (depth > MAX_BODY_DEPTH) {
      throw new ProblemError('INVALID_MSG_FORMAT', `The body nests arrays and objects deeper than ${MAX_BODY_DEPTH} levels.`, [{ param: pointer, reason: `nests deeper than ${MAX_BODY_DEPTH} levels` }]);
    }
    for (const [key, child] of Object.entries(value)) pending.push({ value: child, pointer: `${pointer}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`, depth: depth + 1 });
  }
  if (overflowed.length > 0) throw nonFinite(overflowed.sort());
}

/** A schema-validation-shaped error, so that the error handler picks the cause as for any invalid attribute. */
function nonFinite(pointers: string[]): Error {
  const message = 'must be a number a double can hold (the literal overflows to Infinity)';
  return Object.assign(new Error(`body${pointers[0]} ${message}`), {
    statusCode: 400,
    validationContext: 'body',
    validation: pointers.map((instancePath) => ({ keyword: 'type', instancePath, schemaPath: '#', params: {}, message })),
  });
}

/** `application/json; charset=utf-8` → `application/json`. */
export function mediaType(header: string | undefined): string {
  return (header ?? '').split(';', 1)[0]!.trim().toLowerCase();
}

function send(reply: FastifyReply, definition: OperationDefinition, result: AnyReply): FastifyReply {
  reply.code(result.status);
  for (const [name, value] of Object.entries(result.headers ?? {})) if (value !== undefined) reply.header(name, String(value));
  const declared = definition.responses[String(result.status)] ?? definition.responses.default;
  if (result.body === undefined) return reply.send();
  reply.type(declared?.contentType ?? (result.status >= 400 ? 'application/problem+json' : 'application/json'));
  return reply.send(result.body);
}
