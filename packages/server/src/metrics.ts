import type * as PromClient from 'prom-client';
import { RequestMetrics } from './request-metrics.js';
import type { Store } from './store/store.js';

/** What `/metrics` answers: the Prometheus text exposition and its media type. */
export interface MetricsExposition {
  contentType: string;
  text: string;
}

/**
 * The server's Prometheus metrics, in a registry of their own (several apps may share a process in
 * tests). prom-client (~30 ms of module loading) is loaded once the server is ready, or by the
 * first scrape or observation if that comes first, so that the start does not wait for it; what
 * is observed before it is there is kept and counted as soon as it is.
 */
export class Metrics {
  readonly #store: Store;
  readonly #requests = new RequestMetrics();
  #collectors: Collectors | undefined;
  #loading: Promise<Collectors> | undefined;
  #pending: Array<(collectors: Collectors) => void> = [];

  constructor(store: Store) {
    this.#store = store;
  }

  /** Loads prom-client and creates the metrics (once); the observations kept until then are counted. */
  async load(): Promise<void> {
    await this.#collectorsLoaded();
  }

  /** Every metric, for a scrape. */
  async exposition(): Promise<MetricsExposition> {
    const { registry } = await this.#collectorsLoaded();
    return { contentType: registry.contentType, text: await registry.metrics() };
  }

  /** Counts an answered request and its duration (`elapsedMs`, as Fastify measures it); `route` is undefined when no route matched. */
  observeRequest(method: string, route: string | undefined, status: number, elapsedMs: number): void {
    // Counted without prom-client (request-metrics.ts): it need not be loaded yet.
    this.#requests.observe(method, route ?? 'unmatched', status, elapsedMs / 1000);
  }

  /** Hooks for the notification engine. */
  engineHooks() {
    return {
      delivered: (callback: string, ms: number) =>
        this.#record((c) => {
          c.deliveries.inc({ callback });
          c.deliveryDuration.observe({ callback }, ms / 1000);
        }),
      retried: (callback: string, reason: string) => this.#record((c) => c.retries.inc({ callback, reason })),
      failed: (callback: string, reason: string) => this.#record((c) => c.failures.inc({ callback, reason })),
      redirected: (callback: string, status: number) => this.#record((c) => c.redirects.inc({ callback, status: String(status) })),
    };
  }

  #record(observe: (collectors: Collectors) => void): void {
    if (this.#collectors !== undefined) return observe(this.#collectors);
    this.#pending.push(observe);
    void this.#collectorsLoaded();
  }

  #collectorsLoaded(): Promise<Collectors> {
    this.#loading ??= import('prom-client').then((prom) => {
      const collectors = new Collectors(prom, this.#store, this.#requests);
      this.#collectors = collectors;
      for (const observe of this.#pending) observe(collectors);
      this.#pending = [];
      return collectors;
    });
    return this.#loading;
  }
}

/** The metrics themselves, created once prom-client is loaded. */
class Collectors {
  readonly registry: PromClient.Registry;
  readonly deliveries: PromClient.Counter<'callback'>;
  readonly retries: PromClient.Counter<'callback' | 'reason'>;
  readonly failures: PromClient.Counter<'callback' | 'reason'>;
  readonly redirects: PromClient.Counter<'callback' | 'status'>;
  readonly deliveryDuration: PromClient.Histogram<'callback'>;

  constructor(prom: typeof PromClient, store: Store, requests: RequestMetrics) {
    const { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } = prom;
    const registry = new Registry();
    const registers = [registry];
    this.registry = registry;
    requests.register(prom, registry);
    this.deliveries = new Counter({
      name: 'mmtel_notification_deliveries_total',
      help: 'Notifications delivered, by callback.',
      labelNames: ['callback'],
      registers,
    });
    this.retries = new Counter({
      name: 'mmtel_notification_retries_total',
      help: 'Notification attempts that will be retried, by callback and reason.',
      labelNames: ['callback', 'reason'],
      registers,
    });
    this.failures = new Counter({
      name: 'mmtel_notification_failures_total',
      help: 'Notifications given up on, by callback and reason.',
      labelNames: ['callback', 'reason'],
      registers,
    });
    this.redirects = new Counter({
      name: 'mmtel_notification_redirects_total',
      help: 'Notification redirects followed (307/308).',
      labelNames: ['callback', 'status'],
      registers,
    });
    this.deliveryDuration = new Histogram({
      name: 'mmtel_notification_delivery_seconds',
      help: 'Time from acceptance to delivery.',
      labelNames: ['callback'],
      buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 300],
      registers,
    });
    collectDefaultMetrics({ register: registry });
    new Gauge({
      name: 'mmtel_outbox_depth',
      help: 'Notifications accepted and not yet delivered or given up.',
      registers,
      async collect() {
        this.set(await store.outbox.depth());
      },
    });
    new Gauge({
      name: 'mmtel_ims_sessions',
      help: 'Individual IMS Session resources stored.',
      registers,
      async collect() {
        this.set(await store.sessions.countSessions());
      },
    });
  }
}
