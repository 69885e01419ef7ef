import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify';
import openapiGlue from 'fastify-openapi-glue';
import { ajvFormats, ajvOptions } from '@mmtel/validation';
import { describe, expect, it } from 'vitest';
import { registerSpecRoutes } from '../../src/http/spec-routes.js';
import { bundledSpec, loadBundledSpec, type OpenApiDocument, SPECS } from '../../src/http/spec.js';

const APIS = ['callcontrol', 'callevent', 'simulator'] as const;

/** The spec without its security schemes, as the server hands it over (glue refuses the 3GPP `tokenUrl` form). */
function withoutSecurity(spec: OpenApiDocument): OpenApiDocument {
  const { security: _security, components, ...rest } = spec;
  const { securitySchemes: _schemes, ...otherComponents } = components ?? {};
  return { ...rest, components: otherComponents };
}

/** Every route a registration adds: method, URL, schema and the resolver's options, as Fastify sees them. */
async function routesOf(register: (app: FastifyInstance) => Promise<void>): Promise<unknown[]> {
  // The server's Ajv options: the ImsPublicId pattern needs them to compile.
  const app = Fastify({ logger: false, ajv: { customOptions: ajvOptions, plugins: [ajvFormats] } });
  const routes: unknown[] = [];
  app.addHook('onRoute', (route) => {
    routes.push({ method: route.method, url: route.url, schema: route.schema, operation: route.config });
  });
  await register(app);
  await app.ready();
  await app.close();
  return routes;
}

// The operationId rides in the route's config, so that the comparison sees which operation each route serves.
const resolver = (operationId: string): Partial<RouteOptions> => ({
  handler: async () => operationId,
  config: { operationId } as NonNullable<RouteOptions['config']>,
});

describe('routes from a bundled spec', () => {
  it.each(APIS)('are the routes fastify-openapi-glue registers for %s, schemas included', async (api) => {
    const spec = withoutSecurity(bundledSpec(api));
    const prefix = '/base';
    const ours = await routesOf((app) => registerSpecRoutes(app, spec, resolver, prefix));
    const glue = await routesOf(async (app) => {
      await app.register(openapiGlue, { specification: spec, operationResolver: resolver as never, prefix });
    });
    expect(ours.length).toBeGreaterThan(0);
    expect(ours).toEqual(glue);
  });

  it.each(APIS)('come from the pre-parsed %s spec, which is the bundled YAML', (api) => {
    expect(bundledSpec(api)).toEqual(loadBundledSpec(SPECS[api]));
  });

  it('leave the document they are built from as it was', async () => {
    const spec = withoutSecurity(bundledSpec('callcontrol'));
    const before = structuredClone(spec);
    await routesOf((app) => registerSpecRoutes(app, spec, resolver, '/base'));
    expect(spec).toEqual(before);
  });
});
