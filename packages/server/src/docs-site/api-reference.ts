import type { FastifyInstance } from 'fastify';
import { sendProblem } from '../http/error-handler.js';
import { problem } from '../http/problem.js';
import { withApiRoot } from './docs-document.js';
import type { PublishedSpec, SpecFiles } from './published-specs.js';

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
 * and the default fonts (Scalar's CDN), the telemetry and the agent (which asks Scalar's registry
 * through Scalar's proxy) are off, so that the page works on a machine without Internet access.
 */
export async function registerApiReference(
  app: FastifyInstance,
  options: { specs: readonly PublishedSpec[]; files: SpecFiles; apiRoot: string },
): Promise<void> {
  const { specs, files, apiRoot } = options;
  app.get<{ Params: { file: string } }>(`${DOCS_PREFIX}/specs/:file`, { logLevel: 'warn' }, async (request, reply) => {
    const file = request.params.file.endsWith('.json') ? files.get(request.params.file.slice(0, -'.json'.length)) : undefined;
    if (file === undefined) return sendProblem(reply, problem('RESOURCE_URI_STRUCTURE_NOT_FOUND', `No document at ${request.url}.`));
    return reply.type('application/json; charset=utf-8').send(withApiRoot((await file).json, apiRoot));
  });
  // Loaded here, not at the top: the plugin (its bundled page script) is the largest module of the
  // server (~130–250 ms to load on the 2-core machine), and the docs page is off in production.
  const { default: scalarApiReference } = await import('@scalar/fastify-api-reference');
  await app.register(scalarApiReference, {
    routePrefix: DOCS_PREFIX,
    logLevel: 'warn',
    configuration: {
      pageTitle: 'MMTel APIs (3GPP TS 29.392): reference',
      // Relative to /docs/, so that the page also works behind a proxy that moves the server's root.
      sources: specs.map((spec, index) => ({
        title: spec.title,
        slug: spec.name.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
        url: `specs/${spec.name}.json`,
        ...(index === 0 && { default: true }),
      })),
      withDefaultFonts: false,
      telemetry: false,
      agent: { disabled: true },
      showDeveloperTools: 'never',
      defaultOpenAllTags: true,
    },
  });
}
