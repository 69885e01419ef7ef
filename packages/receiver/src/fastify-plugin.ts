import { callbacks } from '@mmtel/types';
import {
  causeOfBodyError,
  closeLingeringReads,
  installJsonBodyParser,
  readRestOfRefusedBody,
  sendProblem,
  unsupportedMediaType,
  type BodyProtocolCause,
} from '@mmtel/validation';
import type { FastifyError, FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { fastifyPlugin } from 'fastify-plugin';
import { dispatchNotification, servedCallbacks, type Dispatched } from './dispatch.js';
import { NotificationError, type NotificationErrorCode, type NotificationErrorHook } from './notification-error.js';
import { compileNotificationValidators } from './notification-validator.js';
import type { CallbackName, NotificationHandlers } from './notifications.js';
import { responseOf } from './outcomes.js';
import { receiverProblem } from './problems.js';

/** Where the receiver serves each callback. */
export type NotificationPaths = Partial<Record<CallbackName, string>>;

/** Options of the `notificationReceiver` Fastify plugin. */
export interface NotificationReceiverOptions {
  /** The Application Server's handlers; a callback is served when one of its handlers is given. */
  handlers: NotificationHandlers;
  /**
   * The path of each callback, i.e. of the `notifUri` (or the configured
   * SessionEventNotificationUri) the AS hands the server. Defaults: the table's `receiverPath`
   * (`/ims-session-notification`, `/session-event-notification`).
   */
  paths?: NotificationPaths;
  /** Told of every notification not handled (rejected, or failed in the handler). */
  onError?: NotificationErrorHook;
  /**
   * A prefix of every path. Fastify ignores `prefix` for a plugin wrapped by fastify-plugin, so
   * the receiver applies it itself; registering inside a prefixed plugin works too.
   */
  prefix?: string;
}

/**
 * The notification receiver as a Fastify plugin: one POST route per served callback, bodies
 * validated against the generated callback schemas, typed handlers, ProblemDetails answers.
 * Its content-type parser and error handler stay inside its own routes.
 * @see 3GPP TS 29.122 clause 5.2.5.2
 */
export const notificationReceiver: FastifyPluginAsync<NotificationReceiverOptions> = fastifyPlugin(
  async (app: FastifyInstance, options: NotificationReceiverOptions) => {
    const served = servedCallbacks(options.handlers);
    compileNotificationValidators(served);
    closeLingeringReads(app);
    for (const { callback, path } of servedRoutes(options, false)) {
      await app.register(
        async (scope) => registerCallbackRoute(scope, callback, path, options),
        options.prefix === undefined ? {} : { prefix: options.prefix },
      );
    }
  },
  { name: '@mmtel/receiver', fastify: '5.x' },
);

/**
 * The route of each callback the options serve: the handlers given, at their paths (and under the
 * prefix when `withPrefix`: the full path a POST must reach).
 */
export function servedRoutes(options: NotificationReceiverOptions, withPrefix = true): Array<{ callback: CallbackName; path: string }> {
  return servedCallbacks(options.handlers).map((callback) => {
    const path = options.paths?.[callback] ?? callbacks[callback].receiverPath;
    return { callback, path: withPrefix && options.prefix !== undefined ? `${options.prefix.replace(/\/+$/, '')}${path}` : path };
  });
}

function registerCallbackRoute(scope: FastifyInstance, callback: CallbackName, path: string, options: NotificationReceiverOptions): void {
  const report = reporter(options.onError);
  // Only the callback's declared request content type is parsed, as the server parses its requests; any other gets 415.
  installJsonBodyParser(scope, [callbacks[callback].requestContentType]);

  scope.setErrorHandler((error: FastifyError, request, reply) => {
    const cause = causeOfBodyError(error);
    if (cause !== undefined) {
      const code = ERROR_CODE_OF_CAUSE[cause];
      // The sender may still be sending the body refused (413, 415): it must get to read the answer.
      readRestOfRefusedBody(request, reply);
      request.log.warn({ err: error }, 'notification rejected');
      report(new NotificationError(code, error.message, { transport: 'http', callback, cause: error }), request);
      if (cause === 'UNSUPPORTED_MEDIA_TYPE') {
        const { detail, invalidParams } = unsupportedMediaType(request.headers['content-type'], [callbacks[callback].requestContentType]);
        return sendProblem(reply, receiverProblem(cause, detail, invalidParams));
      }
      return sendProblem(reply, receiverProblem(cause, error.message));
    }
    // Another client error, e.g. from an authentication hook of the application: keep its status.
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500)
      return sendProblem(reply, { status, title: error.message, ...(error.code !== undefined && { cause: error.code }) });
    request.log.error({ err: error }, 'notification receiver failed');
    report(new NotificationError('HANDLER_FAILED', error.message, { transport: 'http', callback, cause: error }), request);
    return sendProblem(reply, receiverProblem('SYSTEM_FAILURE', 'The notification receiver failed.'));
  });

  scope.post(path, async (request, reply) => {
    const dispatched = await dispatchNotification(options.handlers, request.body, {
      callback,
      transport: 'http',
      headers: request.headers,
    });
    return answer(request, reply, callback, dispatched, report);
  });
}

function answer(
  request: FastifyRequest,
  reply: FastifyReply,
  callback: CallbackName,
  dispatched: Dispatched,
  report: Report,
): FastifyReply {
  if (dispatched.kind === 'rejected') {
    request.log.warn({ invalidParams: dispatched.problem.invalidParams }, 'invalid notification rejected');
    report(dispatched.error, request);
    return sendProblem(reply, dispatched.problem);
  }
  if (dispatched.kind === 'failed') {
    request.log.error({ err: dispatched.error }, dispatched.error.message);
    report(dispatched.error, request);
    return sendProblem(reply, dispatched.problem);
  }
  const { outcome } = dispatched;
  if (outcome === undefined) return reply.code(204).send();
  reply.code(outcome.status).headers(outcome.headers);
  if (outcome.problem !== undefined) return reply.type('application/problem+json').send(outcome.problem);
  // A redirect's RedirectResponse goes out only where the callback defines a body (MMTel_CallEvent).
  const contentType = responseOf(callback, outcome.status)?.contentType ?? null;
  if (contentType !== null && outcome.redirect !== undefined) return reply.type(contentType).send(outcome.redirect);
  return reply.send();
}

/** The NotificationError code of each error Fastify raises about a notification's body. */
const ERROR_CODE_OF_CAUSE: Record<BodyProtocolCause, NotificationErrorCode> = {
  INVALID_MSG_FORMAT: 'INVALID_JSON',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
};

type Report = (error: NotificationError, request: FastifyRequest) => void;

/** Calls the onError hook; a hook that throws is logged, never lets the answer fail. */
function reporter(hook: NotificationErrorHook | undefined): Report {
  return (error, request) => {
    if (hook === undefined) return;
    try {
      hook(error);
    } catch (err) {
      request.log.error({ err }, 'the onError hook of the notification receiver threw');
    }
  };
}
