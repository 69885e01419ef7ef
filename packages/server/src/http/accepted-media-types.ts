import type { FastifyRequest } from 'fastify';
import { operations } from '../generated/operations.gen.js';

/** Route URL (Fastify form, `:param`) and method → the request media types of its operation. */
const BY_ROUTE = new Map(
  Object.values(operations).map((operation) => [
    `${operation.method} ${operation.basePath}${operation.path.replace(/\{([^}]+)\}/g, ':$1')}`,
    operation.requestContentTypes,
  ]),
);

/**
 * The media types the operation of a request accepts as its body, from the spec; undefined for a
 * route that is no operation of the specs (or one that takes no body).
 */
export function acceptedMediaTypes(request: FastifyRequest): readonly string[] | undefined {
  const accepted = BY_ROUTE.get(`${request.method} ${request.routeOptions.url ?? ''}`);
  return accepted !== undefined && accepted.length > 0 ? accepted : undefined;
}
