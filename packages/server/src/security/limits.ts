import rateLimit from '@fastify/rate-limit';
import underPressure from '@fastify/under-pressure';
import type { FastifyInstance } from 'fastify';
import type { SecurityConfig } from '../config.js';
import { sendProblem } from '../http/error-handler.js';
import { problem, ProblemError } from '../http/problem.js';
import type { RateCounters } from '../store/store.js';

/** How often under-pressure samples the event loop delay and memory. */
const SAMPLE_INTERVAL_MS = 1000;

/** Routes that answer even under pressure: a load balancer must still see the process alive. */
const ALWAYS_ANSWERED = new Set(['/healthz', '/metrics']);

/**
 * Overload shedding (503 NF_CONGESTION with Retry-After when the event loop lags or memory runs
 * high) and the URI length bound (414), for every route, before anything else runs.
 */
export async function installOverloadProtection(app: FastifyInstance, limits: SecurityConfig['limits']): Promise<void> {
  // A callback hook: it runs on every request and decides synchronously (an async one costs a
  // promise and a turn per request). Answering without calling done() ends the request here.
  app.addHook('onRequest', (request, reply, done) => {
    if (request.url.length > limits.maxUrlLength) {
      sendProblem(reply, problem('URI_TOO_LONG', `The request URI is longer than ${limits.maxUrlLength} characters.`));
      return;
    }
    done();
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
      return Promise.reject(
        new ProblemError('NF_CONGESTION', `The server is overloaded (${type}); retry later.`, undefined, {
          'retry-after': String(overload.retryAfterSec),
        }),
      );
    },
  });
}

/**
 * Per-AF rate limiting of the API routes registered after it in `scope`: 429 NF_CONGESTION_RISK
 * with Retry-After. Keyed by the authenticated AF, so that one AF cannot spend another's budget.
 * With `counters` (the PostgreSQL store's, shared by every instance on the database; by default
 * those of the store the app decorates as `mmtel`) the limit holds for the deployment: an AF gets
 * `max` requests per window whichever instances it spreads them over. Without (LMDB: one process),
 * the process counts in memory. While shared counters cannot be reached, a request gets the store's
 * 503 with Retry-After, as any request that needs PostgreSQL does, rather than going uncounted.
 */
export async function installRateLimit(
  scope: FastifyInstance,
  limits: SecurityConfig['limits'],
  counters: RateCounters | undefined = storeCounters(scope),
): Promise<void> {
  if (limits.rateLimitMax === 0) return;
  await scope.register(rateLimit, {
    max: limits.rateLimitMax,
    timeWindow: limits.rateLimitWindowMs,
    ...(counters !== undefined && { store: sharedStore(counters) }),
    keyGenerator: (request) => request.afId || request.ip,
    errorResponseBuilder: (_request, context) =>
      new ProblemError(
        'NF_CONGESTION_RISK',
        `More than ${context.max} requests in ${context.after} from this AF; retry later.`,
        undefined,
        {
          'retry-after': String(Math.max(1, Math.ceil(context.ttl / 1000))),
        },
      ),
  });
}

/** The rate counters of the store decorated as `mmtel` on `scope` (the app's), if it shares any. */
function storeCounters(scope: FastifyInstance): RateCounters | undefined {
  return scope.hasDecorator('mmtel') ? scope.mmtel.store.rateCounters : undefined;
}

/** What @fastify/rate-limit calls a store: incr counts a request and calls back with the count and the window's ms left. */
interface RateLimitStore {
  incr(
    key: string,
    callback: (error: Error | null, result?: { current: number; ttl: number }) => void,
    timeWindow: number,
    max: number,
  ): void;
  child(): RateLimitStore;
}

/**
 * A @fastify/rate-limit store class over shared counters (the plugin instantiates the class it is
 * given, with its own options only, hence the class made here around `counters`).
 */
function sharedStore(counters: RateCounters): new () => RateLimitStore {
  return class SharedRateLimitStore implements RateLimitStore {
    incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void, timeWindow: number): void {
      counters.hit(key, timeWindow).then(
        ({ count, ttlMs }) => callback(null, { current: count, ttl: ttlMs }),
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
      );
    }

    child(): RateLimitStore {
      return this;
    }
  };
}
