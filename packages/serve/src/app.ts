import type { IncomingMessage, ServerResponse } from 'node:http';
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
import { ModelLoader } from './model-loader.js';
import { healthRoute } from './routes/health.js';
import { predictRoute } from './routes/predict.js';
import { predictIntervalRoute } from './routes/predict-interval.js';
import { reloadRoute } from './routes/reload.js';

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
}

/**
 * Build the Twiga HTTP app (not listening — `apps/server` listens, tests use `inject`). Routes: `/health`,
 * `/predict`, `/reload`; errors are always `{ error: { code, message, details? } }`.
 */
export async function createApp(options: CreateAppOptions): Promise<TwigaApp> {
  const { settings } = options;
  const logger = options.logger ?? createLogger(settings, { name: 'twiga-serve' });
  const loader =
    options.loader ?? new ModelLoader({ checkpointDir: settings.TWIGA_MODEL_CHECKPOINT_DIR, logger });
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: settings.TWIGA_SERVE_BODY_LIMIT,
    // Per-request access lines are off: at thousands of requests a second they would dominate the cost.
    logController: new LogController({ disableRequestLogging: true }),
    // Numbers in JSON beyond float64 range, prototype pollution keys: rejected by the parser.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send({ error: { code: 'ROUTE_NOT_FOUND', message: `no route ${request.method} ${request.url}` } }),
  );
  if (settings.TWIGA_SERVE_API_KEY === undefined) {
    logger.warn('TWIGA_SERVE_API_KEY is not set: every route is open to anyone who can reach the server');
  }
  await app.register(authPlugin, { apiKey: settings.TWIGA_SERVE_API_KEY });
  await app.register(healthRoute, { loader });
  await app.register(predictRoute, { loader });
  await app.register(predictIntervalRoute, { loader });
  await app.register(reloadRoute, { loader });
  app.addHook('onClose', async () => loader.close());
  return app;
}
