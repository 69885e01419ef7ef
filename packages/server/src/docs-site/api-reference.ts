import scalarApiReference from '@scalar/fastify-api-reference';
import type { FastifyInstance } from 'fastify';
import type { PublishedSpec } from './published-specs.js';
import { specUrls } from './spec-routes.js';

/** Where the interactive API reference is served. */
export const DOCS_PREFIX = '/docs';

/**
 * The interactive API reference (Scalar), one document per published spec, built from the same
 * bundled specs the server routes with. Scalar was chosen for its callbacks: each one is listed
 * under its operation with the URI expression, the body schema and the answers, where Swagger UI
 * hides them behind a tab (and cannot open two callbacks on one URI expression,
 * swagger-api/swagger-ui#5536) and Redoc shows one document per page without a client to try the
 * operations. The receiver-side documents ("What your AS receives") show every notification as
 * an operation of its own besides.
 *
 * Everything the page loads comes from this server: the script is the one bundled in the plugin,
 * the default fonts (loaded from Scalar's CDN) are off, and so are the telemetry and the
 * CORS proxy, so that the page works on a machine without Internet access.
 */
export async function registerApiReference(app: FastifyInstance, specs: readonly PublishedSpec[]): Promise<void> {
  await app.register(scalarApiReference, {
    routePrefix: DOCS_PREFIX,
    logLevel: 'warn',
    configuration: {
      pageTitle: 'MMTel APIs (3GPP TS 29.392): reference',
      // Relative to /docs/, so that the page also works behind a proxy that moves the server's root.
      sources: specs.map((spec, index) => ({
        title: spec.title,
        slug: spec.name.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
        url: `..${specUrls(spec).json}`,
        ...(index === 0 && { default: true }),
      })),
      withDefaultFonts: false,
      telemetry: false,
      hideClientButton: false,
      defaultOpenAllTags: true,
    },
  });
}
