import rateLimit from '@fastify/rate-limit';
import underPressure from '@fastify/under-pressure';
import type { FastifyInstance } from 'fastify';
import type { SecurityConfig } from '../config.js';
import { sendProblem } from '../http/error-handler.js';
import { problem, ProblemError } from '../http/problem.js';

/** How often under-pressure samples the event loop delay and memory. */
const SAMPLE_INTERVAL_MS = 1000;

/** Routes that answer even under pressure: a load balancer must still see the process alive. */
const ALWAYS_ANSWERED = new Set(['/healthz', '/metrics']);

/**
 * Overload shedding (503 NF_CONGESTION with Retry-After when the event loop lags or memory runs
 * high) and the URI length bound (414), for every route, before anything else runs.
 */
export async function installOverloadProtection(app: FastifyInstance, limits: SecurityConfig['limits']): Promise<void> {
  app.addHook('onRequest', async (request, reply) => {
    if (request.url.length > limits.maxUrlLength) {
      return sendProblem(reply, problem('URI_TOO_LONG', `The request URI is longer than ${limits.maxUrlLength} characters.`));
    }
  });
  const { overload } = limits;
  if (!overload.enabled) return;
  // The first samples after start-up measure the schema compilation of the start, not load.
  let sheddingFrom = Number.POSITIVE_INFINITY;
  app.addHook('onReady', async () => {
    sheddingFrom = Date.now() + 2 * SAMPLE_INTERVAL_MS;
  });
  await app.register(underPressure, {
    sampleInterval: SAMPLE_INTERVAL_MS,
    maxEventLoopDelay: overload.maxEventLoopDelayMs,
    maxHeapUsedBytes: overload.maxHeapUsedBytes,
    maxRssBytes: overload.maxRssBytes,
    retryAfter: overload.retryAfterSec,
    pressureHandler: (request, _reply, type) => {
      if (Date.now() < sheddingFrom || ALWAYS_ANSWERED.has(request.url.split('?', 1)[0]!)) return undefined;
      // A rejected promise reaches the one error handler, which answers the ProblemDetails.
      return Promise.reject(new ProblemError('NF_CONGESTION', `The server is overloaded (${type}); retry later.`, undefined, { 'retry-after': String(overload.retryAfterSec) }));
    },
  });
}

/**
 * Per-AF rate limiting of the API routes registered after it in `scope`: 429 NF_CONGESTION_RISK
 * with Retry-After. Keyed by the authenticated AF, so that one AF cannot spend another's budget.
 */
export async function installRateLimit(scope: FastifyInstance, limits: SecurityConfig['limits']): Promise<void> {
  if (limits.rateLimitMax === 0) return;
  await scope.register(rateLimit, {
    max: limits.rateLimitMax,
    timeWindow: limits.rateLimitWindowMs,
    keyGenerator: (request) => request.afId || request.ip,
    errorResponseBuilder: (_request, context) =>
      new ProblemError('NF_CONGESTION_RISK', `More than ${context.max} requests in ${context.after} from this AF; retry later.`, undefined, {
        'retry-after': String(Math.max(1, Math.ceil(context.ttl / 1000))),
      }),
  });
}
