import { requiredOf, unrepresentable, type JsonSchema } from '@mmtel/validation';
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
export function operationResolver(
  handlers: Handlers<HandlerContext>,
  contextOf: (request: FastifyRequest, reply: FastifyReply) => HandlerContext,
) {
  return (operationId: string): RouteOptions => {
    if (!(operationId in operations))
      throw new Error(`The spec has operation ${operationId} but the generated operation table does not: run pnpm generate`);
    const id = operationId as OperationId;
    const definition: OperationDefinition = operations[id];
    const handler = handlers[id] as (
      request: { params: unknown; query: unknown; body?: unknown },
      context: HandlerContext,
    ) => Promise<AnyReply>;
    const contentTypeOf = replyContentTypes(definition);
    const route: Partial<RouteOptions> = {
      // A callback hook (checks are synchronous): no promise per request; a failure goes to done().
      preValidation: (request, _reply, done) => {
        try {
          requireDeclaredBody(request, definition);
          requireRepresentableJson(request);
        } catch (error) {
          done(error as Error);
          return;
        }
        done();
      },
      // The request itself is the handler's request (it has params, query and body): no copy per request.
      handler: async (request, reply) => send(reply, contentTypeOf, await handler(request, contextOf(request, reply))),
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
    if (definition.bodyRequired)
      throw new ProblemError('MANDATORY_IE_MISSING', `The request needs a body (${definition.requestContentTypes.join(' or ')}).`, [
        { param: '', reason: 'request body is required' },
      ]);
    return;
  }
  const type = mediaType(request.headers['content-type']);
  if (!definition.requestContentTypes.includes(type)) {
    throw new ProblemError(
      'UNSUPPORTED_MEDIA_TYPE',
      `${definition.method} ${definition.path} accepts ${definition.requestContentTypes.join(', ')}, not ${type || 'a body without Content-Type'}.`,
      [{ param: 'Content-Type', reason: `must be ${definition.requestContentTypes.join(' or ')}` }],
    );
  }
}

/**
 * Refuses what JSON.parse accepts but the rest of the server cannot carry (nesting too deep,
 * numbers that overflow to Infinity), with the answer the receiver gives the same body.
 */
function requireRepresentableJson(request: FastifyRequest): void {
  const broken = unrepresentable(request.body, () => bodyRequired(request));
  if (broken !== undefined) throw new ProblemError(broken.cause, broken.detail, broken.invalidParams);
}

/** The top-level attributes the request body schema of the route requires, for the content type sent. */
export function bodyRequired(request: FastifyRequest): string[] {
  const body = (request.routeOptions.schema as { body?: { content?: Record<string, { schema?: JsonSchema }> } } | undefined)?.body;
  const schema = body?.content?.[mediaType(request.headers['content-type'])]?.schema;
  return schema === undefined ? [] : requiredOf(schema);
}

/** `application/json; charset=utf-8` → `application/json`. */
export function mediaType(header: string | undefined): string {
  // What nearly every request sends, answered without splitting and copying it.
  if (header === 'application/json') return header;
  return (header ?? '').split(';', 1)[0]!.trim().toLowerCase();
}

/** The content type of a reply body by status: the one the spec gives the status, else JSON (a problem from 400 up). */
function replyContentTypes(definition: OperationDefinition): (status: number) => string {
  const byStatus = new Map<number, string>();
  return (status) => {
    let type = byStatus.get(status);
    if (type === undefined) {
      const declared = definition.responses[String(status)] ?? definition.responses.default;
      type = declared?.contentType ?? (status >= 400 ? 'application/problem+json' : 'application/json');
      byStatus.set(status, type);
    }
    return type;
  };
}

function send(reply: FastifyReply, contentTypeOf: (status: number) => string, result: AnyReply): FastifyReply {
  reply.code(result.status);
  const { headers } = result;
  if (headers !== undefined)
    for (const name in headers) {
      const value = headers[name];
      if (value !== undefined) reply.header(name, String(value));
    }
  if (result.body === undefined) return reply.send();
  reply.type(contentTypeOf(result.status));
  return reply.send(result.body);
}
