import type { Server } from 'node:http';
import { fastify, type FastifyHttpOptions, type FastifyInstance } from 'fastify';
import { notificationReceiver, type NotificationReceiverOptions } from './fastify-plugin.js';
import { receiverProblem } from './problems.js';

/** Options of a standalone receiver. */
export interface ReceiverOptions extends NotificationReceiverOptions {
  /** Fastify server options (`logger`, `bodyLimit`, …). Default: Fastify's, without a logger. */
  fastify?: FastifyHttpOptions<Server>;
}

/**
 * A standalone notification receiver: a Fastify server with the `notificationReceiver` plugin,
 * answering a ProblemDetails 404 on any other path. It does not listen: call
 * `await receiver.listen({ port })`, and `close()` to stop.
 */
export function createReceiver(options: ReceiverOptions): FastifyInstance {
  const { fastify: serverOptions, ...receiverOptions } = options;
  const app = fastify(serverOptions ?? {});
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .type('application/problem+json')
      .send(receiverProblem('RESOURCE_URI_STRUCTURE_NOT_FOUND', `No notification callback at ${request.method} ${request.url}.`)),
  );
  app.register(notificationReceiver, receiverOptions);
  return app;
}
