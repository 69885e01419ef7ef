import { createRequire } from 'node:module';
import type { FastifySchemaValidationError, FastifyServerOptions } from 'fastify';

/** What Fastify hands a validator compiler for one part (body, params, querystring, headers) of a route. */
interface RouteSchema {
  schema: unknown;
  method: string;
  url: string;
  httpPart?: string;
  contentType?: string;
}

/** A compiled validator as Fastify calls it: Ajv's, with its `errors` and the root context it may mutate. */
interface Validator {
  (data: unknown, context?: unknown): unknown;
  errors?: FastifySchemaValidationError[] | null;
  schemaEnv?: unknown;
}

type BuildValidator = (externalSchemas: unknown, ajvOptions: unknown) => (route: RouteSchema) => Validator;

/*
 * Fastify's own validator compiler (@fastify/ajv-compiler, with the options given to Fastify as
 * `ajv`), required where Fastify requires it from: it is Fastify's dependency, not the server's,
 * and the same instance keeps validation exactly as Fastify does it.
 */
const fastifyRequire = createRequire(createRequire(import.meta.url).resolve('fastify'));
const defaultBuilder = (fastifyRequire('@fastify/ajv-compiler') as () => BuildValidator)();

/**
 * Route validators compiled at first use instead of before the server is ready. Fastify compiles
 * every route's schemas before `ready` (~50 % of the start's Ajv time, ~250 ms on the loaded 2-core
 * machine); with this builder each validator is compiled by the first request that needs it, or by
 * `warmUp` once the server is ready, whichever comes first. Validation itself is unchanged: the same
 * compiler with the same options compiles the same schema.
 */
export class LazyValidators {
  private readonly pending = new Set<() => void>();

  /** The `schemaController` option of Fastify that makes its validators lazy. */
  schemaController(): NonNullable<FastifyServerOptions['schemaController']> {
    const buildValidator: BuildValidator = (externalSchemas, ajvOptions) => {
      const compile = defaultBuilder(externalSchemas, ajvOptions);
      return (route) => {
        // Fastify lower-cases a headers schema's property names (as Node gives the headers) only
        // for its default compiler, not for a compiler factory of our own; the specs have no header
        // parameters, and one added later must not be validated against the wrong names.
        if (route.httpPart === 'headers')
          throw new Error(
            `${route.method} ${route.url}: header parameters are not supported by the lazy validators (http/lazy-validators.ts)`,
          );
        return this.lazy(() => compile(route));
      };
    };
    return { compilersFactory: { buildValidator } } as NonNullable<FastifyServerOptions['schemaController']>;
  }

  /** How many route validators are not compiled yet. */
  get uncompiled(): number {
    return this.pending.size;
  }

  /** Compiles every validator not compiled yet, one per event-loop turn (the server keeps answering meanwhile). */
  async warmUp(): Promise<void> {
    for (const compile of [...this.pending]) {
      await new Promise((resolve) => setImmediate(resolve));
      compile();
    }
  }

  private lazy(compile: () => Validator): Validator {
    let compiled: Validator | undefined;
    const ensure = (): Validator => {
      if (compiled === undefined) {
        compiled = compile();
        this.pending.delete(ensure);
      }
      return compiled;
    };
    this.pending.add(ensure);
    const validator: Validator = (data, context) => {
      const validate = ensure();
      const valid = validate(data, context);
      validator.errors = validate.errors ?? null;
      return valid;
    };
    // Fastify passes the parent object (so that Ajv may coerce a root value) only to a validator
    // that has `schemaEnv`, as Ajv's compiled functions do.
    validator.schemaEnv = true;
    return validator;
  }
}
