/**
 * The API routes from a bundled spec, as fastify-openapi-glue builds them, without what glue does
 * before: validating the whole document against the OpenAPI meta-schema. Glue compiles that
 * meta-schema with Ajv for every spec it is given (about 300 ms of the start on a quiet machine,
 * three times more under load), and our bundles are already checked by `pnpm generate`
 * (swagger-parser and redocly) and covered by its drift test. The route table itself (the
 * schemas of parameters, bodies and answers) still comes from glue's own OpenAPI 3 parser, so
 * the routes are the ones glue would register; test/http/spec-routes.test.ts holds them equal.
 */
import { createRequire } from 'node:module';
import type { FastifyInstance, FastifySchema, HTTPMethods, RouteOptions } from 'fastify';
import type { OpenApiDocument } from './spec.js';

/** One route of glue's table: what its OpenAPI 3 parser makes of one operation. */
export interface SpecRoute {
  method: HTTPMethods;
  /** The Fastify path (`/ims-sessions/:sessionId`). */
  url: string;
  schema: FastifySchema;
  operationId: string;
  /** The OpenAPI path (`/ims-sessions/{sessionId}`). */
  openapiPath: string;
  config?: Record<string, unknown>;
}

/** Gives the route options of an operation (handler, hooks), as glue's `operationResolver` does. */
export type OperationResolver = (operationId: string, method: string, path: string) => Partial<RouteOptions>;

interface GlueParser {
  parse(spec: unknown, options: { addEmptySchema: boolean; addCookieSchema: boolean }): { routes: SpecRoute[] };
}

// Glue's parser and the dereferencing it applies are not exported; both are loaded from the
// installed glue (pinned to an exact version in package.json) by file, next to its entry point.
const glueEntry = import.meta.resolve('fastify-openapi-glue');
const { ParserV3 } = (await import(new URL('./lib/Parser.v3.js', glueEntry).href)) as { ParserV3: new () => GlueParser };
const { replaceRefs } = (await import(createRequire(glueEntry).resolve('@seriousme/openapi-schema-validator/resolve.js'))) as {
  replaceRefs: (tree: unknown) => unknown;
};

/**
 * The routes of an OpenAPI 3 document, built by glue's parser from the document with its `$ref`s
 * replaced by what they point to (as glue's validator hands it over).
 */
export function specRoutes(spec: OpenApiDocument): SpecRoute[] {
  // replaceRefs rewrites the tree it is given: the caller's document stays as it was.
  const resolved = replaceRefs(structuredClone(spec));
  return new ParserV3().parse(resolved, { addEmptySchema: false, addCookieSchema: false }).routes;
}

/**
 * Registers every operation of `spec` under `prefix` in a child scope of `scope`, with the
 * handler and hooks `resolve` gives for its operationId: what registering glue with
 * `operationResolver` does (the specs' security is the server's own concern, not glue's).
 */
export async function registerSpecRoutes(
  scope: FastifyInstance,
  spec: OpenApiDocument,
  resolve: OperationResolver,
  prefix: string,
): Promise<void> {
  const routes = specRoutes(spec);
  await scope.register(
    async (routesScope) => {
      for (const route of routes) {
        // As glue does: what the resolver gives is spread over the route built from the spec.
        const options: Partial<RouteOptions> = {
          method: route.method,
          url: route.url,
          schema: route.schema,
          ...(route.config !== undefined && { config: route.config }),
          ...resolve(route.operationId, route.method, route.openapiPath),
        };
        routesScope.route(options as RouteOptions);
      }
    },
    { prefix },
  );
}
