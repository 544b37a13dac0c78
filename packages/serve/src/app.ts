import type { IncomingMessage, ServerResponse } from 'node:http';
import rateLimit from '@fastify/rate-limit';
import underPressure from '@fastify/under-pressure';
import { createLogger, type Logger, type TwigaSettings } from '@twiga/core';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  LogController,
  type RawServerDefault,
} from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { authPlugin } from './auth.js';
import { errorHandler } from './error-handler.js';
import { RateLimitedError, ShuttingDownError } from './errors.js';
import { KeyRing } from './key-ring.js';
import { type MetricsJson, metricsPlugin } from './metrics.js';
import { ModelLoader } from './model-loader.js';
import { docsUiPlugin, openApiPlugin } from './openapi.js';
import { healthRoute } from './routes/health.js';
import { monitorRoute } from './routes/monitor.js';
import { predictRoute } from './routes/predict.js';
import { predictIntervalRoute } from './routes/predict-interval.js';
import { acceptRawForecastBodies, RawJsonBody } from './routes/raw-body.js';
import { reloadRoute } from './routes/reload.js';
import { reportsRoute } from './routes/reports.js';

/** The app {@link createApp} returns: Fastify with the zod type provider. */
export type TwigaApp = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse<IncomingMessage>,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/** Options of {@link createApp}. */
export interface CreateAppOptions {
  settings: TwigaSettings;
  /** Model holder; by default one reading `TWIGA_MODEL_CHECKPOINT_DIR`. */
  loader?: ModelLoader;
  /** Logger; by default a pino logger from settings. */
  logger?: Logger;
  /** Every server process's metrics when this is one of several sharing the port (apps/server's cluster). */
  gatherMetrics?: () => Promise<MetricsJson[]>;
}

/**
 * Build the Twiga HTTP app (not listening — `apps/server` listens, tests use `inject`): `/health`,
 * `/predict`, `/predict-interval`, `/reload`, `/metrics`, `/openapi.json`, `/docs`. Errors are always
 * `{ error: { code, message, details? } }`.
 */
export async function createApp(options: CreateAppOptions): Promise<TwigaApp> {
  const { settings } = options;
  const logger = options.logger ?? createLogger(settings, { name: 'twiga-serve' });
  const loader =
    options.loader ??
    new ModelLoader({
      checkpointDir: settings.TWIGA_MODEL_CHECKPOINT_DIR,
      logger,
      settings,
      workers: settings.TWIGA_SERVE_WORKERS,
      onnxThreads: settings.TWIGA_SERVE_ONNX_THREADS,
    });
  const keys = new KeyRing({ keys: settings.TWIGA_SERVE_API_KEY, file: settings.TWIGA_SERVE_API_KEY_FILE });
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: settings.TWIGA_SERVE_BODY_LIMIT,
    requestTimeout: settings.TWIGA_SERVE_REQUEST_TIMEOUT_MS,
    // Per-request access lines are off: at thousands of requests a second they would dominate the cost.
    logController: new LogController({ disableRequestLogging: true }),
    // Prototype-pollution keys in JSON bodies are rejected by the parser.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // Fastify's own 503 while closing has another body shape; ours (below) carries a code.
    return503OnClosing: false,
    // On close, do not cut idle keep-alive sockets: a client may be sending on one at that instant (it would
    // see ECONNRESET). Each gets `Connection: close` on its next answer, or ends at the keep-alive timeout.
    forceCloseConnections: false,
  }).withTypeProvider<ZodTypeProvider>();
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send({ error: { code: 'ROUTE_NOT_FOUND', message: `no route ${request.method} ${request.url}` } }),
  );
  if (!keys.enabled) {
    logger.warn('TWIGA_SERVE_API_KEY is not set: every route is open to anyone who can reach the server');
  }

  // While shutting down, requests that still arrive (on kept-alive connections) are turned away so a load
  // balancer retries them elsewhere; requests already in flight finish.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async (_request, reply) => {
    if (!closing) return;
    reply.header('connection', 'close').header('retry-after', '1');
    throw new ShuttingDownError();
  });

  // Load shedding first, so an overloaded server answers 503 + Retry-After before doing any work.
  if (settings.TWIGA_SERVE_MAX_EVENT_LOOP_DELAY_MS > 0) {
    await app.register(underPressure, {
      maxEventLoopDelay: settings.TWIGA_SERVE_MAX_EVENT_LOOP_DELAY_MS,
      // Sample often enough that a stall is seen within a quarter second.
      sampleInterval: 250,
      retryAfter: 5,
      exposeStatusRoute: false,
      pressureHandler: (_request, reply, type, value) => {
        reply
          .code(503)
          .header('retry-after', '5')
          .send({
            error: { code: 'OVERLOADED', message: `server overloaded (${type} ${value}): retry later` },
          });
      },
    });
  }
  await app.register(metricsPlugin, {
    loader,
    ...(options.gatherMetrics ? { gather: options.gatherMetrics } : {}),
  });
  await app.register(authPlugin, { keys, metricsKey: settings.TWIGA_SERVE_METRICS_API_KEY });
  if (settings.TWIGA_SERVE_RATE_LIMIT > 0) {
    await app.register(rateLimit, {
      max: settings.TWIGA_SERVE_RATE_LIMIT,
      timeWindow: 60_000,
      // Per API key when auth is on (one client, whatever its address), per address otherwise.
      keyGenerator: (request) => {
        const key = request.headers['x-api-key'];
        return typeof key === 'string' && keys.enabled ? `key:${key}` : `ip:${request.ip}`;
      },
      allowList: (request) => request.url === '/health',
      errorResponseBuilder: (_request, context) => new RateLimitedError(context.max, context.after),
    });
  }
  await app.register(openApiPlugin);
  // Routes live in their own scope with the zod compilers (a root-level zod compiler would also
  // compile other plugins' JSON schemas, which it cannot).
  await app.register(async (api) => {
    // Large forecast bodies pass the validators unparsed; the routes validate them off the event loop.
    api.setValidatorCompiler((route) => {
      const validate = validatorCompiler(route as Parameters<typeof validatorCompiler>[0]);
      return (data) => (data instanceof RawJsonBody ? { value: data } : validate(data));
    });
    if (settings.TWIGA_SERVE_WORKERS > 0) acceptRawForecastBodies(api, settings.TWIGA_SERVE_WORKER_MIN_BYTES);
    api.setSerializerCompiler(serializerCompiler);
    const routeOptions = { loader, maxRecords: settings.TWIGA_SERVE_MAX_RECORDS };
    await api.register(healthRoute, { loader });
    await api.register(predictRoute, routeOptions);
    await api.register(predictIntervalRoute, routeOptions);
    await api.register(reloadRoute, { loader });
    await api.register(monitorRoute, { loader, reportDir: settings.TWIGA_SERVE_REPORT_DIR });
    await api.register(reportsRoute, { reportDir: settings.TWIGA_SERVE_REPORT_DIR });
  });
  await app.register(docsUiPlugin);
  app.addHook('onClose', async () => loader.close());
  return app;
}
