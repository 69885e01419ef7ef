import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Metrics } from './metrics.js';

/**
 * Work a handler leaves for once its answer has been sent: synchronous when it has nothing to
 * wait for (most creations only tell the network), so that such an answer finishes without a promise.
 */
export type AfterResponseTask = () => void | Promise<void>;

declare module 'fastify' {
  interface FastifyRequest {
    /** What runAfterResponse deferred for this request; null (the common case) when nothing. */
    afterResponseTasks: AfterResponseTask[] | null;
  }
}

/** Runs `task` once the answer to `request` has been sent; a failure is logged, never answered. */
export function runAfterResponse(request: FastifyRequest, task: AfterResponseTask): void {
  (request.afterResponseTasks ??= []).push(task);
}

/**
 * The server's one onResponse hook, for what follows every answer, whatever the route: the request
 * metrics; closing the socket of an upgrade that got an HTTP answer instead of a WebSocket (Node no
 * longer tracks it: left open, it outlives the answer and holds up shutdown); then the tasks the
 * handler deferred (the test notification and the simulated call must not overtake a 201).
 */
export function installAfterResponse(app: FastifyInstance, metrics: Metrics): void {
  app.decorateRequest('afterResponseTasks', null);
  // A callback hook: most answers defer nothing, and they then finish without a promise.
  app.addHook('onResponse', (request, reply, done) => {
    metrics.observeRequest(request.method, request.routeOptions.url, reply.statusCode, reply.elapsedTime);
    // Only WebSocket handshakes still carry an Upgrade header here: acceptWebsocketUpgrades serves
    // any other upgrade as plain HTTP, without it.
    if (request.headers.upgrade !== undefined) request.raw.socket?.destroy();
    const tasks = request.afterResponseTasks;
    if (tasks === null) return done();
    runTasks(request, tasks, 0, done);
  });
}

/**
 * Runs the deferred tasks from `from` on, one after the other, then calls `done`; each failure
 * is logged and the next task still runs. Written with callbacks rather than as an async loop:
 * synchronous tasks (the common case) then cost no promise and no suspended frame per request.
 */
function runTasks(request: FastifyRequest, tasks: AfterResponseTask[], from: number, done: () => void): void {
  for (let i = from; i < tasks.length; i++) {
    let pending: void | Promise<void>;
    try {
      pending = tasks[i]!();
    } catch (err) {
      logFailure(request, err);
      continue;
    }
    if (pending !== undefined) {
      const next = () => runTasks(request, tasks, i + 1, done);
      pending.then(next, (err: unknown) => {
        logFailure(request, err);
        next();
      });
      return;
    }
  }
  done();
}

function logFailure(request: FastifyRequest, err: unknown): void {
  request.log.error({ err }, 'post-response task failed');
}
