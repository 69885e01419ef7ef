import type * as PromClient from 'prom-client';

/** Upper bounds of the request duration histogram, in seconds. */
export const REQUEST_DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5] as const;

/** What was answered on one route with one method: the counts by status and the durations. */
interface RouteSeries {
  /** Answers by status not yet added to the prom-client counter. */
  unreported: Map<number, number>;
  /** Per bucket of REQUEST_DURATION_BUCKETS, the answers that took at most its bound and more than the one before. */
  buckets: number[];
  count: number;
  sumSeconds: number;
}

/** A value of a metric as prom-client's registry formats it: the `le` label apart from the series' labels. */
interface ExportedValue {
  labels: Record<string, string | number>;
  sharedLabels: Record<string, string>;
  value: number;
  metricName: string;
}

/**
 * The request metrics (`mmtel_http_requests_total`, `mmtel_http_request_duration_seconds`), counted
 * in plain numbers per route and handed to prom-client when it is scraped. prom-client's own
 * `inc` and `observe` hash the labels into a string and allocate per call, on every answer; here
 * an answer costs three map look-ups and a few additions, and the exposition is the same.
 */
export class RequestMetrics {
  /** route → method → series: look-ups without building a key per answer. */
  readonly #routes = new Map<string, Map<string, RouteSeries>>();

  /** Counts an answer and its duration. */
  observe(method: string, route: string, status: number, seconds: number): void {
    let methods = this.#routes.get(route);
    if (methods === undefined) this.#routes.set(route, (methods = new Map<string, RouteSeries>()));
    let series = methods.get(method);
    if (series === undefined) methods.set(method, (series = newSeries()));
    series.unreported.set(status, (series.unreported.get(status) ?? 0) + 1);
    series.count += 1;
    series.sumSeconds += seconds;
    // An answer slower than the last bound is counted only in `count` (the +Inf bucket).
    for (let i = 0; i < REQUEST_DURATION_BUCKETS.length; i++) {
      if (seconds <= REQUEST_DURATION_BUCKETS[i]!) {
        series.buckets[i]! += 1;
        break;
      }
    }
  }

  /** Registers both metrics in `registry`. */
  register(prom: typeof PromClient, registry: PromClient.Registry): void {
    const routes = this.#routes;
    new prom.Counter({
      name: 'mmtel_http_requests_total',
      help: 'HTTP requests answered, by route and status.',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
      // Called by every scrape: adds what was answered since the last one.
      collect() {
        for (const [route, methods] of routes)
          for (const [method, series] of methods)
            for (const [status, count] of series.unreported) {
              this.inc({ method, route, status: String(status) }, count);
              series.unreported.delete(status);
            }
      },
    });
    registry.registerMetric(durationHistogram(routes) as unknown as PromClient.Metric);
  }
}

function newSeries(): RouteSeries {
  return { unreported: new Map(), buckets: REQUEST_DURATION_BUCKETS.map(() => 0), count: 0, sumSeconds: 0 };
}

/**
 * `mmtel_http_request_duration_seconds` as a metric prom-client's registry can format: the values
 * prom-client's Histogram would give (cumulative buckets, +Inf, sum, count per series).
 */
function durationHistogram(routes: Map<string, Map<string, RouteSeries>>) {
  const name = 'mmtel_http_request_duration_seconds';
  const help = 'Time to answer a request.';
  const values = (): ExportedValue[] => {
    const exported: ExportedValue[] = [];
    for (const [route, methods] of routes)
      for (const [method, series] of methods) {
        const sharedLabels = { method, route };
        let cumulative = 0;
        REQUEST_DURATION_BUCKETS.forEach((bound, i) => {
          cumulative += series.buckets[i]!;
          exported.push({ labels: { le: bound }, sharedLabels, value: cumulative, metricName: `${name}_bucket` });
        });
        exported.push(
          { labels: { le: '+Inf' }, sharedLabels, value: series.count, metricName: `${name}_bucket` },
          { labels: {}, sharedLabels, value: series.sumSeconds, metricName: `${name}_sum` },
          { labels: {}, sharedLabels, value: series.count, metricName: `${name}_count` },
        );
      }
    return exported;
  };
  const metric = { name, help, type: 'histogram' as const, aggregator: 'sum' as const };
  return {
    ...metric,
    /** What the registry formats as text. */
    getForPromString: async () => ({ ...metric, values: values() }),
    /** The JSON form: each value with all its labels, as prom-client's `get` gives them. */
    get: async () => ({
      ...metric,
      values: values().map(({ labels, sharedLabels, ...rest }) => ({ ...rest, labels: { ...labels, ...sharedLabels } })),
    }),
    reset(): void {
      routes.clear();
    },
  };
}
