import * as prom from 'prom-client';
import { describe, expect, it } from 'vitest';
import { REQUEST_DURATION_BUCKETS, RequestMetrics } from '../src/request-metrics.js';

/** Answers as [method, route, status, seconds], spread over buckets, routes and statuses, one slower than every bound. */
const ANSWERS: Array<[string, string, number, number]> = [
  ['POST', '/mmtel-callcontrol/v1/ims-sessions', 201, 0.0004],
  ['POST', '/mmtel-callcontrol/v1/ims-sessions', 201, 0.003],
  ['POST', '/mmtel-callcontrol/v1/ims-sessions', 400, 0.001],
  ['DELETE', '/mmtel-callcontrol/v1/ims-sessions/:sessionId', 204, 0.02],
  ['DELETE', '/mmtel-callcontrol/v1/ims-sessions/:sessionId', 404, 7],
  ['GET', 'unmatched', 404, 0.7],
];

/** The exposition prom-client's own Counter and Histogram give for `answers`. */
async function promClientText(answers: typeof ANSWERS): Promise<string> {
  const registry = new prom.Registry();
  const requests = new prom.Counter({
    name: 'mmtel_http_requests_total',
    help: 'HTTP requests answered, by route and status.',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const duration = new prom.Histogram({
    name: 'mmtel_http_request_duration_seconds',
    help: 'Time to answer a request.',
    labelNames: ['method', 'route'],
    buckets: [...REQUEST_DURATION_BUCKETS],
    registers: [registry],
  });
  for (const [method, route, status, seconds] of answers) {
    requests.inc({ method, route, status: String(status) });
    duration.observe({ method, route }, seconds);
  }
  return registry.metrics();
}

async function requestMetricsText(metrics: RequestMetrics): Promise<string> {
  const registry = new prom.Registry();
  metrics.register(prom, registry);
  return registry.metrics();
}

describe('the request metrics', () => {
  it("expose what prom-client's own Counter and Histogram expose for the same answers", async () => {
    const metrics = new RequestMetrics();
    for (const answer of ANSWERS) metrics.observe(...answer);
    expect(await requestMetricsText(metrics)).toBe(await promClientText(ANSWERS));
  });

  it('count the answers made between two scrapes once, in the second', async () => {
    const metrics = new RequestMetrics();
    const registry = new prom.Registry();
    metrics.register(prom, registry);
    for (const answer of ANSWERS.slice(0, 3)) metrics.observe(...answer);
    await registry.metrics();
    for (const answer of ANSWERS.slice(3)) metrics.observe(...answer);
    expect(await registry.metrics()).toBe(await promClientText(ANSWERS));
  });
});
