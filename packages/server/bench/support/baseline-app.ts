import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import openapiGlue from 'fastify-openapi-glue';
import { ajvFormats, ajvOptions } from '@mmtel/validation';
import { loadBundledSpec, type OpenApiDocument, SPECS } from '../../src/http/spec.js';

/** Where the baseline's IMS sessions live: the URL prefix of the CallControl API. */
import { CALL_CONTROL_BASE_PATH } from './run-load.js';

/**
 * The floor the reference server is measured against: bare Fastify serving CreateImsSession and
 * ReleaseImsSession from the same bundled spec through fastify-openapi-glue, with the server's Ajv
 * options, and a Map for sessions. What the server costs above it is our own code and its store.
 */
export async function buildBaselineApp(apiRoot: string): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, ajv: { customOptions: ajvOptions, plugins: [ajvFormats] } });
  // The server sends bodies with JSON.stringify, not a schema-driven serializer; do the same so
  // that serialization is not a difference between the two.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));

  const sessions = new Map<string, Record<string, unknown>>();
  const serviceHandlers = {
    async CreateImsSession(request: FastifyRequest<{ Body: Record<string, unknown> }>, reply: FastifyReply) {
      const sessionId = randomUUID();
      const self = `${apiRoot}${CALL_CONTROL_BASE_PATH}/ims-sessions/${sessionId}`;
      const body = request.body as { imsSessionInfo: Record<string, unknown> };
      const session = { ...body, imsSessionInfo: { ...body.imsSessionInfo, sessionId, sessionState: 'INITIATING' }, self };
      sessions.set(sessionId, session);
      return reply.code(201).header('location', self).send(session);
    },
    async ReleaseImsSession(request: FastifyRequest<{ Params: { sessionId: string } }>, reply: FastifyReply) {
      return reply.code(sessions.delete(request.params.sessionId) ? 204 : 404).send();
    },
  };
  const specification = createAndReleaseOnly(loadBundledSpec(SPECS.callcontrol));
  await app.register(openapiGlue, { specification, serviceHandlers, prefix: CALL_CONTROL_BASE_PATH });
  return app;
}

/**
 * The CallControl spec cut down to the two operations driven, without the security schemes
 * (glue rejects the 3GPP `tokenUrl: '{tokenUrl}'`, as app.ts explains).
 */
function createAndReleaseOnly(spec: OpenApiDocument): OpenApiDocument {
  const { security: _security, components, paths, ...rest } = spec;
  const { securitySchemes: _schemes, ...otherComponents } = components ?? {};
  const all = paths as Record<string, Record<string, unknown> | undefined>;
  const collection = all['/ims-sessions'];
  const individual = all['/ims-sessions/{sessionId}'];
  if (!collection?.post || !individual?.delete)
    throw new Error('the bundled CallControl spec lacks POST /ims-sessions or DELETE /ims-sessions/{sessionId}');
  return {
    ...rest,
    components: otherComponents,
    paths: {
      '/ims-sessions': { post: collection.post },
      '/ims-sessions/{sessionId}': { parameters: individual.parameters, delete: individual.delete },
    },
  };
}
