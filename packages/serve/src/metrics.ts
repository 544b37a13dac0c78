import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import {
  AggregatorRegistry,
  Counter,
  collectDefaultMetrics,
  Gauge,
  Histogram,
  type MetricObjectWithValues,
  type MetricValue,
  Registry,
} from 'prom-client';
import type { ModelLoader } from './model-loader.js';

/** Options of {@link metricsPlugin}. */
export interface MetricsOptions {
  loader: ModelLoader;
  /**
   * When this process is one of several sharing the port: every process's metrics (each one's
   * `twigaMetricsJson()`, this one's included), merged into one `/metrics` answer the way prom-client's
   * cluster support does (counters and histograms added up, gauges by their `aggregator`).
   */
  gather?: () => Promise<MetricsJson[]>;
}

/** One process's metrics as `Registry.getMetricsAsJSON()` gives them. */
export type MetricsJson = MetricObjectWithValues<MetricValue<string>>[];

/** Latency buckets (seconds) sized for sub-millisecond to multi-second requests. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * Prometheus metrics at `GET /metrics` (prom-client, one registry per app so apps in one process do not
 * share counters): requests and latency per route and status, predictions per model, the served model's
 * version and load time, reloads and reload failures, ONNX Runtime runs (calls joined per run, rows), and
 * Node's default metrics (event-loop lag included).
 */
const metrics: FastifyPluginAsync<MetricsOptions> = async (app, { loader, gather }) => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 10 });
  const requests = new Counter({
    name: 'twiga_http_requests_total',
    help: 'HTTP requests by route, method and status',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'twiga_http_request_duration_seconds',
    help: 'HTTP request latency by route, method and status',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const predictions = new Counter({
    name: 'twiga_predictions_total',
    help: 'Forecast windows answered, by model',
    labelNames: ['model'] as const,
    registers: [registry],
  });
  // Over several processes these are the largest (all serve the same version after a reload).
  const version = new Gauge({
    name: 'twiga_model_version',
    help: 'Checkpoint version being served',
    aggregator: 'max',
    registers: [registry],
  });
  const loadSeconds = new Gauge({
    name: 'twiga_model_load_seconds',
    help: 'Seconds the last model load took',
    aggregator: 'max',
    registers: [registry],
  });
  const reloads = new Counter({
    name: 'twiga_model_loads_total',
    help: 'Model loads and reloads that succeeded',
    registers: [registry],
  });
  const reloadFailures = new Counter({
    name: 'twiga_model_reload_failures_total',
    help: 'Reloads that failed (the old model kept serving), by error code',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  const batches = new Histogram({
    name: 'twiga_onnx_batch_calls',
    help: 'Forecast calls answered by one ONNX Runtime run (micro-batching joins concurrent requests)',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128],
    registers: [registry],
  });
  const onnxRows = new Counter({
    name: 'twiga_onnx_rows_total',
    help: 'Feature rows scored by ONNX Runtime',
    registers: [registry],
  });
  loader.observeOnnx((rows, calls) => {
    batches.observe(calls);
    onnxRows.inc(rows);
  });
  const unsubscribe = loader.subscribe((event) => {
    if (event.type === 'loaded') {
      version.set(event.version);
      loadSeconds.set(event.seconds);
      reloads.inc();
    } else reloadFailures.inc({ code: event.code });
  });
  if (loader.current) version.set(loader.current.meta.version);
  app.addHook('onClose', async () => {
    unsubscribe();
  });

  app.addHook('onResponse', async (request, reply) => {
    // The route pattern, not the URL, so label cardinality stays bounded (unknown paths share one label).
    const route = request.routeOptions.url ?? 'unmatched';
    const labels = { route, method: request.method, status: String(reply.statusCode) };
    requests.inc(labels);
    latency.observe(labels, reply.elapsedTime / 1000);
  });
  app.decorate('twigaCountPredictions', (model: string, windows: number) =>
    predictions.inc({ model }, windows),
  );

  app.decorate('twigaMetricsJson', () => registry.getMetricsAsJSON() as Promise<MetricsJson>);
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    reply.header('content-type', registry.contentType);
    if (!gather) return registry.metrics();
    return AggregatorRegistry.aggregate(await gather()).metrics();
  });
};

declare module 'fastify' {
  interface FastifyInstance {
    /** Count answered forecast windows per model (set by the metrics plugin). */
    twigaCountPredictions(model: string, windows: number): void;
    /** This process's metrics as JSON, for merging with other server processes' (set by the metrics plugin). */
    twigaMetricsJson(): Promise<MetricsJson>;
  }
}

/** Prometheus metrics plugin; hooks cover every route registered beside it. */
export const metricsPlugin = fp(metrics, { name: 'twiga-metrics', fastify: '5.x' });
