import type { AddressInfo } from 'node:net';
import { fastify, type FastifyError, type FastifyInstance } from 'fastify';
import { onTestFinished } from 'vitest';
import {
  causeOfBodyError,
  closeLingeringReads,
  installJsonBodyParser,
  problem,
  readRestOfRefusedBody,
  sendProblem,
  type LingeringReadBounds,
} from '../../src/index.js';

/**
 * A Fastify app that parses JSON bodies and answers Fastify's body errors as the server and the
 * receiver do, with POST /echo answering the body parsed; closed when the test ends.
 */
export async function jsonApp(options: { bodyLimit?: number; lingering?: LingeringReadBounds } = {}): Promise<FastifyInstance> {
  const app = fastify({ bodyLimit: options.bodyLimit ?? 1024 * 1024 });
  installJsonBodyParser(app, ['application/json']);
  closeLingeringReads(app);
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const cause = causeOfBodyError(error);
    if (cause === undefined) throw error;
    readRestOfRefusedBody(request, reply, options.lingering);
    return sendProblem(reply, problem(cause, error.message));
  });
  app.post('/echo', async (request) => ({ body: request.body }));
  onTestFinished(() => app.close());
  await app.ready();
  return app;
}

/** Starts `app` on loopback; its origin. */
export async function listen(app: FastifyInstance): Promise<{ host: string; port: number; origin: string }> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return { host: '127.0.0.1', port, origin: `http://127.0.0.1:${port}` };
}
