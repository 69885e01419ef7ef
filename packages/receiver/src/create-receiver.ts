import type { Server } from 'node:http';
import { fastify, type FastifyHttpOptions, type FastifyInstance } from 'fastify';
import { notificationReceiver, type NotificationReceiverOptions, servedRoutes } from './fastify-plugin.js';
import { NotificationError } from './notification-error.js';
import { receiverProblem } from './problems.js';

/** Options of a standalone receiver. */
export interface ReceiverOptions extends NotificationReceiverOptions {
  /** Fastify server options (`logger`, `bodyLimit`, …). Default: Fastify's, without a logger. */
  fastify?: FastifyHttpOptions<Server>;
}

/**
 * A standalone notification receiver: a Fastify server with the `notificationReceiver` plugin,
 * answering a ProblemDetails 404 on any other path. A POST there is most likely a notification
 * sent to a `notifUri` that does not match the receiver's paths: it is also told to `onError`
 * (`UNKNOWN_PATH`, with the path and what the receiver serves), so that it is not lost unseen.
 * It does not listen: call `await receiver.listen({ port })`, and `close()` to stop.
 */
export function createReceiver(options: ReceiverOptions): FastifyInstance {
  const { fastify: serverOptions, ...receiverOptions } = options;
  const app = fastify(serverOptions ?? {});
  const served = servedRoutes(receiverOptions).map(({ path }) => `POST ${path}`);
  app.setNotFoundHandler((request, reply) => {
    const detail = `No notification callback at ${request.method} ${request.url}; this receiver serves ${served.join(', ')}.`;
    if (request.method === 'POST' && receiverOptions.onError !== undefined) {
      const path = request.url.split('?', 1)[0]!;
      const error = new NotificationError(
        'UNKNOWN_PATH',
        `a notification was posted to ${path}; this receiver serves ${served.join(', ')}`,
        {
          transport: 'http',
          path,
          served,
        },
      );
      try {
        receiverOptions.onError(error);
      } catch (err) {
        request.log.error({ err }, 'the onError hook of the notification receiver threw');
      }
    }
    return reply.code(404).type('application/problem+json').send(receiverProblem('RESOURCE_URI_STRUCTURE_NOT_FOUND', detail));
  });
  app.register(notificationReceiver, receiverOptions);
  return app;
}
