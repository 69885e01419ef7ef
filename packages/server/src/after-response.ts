import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Metrics } from './metrics.js';

/** Work a handler leaves for once its answer has been sent. */
export type AfterResponseTask = () => Promise<void>;

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
    void runTasks(request, tasks).then(() => done());
  });
}

/** Runs the deferred tasks one after the other; each failure is logged and the next still runs. */
async function runTasks(request: FastifyRequest, tasks: AfterResponseTask[]): Promise<void> {
  for (const task of tasks) {
    await task().catch((err: unknown) => request.log.error({ err }, 'post-response task failed'));
  }
}
