import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Store } from './store/store.js';

/** The server's Prometheus metrics, in a registry of its own (several apps may share a process in tests). */
export class Metrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'mmtel_http_requests_total',
    help: 'HTTP requests answered, by route and status.',
    labelNames: ['method', 'route', 'status'],
    registers: [this.registry],
  });
  readonly requestDuration = new Histogram({
    name: 'mmtel_http_request_duration_seconds',
    help: 'Time to answer a request.',
    labelNames: ['method', 'route'],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [this.registry],
  });
  readonly deliveries = new Counter({
    name: 'mmtel_notification_deliveries_total',
    help: 'Notifications delivered, by callback.',
    labelNames: ['callback'],
    registers: [this.registry],
  });
  readonly retries = new Counter({
    name: 'mmtel_notification_retries_total',
    help: 'Notification attempts that will be retried, by callback and reason.',
    labelNames: ['callback', 'reason'],
    registers: [this.registry],
  });
  readonly failures = new Counter({
    name: 'mmtel_notification_failures_total',
    help: 'Notifications given up on, by callback and reason.',
    labelNames: ['callback', 'reason'],
    registers: [this.registry],
  });
  readonly redirects = new Counter({
    name: 'mmtel_notification_redirects_total',
    help: 'Notification redirects followed (307/308).',
    labelNames: ['callback', 'status'],
    registers: [this.registry],
  });
  readonly deliveryDuration = new Histogram({
    name: 'mmtel_notification_delivery_seconds',
    help: 'Time from acceptance to delivery.',
    labelNames: ['callback'],
    buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 300],
    registers: [this.registry],
  });

  constructor(store: Store) {
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: 'mmtel_outbox_depth',
      help: 'Notifications accepted and not yet delivered or given up.',
      registers: [this.registry],
      async collect() {
        this.set(await store.outbox.depth());
      },
    });
    new Gauge({
      name: 'mmtel_ims_sessions',
      help: 'Individual IMS Session resources stored.',
      registers: [this.registry],
      async collect() {
        this.set(await store.sessions.countSessions());
      },
    });
  }

  /** Counts an answered request and its duration (`elapsedMs`, as Fastify measures it); `route` is undefined when no route matched. */
  observeRequest(method: string, route: string | undefined, status: number, elapsedMs: number): void {
    const path = route ?? 'unmatched';
    this.requests.inc({ method, route: path, status: String(status) });
    this.requestDuration.observe({ method, route: path }, elapsedMs / 1000);
  }

  /** Hooks for the notification engine. */
  engineHooks() {
    return {
      delivered: (callback: string, ms: number) => {
        this.deliveries.inc({ callback });
        this.deliveryDuration.observe({ callback }, ms / 1000);
      },
      retried: (callback: string, reason: string) => this.retries.inc({ callback, reason }),
      failed: (callback: string, reason: string) => this.failures.inc({ callback, reason }),
      redirected: (callback: string, status: number) => this.redirects.inc({ callback, status: String(status) }),
    };
  }
}
