import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { Metrics } from '../src/metrics.js';
import { openStore } from '../src/store/open-store.js';

async function metricsOfFreshStore(): Promise<Metrics> {
  const dataDir = await mkdtemp(join(tmpdir(), 'mmtel-metrics-'));
  const store = await openStore({ dataDir, leaseMs: 7_000 });
  onTestFinished(async () => {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  return new Metrics(store);
}

describe('the server metrics', () => {
  it('count what was observed before prom-client was loaded in the first scrape', async () => {
    const metrics = await metricsOfFreshStore();
    metrics.observeRequest('POST', '/mmtel-callcontrol/v1/ims-sessions', 201, 3);
    metrics.engineHooks().delivered('http://as.example/cb', 12);
    metrics.engineHooks().failed('http://as.example/cb', 'gone');
    const { contentType, text } = await metrics.exposition();
    expect(contentType).toMatch(/^text\/plain/);
    expect(text).toMatch(/mmtel_http_requests_total\{method="POST",route="\/mmtel-callcontrol\/v1\/ims-sessions",status="201"\} 1/);
    expect(text).toMatch(/mmtel_notification_deliveries_total\{callback="http:\/\/as.example\/cb"\} 1/);
    expect(text).toMatch(/mmtel_notification_failures_total\{callback="http:\/\/as.example\/cb",reason="gone"\} 1/);
  });

  it('count an observation once, whether it was kept for the load or made after it', async () => {
    const metrics = await metricsOfFreshStore();
    metrics.observeRequest('GET', undefined, 404, 1);
    await metrics.load();
    metrics.observeRequest('GET', undefined, 404, 1);
    const { text } = await metrics.exposition();
    expect(text).toMatch(/mmtel_http_requests_total\{method="GET",route="unmatched",status="404"\} 2/);
    expect(text).toMatch(/nodejs_eventloop_lag_seconds/);
  });
});
